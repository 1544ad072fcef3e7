"""Broken Customer.io rules, one adapter each: ``spec_tests.broken.customerio:<name>``."""

from __future__ import annotations

from typing import Any

from spec_tests import oracle


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
