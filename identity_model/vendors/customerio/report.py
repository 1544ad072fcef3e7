"""Customer.io's end-of-script judgements (retained, can trigger a campaign), its part of a
report (format §2: the same envelope, one event per accepted ``track``, plus ``activity``)
and of the replay table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from identity_model.events import ANONYMOUS_EVENTS, IDENTIFIED_EVENTS, BillingKind, month_of
from identity_model.jsontypes import thaw
from identity_model.outcome import Status, StepRecord
from identity_model.vendor import MonthlyUsage
from identity_model.vendors.customerio.operations import Track
from identity_model.vendors.customerio.reducer import RETENTION
from identity_model.vendors.customerio.state import CioEvent, CioState

TRIGGER_WINDOW = timedelta(hours=72)  # CIO-08, inclusive


def billed_as(event: CioEvent) -> BillingKind:
    """Identified when attached to a person when it was processed, else anonymous."""
    return BillingKind.IDENTIFIED if event.attached_when_processed else BillingKind.ANONYMOUS


def is_retained(event: CioEvent, end: datetime) -> bool:
    """Whether the event is still stored at the end of the script."""
    # CIO-07: unmerged anonymous events older than 30 days at the end are deleted.
    return (
        event.user_id is not None
        or event.merged_into is not None
        or end - event.timestamp <= RETENTION
    )


def can_trigger_campaign(event: CioEvent) -> bool:
    """Whether the event can trigger a campaign."""
    # CIO-08: merged events trigger only if merged within 72 hours of their own timestamp.
    if event.user_id is not None:
        return True
    if event.merged_at is None:
        return False
    return event.merged_at - event.timestamp <= TRIGGER_WINDOW


def report(state: CioState, records: Sequence[StepRecord]) -> dict[str, Any]:
    """The ``events``, ``persons``, ``usage`` and ``activity`` of a report; ``records`` are the
    script's steps (one event per applied ``track``)."""
    tracks = [
        index
        for index, record in enumerate(records)
        if record.op == Track.OP and record.status is Status.APPLIED
    ]
    return _parts(state, tracks)


def _parts(state: CioState, steps: list[int]) -> dict[str, Any]:
    """``steps[i]`` is the step index of the i-th track (one event per accepted track)."""
    people = sorted(
        state.people.values(), key=lambda person: min((person.user_id, *person.anonymous_ids))
    )
    index = {person.user_id: n for n, person in enumerate(people)}
    end = state.clock
    events = []
    for event, step in zip(state.event_log(), steps, strict=True):
        owner = event.user_id or event.merged_into
        events.append(
            {
                "step": step,
                "event": event.event,
                "distinct_id": event.user_id or event.anonymous_id,
                "billed_as": billed_as(event).value,
                "person": None if owner is None else index[owner],
                "anonymous_id": event.anonymous_id,
                "user_id": event.user_id,
                "merged": event.merged_into is not None,
                "retained": end is not None and is_retained(event, end),
                "can_trigger_campaign": can_trigger_campaign(event),
            }
        )
    identified = sum(1 for event in state.events.values() if event.attached_when_processed)
    return {
        "events": events,
        "persons": [
            {
                "distinct_ids": [person.user_id, *person.anonymous_ids],
                "is_identified": True,
                "properties": {
                    key: thaw(value) for key, value in sorted(person.attributes.items())
                },
            }
            for person in people
        ],
        "usage": {
            ANONYMOUS_EVENTS: len(state.events) - identified,
            IDENTIFIED_EVENTS: identified,
        },
        "activity": [
            {
                "person": entry.person,
                "type": "anonymous_data_merged",
                "anonymous_id": entry.anonymous_id,
                "count": entry.count,
                "oldest_timestamp": int(entry.oldest.timestamp()),
            }
            for entry in (state.activity[n] for n in range(len(state.activity)))
        ],
    }


def usage(state: CioState) -> MonthlyUsage:
    """Tracks per month, by whether they were attached to a person when processed."""
    months: dict[str, dict[str, int]] = {}
    for event in state.events.values():
        meters = months.setdefault(month_of(event.timestamp), {})
        meter = billed_as(event).meter
        meters[meter] = meters.get(meter, 0) + 1
    return {month: months[month] for month in sorted(months)}


# Presentation (the replay table), not a rule: left out of mutation testing.
def summary(state: CioState) -> dict[str, int]:  # pragma: no mutate block
    return {"persons": len(state.people), "identified_persons": len(state.people)}


# Presentation (the replay table), not a rule: left out of mutation testing.
def describe(state: CioState) -> list[str]:  # pragma: no mutate block
    """Every track judged at the end of the script, the people and the merges."""
    parts = _parts(state, list(range(len(state.events))))
    end = state.clock.isoformat() if state.clock else "-"
    lines = [f"events, judged at the end of the script ({end})"]
    for event, raw in zip(parts["events"], state.event_log(), strict=True):
        who = f"user {raw.user_id}" if raw.user_id else f"anonymous {raw.anonymous_id}"
        flags = ", ".join(
            name for name in ("merged", "retained", "can_trigger_campaign") if event[name]
        )
        lines.append(f"  {raw.timestamp.isoformat()}  {raw.event:<22} {who:<26} {flags or '-'}")
    lines += ["", f"people ({len(parts['persons'])})"]
    for person in parts["persons"]:
        properties = json.dumps(thaw(person["properties"]), ensure_ascii=False)
        lines.append(f"  {', '.join(person['distinct_ids'])}  {properties}")
    lines += ["", f"anonymous data merged ({len(parts['activity'])})"]
    for entry in parts["activity"]:
        lines.append(
            f"  {entry['person']} <- {entry['anonymous_id']}: {entry['count']} events, "
            f"oldest at unix {entry['oldest_timestamp']}"
        )
    usage = parts["usage"]
    lines += [
        "",
        f"usage: {usage[ANONYMOUS_EVENTS]} anonymous + {usage[IDENTIFIED_EVENTS]} identified "
        "(Customer.io pricing is not modelled)",
    ]
    return lines
