"""The ingestion layer: what PostHog's pipeline does with one raw event (the SV rules).

``decide_ingest(view, op)`` decides, in this order: the distinct id (SV-01..04), whether the
event is person-processed (SV-22), the personless path (SV-23..26) or the merge decision
(SV-07..16, ``MERGE_TABLE``) and the property updates (SV-18), and how the event is billed
(SV-27..30). It reads the state and returns the facts to write; it writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum, auto
from typing import Final, assert_never

from msgspec import Struct, structs

from identity_model.errors import Code
from identity_model.jsontypes import JsonObject
from identity_model.jsontypes import kept as kept_value
from identity_model.operations import Ingest
from identity_model.outcome import Status, Step, applied
from identity_model.rules import RuleId, ServerRule
from identity_model.vendor import Decision
from identity_model.vendors.posthog.events import NON_BILLABLE_EVENTS, PersonMode, ProcessedEvent
from identity_model.vendors.posthog.ids import (
    PLAIN_ID_RULES,
    capture_distinct_id,
    is_distinct_id_illegal,
    is_plain_distinct_id,
    js_string,
    js_truthy,
)
from identity_model.vendors.posthog.persons import Person, PersonKey
from identity_model.vendors.posthog.properties import (
    EMPTY_PROPERTIES,
    NO_UPDATES,
    PersonProperties,
    PropertyUpdates,
    apply_updates,
    lift_event_properties,
    merge_properties,
    updates_of,
    worth_writing,
)
from identity_model.vendors.posthog.state import Facts, GroupKey, GroupProperties, View

IDENTIFY = "$identify"
CREATE_ALIAS = "$create_alias"
MERGE_DANGEROUSLY = "$merge_dangerously"
GROUP_IDENTIFY = "$groupidentify"
PERSON_ONLY_EVENTS = frozenset({IDENTIFY, CREATE_ALIAS, MERGE_DANGEROUSLY, GROUP_IDENTIFY})
# `PERSON_EVENTS` of person-update.ts: their property changes are always written.
FORCED_UPDATE_EVENTS = frozenset({IDENTIFY, CREATE_ALIAS, MERGE_DANGEROUSLY, "$set"})
# `NO_PERSON_UPDATE_EVENTS`: they never change an existing person.
NO_PERSON_UPDATE_EVENTS = frozenset({"$exception", "$$heatmap"})
FORCE_UPGRADE_GRACE = timedelta(minutes=1)
DROP_RULE: Final = "SV-23"  # a personless merge or group event is dropped

_MISSING = object()


# --- the merge decision as a table (SV-09..SV-16) ---------------------------------------------


class _Known(Enum):
    """Which of the two ids (the merged-in source, the event's own target) have a person."""

    NEITHER = auto()
    ONE = auto()
    SAME_PERSON = auto()
    TWO_PERSONS_SOURCE_ANONYMOUS = auto()
    TWO_PERSONS_SOURCE_IDENTIFIED = auto()


class _MergeAction(Enum):
    CREATE = auto()  # one new identified person owning both ids
    ATTACH = auto()  # the id without a person joins the other's person, now identified
    IDENTIFY = auto()  # nothing moves; the target's person becomes identified
    MERGE = auto()  # the two persons become one (union by size)


@dataclass(frozen=True, slots=True)
class _Row:
    action: _MergeAction
    rule: ServerRule
    code: Code | None = None


_NEITHER, _ONE, _SAME = _Known.NEITHER, _Known.ONE, _Known.SAME_PERSON
_ANON, _IDENT = _Known.TWO_PERSONS_SOURCE_ANONYMOUS, _Known.TWO_PERSONS_SOURCE_IDENTIFIED
_CREATE, _ATTACH = _MergeAction.CREATE, _MergeAction.ATTACH
_IDENTIFY, _MERGE = _MergeAction.IDENTIFY, _MergeAction.MERGE
# (who has a person, is the event $merge_dangerously) -> what happens, and which rule says so.
MERGE_TABLE: Mapping[tuple[_Known, bool], _Row] = {
    (_NEITHER, False): _Row(_CREATE, "SV-11"),
    (_NEITHER, True): _Row(_CREATE, "SV-11"),
    (_ONE, False): _Row(_ATTACH, "SV-12"),
    (_ONE, True): _Row(_ATTACH, "SV-12"),
    (_SAME, False): _Row(_IDENTIFY, "SV-13"),
    (_SAME, True): _Row(_IDENTIFY, "SV-13"),
    (_ANON, False): _Row(_MERGE, "SV-14"),
    (_IDENT, False): _Row(_IDENTIFY, "SV-15", Code.CANNOT_MERGE_ALREADY_IDENTIFIED),
    (_ANON, True): _Row(_MERGE, "SV-16"),
    (_IDENT, True): _Row(_MERGE, "SV-16"),
}


class _PersonChange(Struct, frozen=True, kw_only=True, gc=False):
    """The person an event belongs to after its merge, and what the merge writes."""

    rules: tuple[RuleId, ...] = ()
    codes: tuple[Code, ...] = ()
    key: PersonKey | None = None
    person: Person | None = None  # the person at ``key`` after the merge
    changed: bool = False  # ``person`` differs from the stored one (or is new)
    owners: tuple[tuple[str, PersonKey], ...] = ()
    redirect: tuple[PersonKey, PersonKey] | None = None


def _identified(person: Person) -> Person:
    # SV-17: only merge outcomes call this, and nothing ever sets is_identified back to false.
    return person if person.is_identified else structs.replace(person, is_identified=True)


def _merge(view: View, op: Ingest, source: str, target: str) -> _PersonChange:
    """SV-07, SV-09..SV-16: merge ``source`` into the event's own id ``target``.

    The event's own property updates are applied afterwards, by the caller."""
    graph = view.graph
    if is_distinct_id_illegal(target) or is_distinct_id_illegal(source):
        key = graph.key_of(target)
        return _PersonChange(
            rules=("SV-07",),
            codes=(Code.ILLEGAL_DISTINCT_ID,),
            key=key,
            person=None if key is None else graph.person(key),
        )
    source_key, target_key = graph.key_of(source), graph.key_of(target)
    if source_key is None and target_key is None:
        known = _Known.NEITHER
    elif source_key is None or target_key is None:
        known = _Known.ONE
    elif source_key == target_key:
        known = _Known.SAME_PERSON
    elif graph.person(source_key).is_identified:
        known = _Known.TWO_PERSONS_SOURCE_IDENTIFIED
    else:
        known = _Known.TWO_PERSONS_SOURCE_ANONYMOUS
    row = MERGE_TABLE[(known, op.event == MERGE_DANGEROUSLY)]
    rules: tuple[RuleId, ...] = ("SV-09", row.rule)
    codes = () if row.code is None else (row.code,)
    match row.action:
        case _MergeAction.CREATE:
            key = graph.next_key
            person = Person(is_identified=True, created_at=op.timestamp, size=2)
            owners = ((target, key), (source, key))
            return _PersonChange(rules=rules, key=key, person=person, changed=True, owners=owners)
        case _MergeAction.ATTACH:
            key = target_key if target_key is not None else source_key
            assert key is not None
            before = graph.person(key)
            person = _identified(structs.replace(before, size=before.size + 1))
            newcomer = source if source_key is None else target
            return _PersonChange(
                rules=rules, key=key, person=person, changed=True, owners=((newcomer, key),)
            )
        case _MergeAction.IDENTIFY:
            assert target_key is not None
            before = graph.person(target_key)
            person = _identified(before)
            return _PersonChange(
                rules=rules,
                codes=codes,
                key=target_key,
                person=person,
                changed=person is not before,
            )
        case _MergeAction.MERGE:
            assert source_key is not None and target_key is not None
            source_person, target_person = graph.person(source_key), graph.person(target_key)
            kept, merged = (
                (target_key, source_key)
                if target_person.size >= source_person.size
                else (source_key, target_key)
            )
            person = Person(
                properties=merge_properties(source_person.properties, target_person.properties),
                is_identified=True,
                created_at=min(source_person.created_at, target_person.created_at),
                size=source_person.size + target_person.size,
            )
            return _PersonChange(
                rules=rules, key=kept, person=person, changed=True, redirect=(merged, kept)
            )
        case _:
            assert_never(row.action)


# --- one raw event -----------------------------------------------------------------------------


def decide_ingest(view: View, op: Ingest, *, device: str | None = None) -> Decision[Facts]:
    """Process one raw event: the step, and what it writes (nothing when rejected/ignored)."""
    step, facts = ingest(view, op, device)
    return Decision(step=step, facts=facts)


def ingest(view: View, op: Ingest, device: str | None = None) -> tuple[Step, Facts | None]:
    """``decide_ingest`` without the ``Decision`` around it (the batch's hot path): the facts
    are present only when the step is applied."""
    # SV-05: the event's own distinct id is never checked against the illegal list.
    raw_id, properties = op.distinct_id, op.properties
    id_rules: tuple[RuleId, ...]
    id_codes: tuple[Code, ...]
    if is_plain_distinct_id(raw_id):  # the common id, taken as it is (no CapturedId made)
        distinct_id, id_rules, id_codes = raw_id, PLAIN_ID_RULES, ()
    else:
        captured = capture_distinct_id(raw_id, properties)
        if captured.distinct_id is None:
            # SRV-07: an SDK that refuses an id-less call sends no line; a line without one is this.
            return Step(
                status=Status.REJECTED,
                codes=captured.codes,
                rules=captured.rules,
                message="no usable distinct id (root distinct_id, then properties.distinct_id)",
            ), None
        distinct_id, id_rules, id_codes = captured.distinct_id, captured.rules, captured.codes
    processing, flag_codes, flag_rule = _processes_person(view, properties)
    rules: tuple[RuleId, ...] = (*id_rules, flag_rule)
    codes = id_codes + flag_codes
    if processing:
        change, group = _person_event(view, op, distinct_id)
        rules += change.rules
        codes += change.codes
        mode = PersonMode.FULL
    elif op.event in PERSON_ONLY_EVENTS:
        # A personless merge/group event is dropped: not stored, not billed.
        # SRV-01: so is a Node identify without any id (generated id, flag forced false).
        rules += (DROP_RULE,)
        dropped = _event(op, None, distinct_id, PersonMode.DROPPED, rules, device)
        return Step(
            status=Status.IGNORED,
            codes=(*codes, Code.PERSON_PROCESSING_DISABLED),
            event=dropped,
            rules=dropped.rules,
            message=f"{op.event} with $process_person_profile=false is dropped",
        ), None
    else:
        mode, personless_rules = _personless_event(view, op, distinct_id)
        event = _event(op, view.stored_events, distinct_id, mode, rules + personless_rules, device)
        return applied(codes, event, event.rules), Facts(event=event)
    event = _event(op, view.stored_events, distinct_id, mode, rules, device)
    facts = Facts(
        group=group,
        owners=change.owners,
        redirect=change.redirect,
        person=(change.key, change.person)
        if change.changed and change.key is not None and change.person is not None
        else None,
        event=event,
    )
    return applied(codes, event, event.rules), facts


def _event(
    op: Ingest,
    seq: int | None,
    distinct_id: str,
    mode: PersonMode,
    rules: tuple[RuleId, ...],
    device: str | None,
) -> ProcessedEvent:
    billable = mode is not PersonMode.DROPPED and op.event not in NON_BILLABLE_EVENTS
    if not billable and mode is not PersonMode.DROPPED:
        rules += ("SV-30",)
    return ProcessedEvent(
        seq=seq,
        event=op.event,
        distinct_id=distinct_id,
        timestamp=op.timestamp,
        person_mode=mode,
        billable=billable,
        device=device,
        rules=rules,
        sent=op.properties,
    )


def _processes_person(
    view: View, properties: JsonObject
) -> tuple[bool, tuple[Code, ...], ServerRule]:
    """SV-22: only the JSON boolean ``false`` turns person processing off."""
    if view.config.person_processing_opt_out:
        return False, (), "SV-32"  # the team opt-out stamps `$process_person_profile: false`
    # SRV-04: a caller's flag on a generated id is kept (Go, Python); `true` makes a person.
    # SRV-05: Ruby, PHP and Java send a generated id with `false` unless the caller set it.
    # SRV-06: Rust's add_group sets `true`: the random id gets a person.
    value = properties.get("$process_person_profile", _MISSING)
    if value is False:
        return False, (), "SV-22"
    if value is _MISSING or value is True:
        return True, (), "SV-22"
    return True, (Code.INVALID_PROCESS_PERSON_PROFILE,), "SV-22"


def _personless_event(
    view: View, op: Ingest, distinct_id: str
) -> tuple[PersonMode, tuple[RuleId, ...]]:
    """Kept and billed, never touches a person; force-upgraded past the grace minute."""
    # `$set`, `$set_once`, `$unset` are stripped (SV-24): no person code runs.
    key = view.graph.key_of(distinct_id)
    if key is None:
        return PersonMode.PROPERTYLESS, ("SV-24", "SV-25")
    person = view.graph.person(key)
    if op.timestamp - person.created_at > FORCE_UPGRADE_GRACE:  # no overflow at year 9999
        return PersonMode.FORCE_UPGRADE, ("SV-24", "SV-26")
    return PersonMode.PROPERTYLESS, ("SV-24", "SV-26")


def _merge_source(op: Ingest) -> str | None:
    """SV-08: which id an event asks to merge into its own distinct id, if any."""
    if op.event == IDENTIFY and "$anon_distinct_id" in op.properties:
        return js_string(op.properties["$anon_distinct_id"])
    if op.event in (CREATE_ALIAS, MERGE_DANGEROUSLY) and js_truthy(op.properties.get("alias")):
        return js_string(op.properties["alias"])
    return None


def _person_event(
    view: View, op: Ingest, distinct_id: str
) -> tuple[_PersonChange, tuple[GroupKey, GroupProperties] | None]:
    """SV-29: a person-processed event: its merge, then its property updates (SV-18)."""
    rules: tuple[RuleId, ...] = ("SV-29",)
    group = None
    if op.event == GROUP_IDENTIFY:
        # SRV-03: Node, Ruby and Go send it under "$<type>_<key>": one person per group.
        group = _group_update(view, op.properties)
        updates = NO_UPDATES  # its `$set*` are always stripped (see SV-24)
    else:
        lifted = lift_event_properties(op.properties)
        if lifted is not op.properties:
            rules += ("SV-20",)  # event properties copied into `$set` and `$set_once`
        updates = updates_of(lifted)
    source = _merge_source(op)
    if source is not None:
        rules += ("SV-08",)
    if source is not None and source != distinct_id:
        merge = _merge(view, op, source, distinct_id)
        rules += merge.rules
        codes, key, person, changed = merge.codes, merge.key, merge.person, merge.changed
        owners, redirect = merge.owners, merge.redirect
    else:
        if op.event == IDENTIFY:
            # SRV-02: a server SDK's identify has no `$anon_distinct_id`: it links nothing.
            rules += ("SV-10",)  # nothing to merge: a plain person event
        key = view.graph.key_of(distinct_id)
        person = None if key is None else view.graph.person(key)
        codes, changed, owners, redirect = (), False, (), None
    if key is None or person is None:
        key = view.graph.next_key
        person = Person(
            properties=apply_updates(EMPTY_PROPERTIES, updates), created_at=op.timestamp
        )
        changed, owners = True, (*owners, (distinct_id, key))
    elif not updates.is_empty and op.event in NO_PERSON_UPDATE_EVENTS:
        rules += ("SV-34",)  # `$exception` and `$$heatmap` never change an existing person
    elif not updates.is_empty and _writes(op, person.properties, updates):
        rules += ("SV-18",)
        # SV-19: updates apply in processing order (timestamps do not reorder them).
        properties = apply_updates(person.properties, updates)
        if properties is not person.properties:
            person, changed = structs.replace(person, properties=properties), True
    change = _PersonChange(
        rules=rules,
        codes=codes,
        key=key,
        person=person,
        changed=changed,
        owners=owners,
        redirect=redirect,
    )
    return change, group


def _writes(op: Ingest, current: PersonProperties, updates: PropertyUpdates) -> bool:
    """Whether an existing person takes this ordinary or person event's updates (SV-20)."""
    return op.event in FORCED_UPDATE_EVENTS or worth_writing(current, updates)


def _group_update(view: View, properties: JsonObject) -> tuple[GroupKey, GroupProperties] | None:
    """Decision: `$groupidentify` keeps group properties in a map keyed by type and key."""
    group_type = properties.get("$group_type")
    group_key = properties.get("$group_key")
    if not isinstance(group_type, str) or group_key is None:
        return None
    key = (group_type, js_string(group_key))
    group_set = properties.get("$group_set")
    mutation = view.group(key).mutate()
    if isinstance(group_set, Mapping):
        for name, value in group_set.items():
            mutation[name] = kept_value(value)
    return key, mutation.finish()
