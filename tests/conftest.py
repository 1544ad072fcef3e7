"""Helpers shared by this project's own tests (the conformance suite: identity_model_spec)."""

from __future__ import annotations

import json
from typing import Any

from identity_model import Operation, ScriptOp, ScriptReader


def ops_of(script: list[dict[str, Any]]) -> list[Operation]:
    """The operations of a script's well-formed lines (malformed ones are left out here)."""
    reader = ScriptReader()
    return [
        item.op
        for item in reader.read(json.dumps(line) for line in script)
        if isinstance(item, ScriptOp)
    ]
