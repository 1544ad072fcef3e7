"""Broken Customer.io rules, one adapter each: ``identity_model_spec.broken.customerio:<name>``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from identity_model_spec import oracle
from identity_model_spec.oracle_customerio import CustomerioSession


def keeps_anonymous_events_forever(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks CIO-07: unmerged anonymous events are never deleted."""
    report = oracle.run(script)
    for event in report["events"]:
        if "retained" in event:
            event["retained"] = True
    return report


def merged_events_always_trigger(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks CIO-08: every merged event can trigger, however late it was merged."""
    report = oracle.run(script)
    for event in report["events"]:
        if event.get("merged"):
            event["can_trigger_campaign"] = True
    return report


class LateEventsMergeForever(CustomerioSession):
    """Breaks CIO-07: an event older than 30 days still merges when it arrives after its id's
    identify."""

    def merges_on_arrival(self, assigned: datetime, when: datetime) -> bool:
        return when - assigned <= timedelta(seconds=300)


def late_events_merge_forever(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, customerio_class=LateEventsMergeForever)
