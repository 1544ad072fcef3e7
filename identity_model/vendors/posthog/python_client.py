"""Deciding a posthog-python call against PostHog's state: the SDK's decision, then the event
it sends through ingestion; a call that sends an event takes that event's outcome."""

from __future__ import annotations

from msgspec import structs

from identity_model.operations import Ingest
from identity_model.outcome import Status
from identity_model.vendor import Decision
from identity_model.vendors.posthog.ingestion import decide_ingest
from identity_model.vendors.posthog.python_sdk import PyDevice, PythonOperation, decide_python
from identity_model.vendors.posthog.state import Facts, View


def decide_python_call(view: View, op: PythonOperation) -> Decision[Facts]:
    """One posthog-python call on ``op.device``."""
    stored = view.python_device(op.device)
    device = stored if stored is not None else PyDevice(name=op.device)
    decision = decide_python(device, op)
    if decision.step.status is not Status.APPLIED:
        return Decision(step=decision.step)
    spent = decision.device if decision.device != device else None
    if decision.send is None:
        return Decision(step=decision.step, facts=Facts(python_device=spent))
    send = decision.send
    event = Ingest(
        distinct_id=send.distinct_id,
        event=send.event,
        properties=send.properties,
        timestamp=op.timestamp,
    )
    sent = decide_ingest(view, event, device=op.device)
    step = structs.replace(decision.step.then(sent.step), status=sent.step.status)
    facts = structs.replace(sent.facts or Facts(), python_device=spent)
    if step.status is Status.APPLIED:
        return Decision(step=step, facts=facts)
    # PY-12: the event decides the step; a generated id is still spent (decision §G).
    if spent is None:
        return Decision(step=step)
    return Decision(step=step, facts=facts, bookkeeping=True)
