"""The Segment report (format §2 and its Segment extension): calls as events, Unify profiles as
persons, the meters per month as usage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from identity_model.vendors.segment.calls import CallType, SegmentCall
from identity_model.vendors.segment.reducer import SegmentState
from identity_model.vendors.segment.unify import Profile


def profiles_in_report_order(state: SegmentState) -> list[Profile]:
    """Live profiles ordered by their sorted values, compared element by element."""
    return sorted(state.profiles.live.values(), key=Profile.values)


def person_entry(profile: Profile) -> dict[str, Any]:
    identifiers: dict[str, list[str]] = {}
    for kind, value in profile.identifiers:
        identifiers.setdefault(kind.value, []).append(value)
    return {
        "distinct_ids": profile.values(),
        "is_identified": profile.is_identified,
        "identifiers": {kind: sorted(values) for kind, values in sorted(identifiers.items())},
        "merges": profile.merges,
        "properties": {},  # profile traits are not part of v1 (format extension)
    }


def usage_entry(state: SegmentState) -> dict[str, Any]:
    months = [meter for _, meter in sorted(state.months.items())]
    return {
        "anonymous_events": sum(meter.anonymous_events for meter in months),
        "identified_events": sum(meter.identified_events for meter in months),
        "mtu": sum(meter.mtu for meter in months),
        "api_calls": sum(meter.api_calls for meter in months),
        "months": {month: meter.as_json() for month, meter in sorted(state.months.items())},
    }


def report_parts(state: SegmentState, calls: Iterable[tuple[int, SegmentCall]]) -> dict[str, Any]:
    """``events``, ``persons`` and ``usage``; ``calls`` are (step index, call) in script order."""
    profiles = profiles_in_report_order(state)
    index = {profile.key: n for n, profile in enumerate(profiles)}
    events = []
    for step, call in calls:
        person = None if call.profile is None else index[state.profiles.root(call.profile)]
        events.append(
            {
                "step": step,
                "event": call.name if call.type is CallType.TRACK else None,
                "distinct_id": call.distinct_id,
                "billed_as": call.billed_as.value,
                "person": person,
                "anonymous_id": call.anonymous_id,
                "user_id": call.user_id,
                "type": call.type.value,
            }
        )
    return {
        "events": events,
        "persons": [person_entry(profile) for profile in profiles],
        "usage": usage_entry(state),
    }
