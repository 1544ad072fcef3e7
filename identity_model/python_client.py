"""Applying a posthog-python call to the world: decide, send its event, store the device."""

from __future__ import annotations

from dataclasses import replace

from identity_model.ingestion import ingest
from identity_model.operations import Ingest
from identity_model.outcome import Status, Step
from identity_model.python_sdk import PythonOperation, decide_python
from identity_model.world import WorldBuilder


def apply_python(builder: WorldBuilder, op: PythonOperation) -> Step:
    """One posthog-python call: a call that sends an event takes that event's outcome."""
    device = builder.python_device(op.device)
    decision = decide_python(device, op)
    if decision.step.status is not Status.APPLIED:
        return decision.step
    step = decision.step
    if decision.send is not None:
        send = decision.send
        event = Ingest(
            distinct_id=send.distinct_id,
            event=send.event,
            properties=send.properties,
            timestamp=op.timestamp,
        )
        sent = ingest(builder, event, device=op.device)
        # PY-12: the event decides the step; a generated id is still spent (decision §G).
        step = replace(step.then(sent), status=sent.status)
    if decision.device != device:
        builder.put_python_device(decision.device)
    return step
