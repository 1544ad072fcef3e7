"""Laws every conformance report must obey, whatever the script (format §2)."""

from __future__ import annotations

from collections import Counter
from typing import Any


def report_violations(script: list[dict[str, Any]], report: dict[str, Any]) -> list[str]:
    """Everything wrong with ``report`` as a report of ``script``; empty when it is sound."""
    found: list[str] = []
    if report.get("format") != "identity-model-report/1":
        found.append(f"format is {report.get('format')!r}")
    steps = report["steps"]
    has_config = bool(script) and "config" in script[0] and "op" not in script[0]
    config_made_no_step = has_config and (not steps or steps[0]["line"] != 1)
    operation_lines = len(script) - (1 if config_made_no_step else 0)
    outcomes = Counter(step["outcome"] for step in steps)
    if sum(outcomes.values()) != operation_lines or set(outcomes) - {
        "applied",
        "ignored",
        "rejected",
    }:
        found.append(f"applied + ignored + rejected = {dict(outcomes)} for {operation_lines} lines")
    lines = [step["line"] for step in steps]
    if lines != sorted(set(lines)):
        found.append(f"step lines not strictly increasing: {lines}")
    billed = Counter(event["billed_as"] for event in report["events"])
    usage = {key: report["usage"].get(key) for key in ("anonymous_events", "identified_events")}
    if usage != {
        "anonymous_events": billed["anonymous"],
        "identified_events": billed["identified"],
    }:
        found.append(f"usage {usage} != billed events {dict(billed)}")
    seen: set[str] = set()
    for person in report["persons"]:
        ids = person["distinct_ids"]
        if not ids or ("activity" not in report and ids != sorted(ids)):
            # Customer.io lists [user_id] + its anonymous ids in assignment order (format §2).
            found.append(f"distinct_ids not sorted or empty: {ids}")
        if seen & set(ids):
            found.append(f"distinct ids in two persons: {sorted(seen & set(ids))}")
        seen |= set(ids)
    firsts = [min(person["distinct_ids"]) for person in report["persons"] if person["distinct_ids"]]
    if firsts != sorted(firsts):
        found.append("persons not ordered by smallest distinct id")
    for event in report["events"]:
        if not 0 <= event["step"] < len(steps) or steps[event["step"]]["outcome"] == "rejected":
            found.append(f"event {event} points at no accepted step")
        person = event["person"]
        if (
            person is not None
            and event["distinct_id"] not in report["persons"][person]["distinct_ids"]
        ):
            found.append(f"event {event} attributed to a person without its distinct id")
        # PostHog attributes by distinct id; a Customer.io event stays unattributed after the
        # merge window even when its anonymous id belongs to a person (CIO-05).
        posthog = "activity" not in report
        if (
            posthog
            and person is None
            and event["billed_as"] is not None
            and event["distinct_id"] in seen
        ):
            found.append(f"event {event} has no person though its distinct id has one")
    return found


def billing_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """PR-01/SV-31: events already reported keep their ``billed_as`` when the script grows."""
    found = []
    for old, new in zip(before["events"], after["events"], strict=False):
        if (old["step"], old["event"], old["distinct_id"], old["billed_as"]) != (
            new["step"],
            new["event"],
            new["distinct_id"],
            new["billed_as"],
        ):
            found.append(f"event changed after more lines: {old} -> {new}")
    if len(after["events"]) < len(before["events"]):
        found.append("events disappeared when the script grew")
    return found
