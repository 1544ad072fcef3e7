"""The Customer.io profile: anonymous events, identify with an anonymous id, merge windows,
retention and campaign triggers (the CIO rules), as an immutable state beside PostHog's.

All judgements that depend on "now" (retained, can trigger) are made at the end of a script:
the latest timestamp of any operation, never a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, assert_never

from immutables import Map

from identity_model.errors import Code
from identity_model.jsontypes import Json, thaw
from identity_model.operations import Advance, CioIdentify, CustomerioOperation, Track
from identity_model.outcome import Status, Step, ignored

# CIO-11: the JS snippet and mobile SDKs set anonymous ids themselves: not v1 operations.
# CIO-12: merging is a workspace setting, on by default since July 2021: always on here.
MERGED_RULE = "CIO-10"  # merged events become identified: attributed to the person
UPSERT_RULE = "CIO-14"  # identify (and a track with user_id) adds the person or updates them
MERGE_WINDOW = timedelta(seconds=300)  # CIO-04, inclusive
RETENTION = timedelta(days=30)  # CIO-07, inclusive
TRIGGER_WINDOW = timedelta(hours=72)  # CIO-08, inclusive


@dataclass(frozen=True, slots=True, kw_only=True)
class CioEvent:
    seq: int
    event: str
    anonymous_id: str | None
    user_id: str | None
    timestamp: datetime
    attached_when_processed: bool  # billed identified (attached to a person when processed)
    merged_into: str | None = None  # the person an anonymous event was merged into
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CioPerson:
    user_id: str
    attributes: Map[str, Json] = field(default_factory=Map)
    anonymous_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """An anonymous id given to a person by an identify; ``activity`` is its merge entry."""

    user_id: str
    assigned_at: datetime
    activity: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """CIO-09: one "Anonymous Data Merged" entry."""

    person: str
    anonymous_id: str
    count: int
    oldest: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CioState:
    people: Map[str, CioPerson] = field(default_factory=Map)
    assignments: Map[str, Assignment] = field(default_factory=Map)
    events: Map[int, CioEvent] = field(default_factory=Map)
    waiting: Map[str, tuple[int, ...]] = field(default_factory=Map)  # unmerged anonymous events
    activity: Map[int, Activity] = field(default_factory=Map)
    clock: datetime | None = None  # the latest timestamp of any operation so far

    def event_log(self) -> list[CioEvent]:
        return [self.events[seq] for seq in range(len(self.events))]


EMPTY_CIO = CioState()


def apply_customerio(state: CioState, op: CustomerioOperation) -> tuple[CioState, Step]:
    """One Customer.io operation; a rejected or ignored one returns ``state`` itself."""
    match op:
        case Track():
            return _track(state, op)
        case CioIdentify():
            return _identify(state, op)
        case Advance():
            if state.clock is not None and op.timestamp <= state.clock:
                return state, ignored("advance does not move the clock forward (our decision)")
            return replace(state, clock=op.timestamp), Step(status=Status.APPLIED)
        case _:
            assert_never(op)


def _later(clock: datetime | None, timestamp: datetime) -> datetime:
    return timestamp if clock is None or timestamp > clock else clock


def _upsert(state: CioState, user_id: str, attributes: Any = None) -> Map[str, CioPerson]:
    person = state.people.get(user_id) or CioPerson(user_id=user_id)
    if attributes:
        merged = person.attributes.mutate()
        for key, value in attributes.items():
            merged[key] = value
        person = replace(person, attributes=merged.finish())
    return state.people.set(user_id, person)


def _join_activity(
    state: CioState, anonymous_id: str, user_id: str, events: list[CioEvent]
) -> CioState:
    """Add merged events to the assignment's activity entry (created on its first event)."""
    if not events:
        return state
    # CIO-09: one "Anonymous Data Merged" entry per merge, with the count and the oldest event.
    assignment = state.assignments[anonymous_id]
    oldest = min(event.timestamp for event in events)
    if assignment.activity is None:
        index = len(state.activity)
        entry = Activity(
            person=user_id, anonymous_id=anonymous_id, count=len(events), oldest=oldest
        )
        assignments = state.assignments.set(anonymous_id, replace(assignment, activity=index))
        return replace(state, activity=state.activity.set(index, entry), assignments=assignments)
    index = assignment.activity
    entry = state.activity[index]
    entry = replace(entry, count=entry.count + len(events), oldest=min(entry.oldest, oldest))
    return replace(state, activity=state.activity.set(index, entry))


