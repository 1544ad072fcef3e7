"""TEMPORARY (until the house lands): the Mixpanel model as an adapter, reading ops with the
PostHog script reader."""

from __future__ import annotations

from typing import Any

from identity_model.jsonio import BadLine, ScriptReader
from identity_model.operations import op_name
from identity_model.vendors import mixpanel


def run(script: list[dict[str, Any]]) -> dict[str, Any]:
    config = mixpanel.parse_config(script[0]["config"])
    state = mixpanel.empty_state(config)
    reader = ScriptReader()
    reader._seen_operation = True
    steps: list[dict[str, Any]] = []
    events = []
    for number, raw in enumerate(script[1:], start=2):
        item = reader.read_object(number, raw)
        assert item is not None
        if isinstance(item, BadLine):
            steps.append(
                {"line": number, "op": item.op, "outcome": "rejected", "codes": [item.code.value]}
            )
            continue
        verdict = mixpanel.decide(state, item.op)
        if verdict.facts is not None:
            state = mixpanel.evolve(state, verdict)
        steps.append(
            {
                "line": number,
                "op": op_name(item.op),
                "outcome": verdict.step.status.value,
                "codes": [c.value for c in verdict.step.codes],
            }
        )
        if verdict.event is not None:
            events.append((len(steps) - 1, verdict.event))
    return {
        "format": "identity-model-report/1",
        "steps": steps,
        **mixpanel.report_parts(state, events),
    }
