"""Customer.io's rules: anonymous events, identify with an anonymous id, merge windows and
retention (the CIO rules), as a pure function ``(state, op) -> (state, step)``.

All judgements that depend on "now" (retained, can trigger) are made at the end of a script
(``report.py``): the latest timestamp of any operation, never a clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Final, assert_never

from immutables import Map

from identity_model.errors import Code
from identity_model.outcome import Status, Step, ignored
from identity_model.rules import RuleId
from identity_model.vendors.customerio.operations import (
    Advance,
    CioIdentify,
    CustomerioOperation,
    Track,
)
from identity_model.vendors.customerio.state import (
    Activity,
    Assignment,
    CioEvent,
    CioPerson,
    CioState,
)

# CIO-11: the JS snippet and mobile SDKs set anonymous ids themselves: not v1 operations.
# CIO-12: merging is a workspace setting, on by default since July 2021: always on here.
MERGED_RULE: Final = "CIO-10"  # merged events become identified: attributed to the person
UPSERT_RULE: Final = "CIO-14"  # identify (and a track with user_id) adds the person or updates them
MERGE_WINDOW = timedelta(seconds=300)  # CIO-04, inclusive
RETENTION = timedelta(days=30)  # CIO-07, inclusive


def apply_customerio(state: CioState, op: CustomerioOperation) -> tuple[CioState, Step]:
    """One Customer.io operation; a rejected or ignored one returns ``state`` itself."""
    match op:
        case Track():
            after, step = _track(state, op)
        case CioIdentify():
            after, step = _identify(state, op)
        case Advance():
            if state.clock is not None and op.timestamp <= state.clock:
                return state, ignored("advance does not move the clock forward (our decision)")
            after, step = replace(state, clock=op.timestamp), Step(status=Status.APPLIED)
        case _:
            assert_never(op)
    return replace(after, applied=state.applied + 1), step


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
            person=user_id,
            anonymous_id=anonymous_id,
            count=len(events),
            oldest=oldest,
            made_at=state.applied,
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
    rules: list[RuleId] = [UPSERT_RULE]
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
