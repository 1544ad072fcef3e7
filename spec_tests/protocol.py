"""The adapter protocol: the one function an implementation under test provides.

``run(script)`` takes a script as a list of JSON objects (the conformance format §1, config
object first if any; line n of the script is ``script[n-1]``) and returns the report (§2) as
JSON-compatible Python data. It must not raise for bad lines: they are rejected steps.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

Script: TypeAlias = Sequence[dict[str, Any]]
Report: TypeAlias = dict[str, Any]
Adapter: TypeAlias = Callable[[Script], Report]

DEFAULT_IMPL = "identity_model.conformance:run"


class AdapterLoadError(Exception):
    """The ``--identity-impl`` value does not name a callable."""


def load_adapter(spec: str) -> Adapter:
    """``package.module:function`` (``:run`` when omitted) → the adapter callable."""
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise AdapterLoadError(f"cannot import {module_name!r}: {error}") from error
    adapter = getattr(module, attribute or "run", None)
    if not callable(adapter):
        raise AdapterLoadError(f"{spec!r} is not a callable adapter run(script) -> report")
    return adapter  # type: ignore[no-any-return]
