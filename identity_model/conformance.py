"""This package as an implementation under test for ``spec_tests`` (the adapter protocol).

An adapter is any callable ``run(script: list[dict]) -> dict``: it takes a script as JSON
objects (config first, if any; line n is ``script[n-1]``) and returns the report of the
conformance format. ``pytest -p spec_tests.plugin --identity-impl=identity_model.conformance:run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from identity_model.io.report import build_report, run_objects


def run(script: Sequence[Any]) -> dict[str, Any]:
    """Replay ``script`` and return its ``identity-model-report/1`` report."""
    result = run_objects(script)
    return build_report(result.records, result.world)
