"""Until the vendor registry lands: the Amplitude reducer as a spec_tests adapter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from identity_model import BadLine, ScriptOp, ScriptReader
from identity_model.errors import IdentityError
from identity_model.operations import op_name
from identity_model.vendors.amplitude.config import parse_config
from identity_model.vendors.amplitude.reducer import decide, evolve
from identity_model.vendors.amplitude.report import report_parts
from identity_model.vendors.amplitude.state import AmplitudeEvent, empty_state


def run(script: Sequence[Any]) -> dict[str, Any]:
    first = script[0] if script else None
    assert isinstance(first, dict) and "config" in first, "an Amplitude script"
    try:
        state = empty_state(parse_config(first["config"]))
    except IdentityError:
        raise AssertionError("a valid config") from None
    reader = ScriptReader()
    steps: list[dict[str, Any]] = []
    events: list[tuple[int, AmplitudeEvent]] = []
    for item in reader.read_objects([{"config": {}}, *script[1:]]):
        match item:
            case BadLine():
                steps.append(
                    {
                        "line": item.line,
                        "op": item.op,
                        "outcome": "rejected",
                        "codes": [item.code.value],
                    }
                )
            case ScriptOp():
                decision = decide(state, item.op)
                if decision.facts is not None:
                    state = evolve(state, decision)
                    if decision.facts.ingested is not None:
                        events.append((len(steps), decision.facts.ingested.event))
                step = decision.step
                steps.append(
                    {
                        "line": item.line,
                        "op": op_name(item.op),
                        "outcome": step.status.value,
                        "codes": [code.value for code in step.codes],
                    }
                )
    return {"format": "identity-model-report/1", "steps": steps, **report_parts(state, events)}