def _track(state: CioState, op: Track) -> tuple[CioState, Step]:
    """Store the event, decide who it belongs to now, and with which rule."""
    event = CioEvent(
        seq=len(state.events),
        event=op.event,
        anonymous_id=op.anonymous_id,
        user_id=op.user_id,
        timestamp=op.timestamp,
        attached_when_processed=op.user_id is not None,
    )
    state = replace(state, clock=_later(state.clock, op.timestamp))
    if op.user_id is not None:
        # An event with the person's user_id belongs to them and can trigger campaigns.
        state = replace(state, people=_upsert(state, op.user_id))
        return _store(state, event), Step(status=Status.APPLIED, rules=("CIO-13",))
    anonymous_id = op.anonymous_id
    assert anonymous_id is not None
    assignment = state.assignments.get(anonymous_id)
    if assignment is None:
        # Stored anonymous, attached to no person, unable to trigger a campaign.
        waiting = state.waiting.set(anonymous_id, (*state.waiting.get(anonymous_id, ()), event.seq))
        state = replace(state, waiting=waiting)
        return _store(state, event), Step(status=Status.APPLIED, rules=("CIO-01", "CIO-02"))
    in_window = op.timestamp - assignment.assigned_at <= MERGE_WINDOW  # no overflow at 9999
    in_retention = assignment.assigned_at - op.timestamp <= RETENTION
    if not (in_window and in_retention):
        # The id was assigned more than five minutes earlier: inert and anonymous.
        return _store(state, event), Step(status=Status.APPLIED, rules=("CIO-05",))
    # Up to five minutes after the identify, events with the id merge on arrival.
    event = replace(
        event,
        attached_when_processed=True,
        merged_into=assignment.user_id,
        merged_at=max(op.timestamp, assignment.assigned_at),
    )
    state = _join_activity(_store(state, event), anonymous_id, assignment.user_id, [event])
    return state, Step(status=Status.APPLIED, rules=("CIO-04", MERGED_RULE))


def _store(state: CioState, event: CioEvent) -> CioState:
    return replace(state, events=state.events.set(event.seq, event))


def _identify(state: CioState, op: CioIdentify) -> tuple[CioState, Step]:
    clock = _later(state.clock, op.timestamp)
    state = replace(state, people=_upsert(state, op.user_id, op.attributes), clock=clock)
    rules = [UPSERT_RULE]
    anonymous_id = op.anonymous_id
    if anonymous_id is None:
        return state, Step(status=Status.APPLIED, rules=tuple(rules))
    assignment = state.assignments.get(anonymous_id)
    if assignment is not None:
        # CIO-06: anonymous ids are not reusable; another person gets nothing (our decision).
        rules.append("CIO-06")
        if assignment.user_id != op.user_id:
            return state, Step(
                status=Status.APPLIED,
                codes=(Code.ANONYMOUS_ID_ALREADY_ASSIGNED,),
                rules=tuple(rules),
                message=f"{anonymous_id!r} already belongs to {assignment.user_id!r}",
            )
        return state, Step(status=Status.APPLIED, rules=tuple(rules))
    person = state.people[op.user_id]
    people = state.people.set(
        op.user_id, replace(person, anonymous_ids=(*person.anonymous_ids, anonymous_id))
    )
    assignments = state.assignments.set(
        anonymous_id, Assignment(user_id=op.user_id, assigned_at=op.timestamp)
    )
    state = replace(state, people=people, assignments=assignments)
    # CIO-03: every retained event with the id (logged within the last 30 days) merges now.
    rules.append("CIO-03")
    merged: list[CioEvent] = []
    events = state.events.mutate()
    for seq in state.waiting.get(anonymous_id, ()):
        event = state.events[seq]
        if op.timestamp - event.timestamp > RETENTION:
            continue  # older than 30 days: never merged (and deleted, CIO-07)
        event = replace(event, merged_into=op.user_id, merged_at=max(event.timestamp, op.timestamp))
        events[seq] = event
        merged.append(event)
    waiting = state.waiting.delete(anonymous_id) if anonymous_id in state.waiting else state.waiting
    state = replace(state, events=events.finish(), waiting=waiting)
    if merged:
        rules.append(MERGED_RULE)
    return _join_activity(state, anonymous_id, op.user_id, merged), Step(
        status=Status.APPLIED, rules=tuple(rules)
    )


# --- end-of-script judgements and the report ---------------------------------------------------


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


def report_parts(state: CioState, steps: list[int]) -> dict[str, Any]:
    """The Customer.io ``events``, ``persons``, ``usage`` and ``activity`` of a report.

    ``steps[i]`` is the step index of the i-th track (one event per accepted track)."""
    people = sorted(
        state.people.values(), key=lambda person: min((person.user_id, *person.anonymous_ids))
    )
    index = {person.user_id: n for n, person in enumerate(people)}
    end = state.clock
    events = []
    anonymous = identified = 0
    for event, step in zip(state.event_log(), steps, strict=True):
        owner = event.user_id or event.merged_into
        billed = "identified" if event.attached_when_processed else "anonymous"
        if event.attached_when_processed:
            identified += 1
        else:
            anonymous += 1
        events.append(
            {
                "step": step,
                "event": event.event,
                "distinct_id": event.user_id or event.anonymous_id,
                "billed_as": billed,
                "person": None if owner is None else index[owner],
                "anonymous_id": event.anonymous_id,
                "user_id": event.user_id,
                "merged": event.merged_into is not None,
                "retained": end is not None and is_retained(event, end),
                "can_trigger_campaign": can_trigger_campaign(event),
            }
        )
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
        "usage": {"anonymous_events": anonymous, "identified_events": identified},
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


def usage_counts(state: CioState) -> tuple[int, int]:
    """(anonymous, identified) tracks, by whether they were attached to a person when processed."""
    identified = sum(1 for event in state.events.values() if event.attached_when_processed)
    return len(state.events) - identified, identified
