"""The ingestion layer: what PostHog's pipeline does with one raw event (the SV rules).

``ingest(builder, op)`` decides, in this order: the distinct id (SV-01..04), whether the event
is person-processed (SV-22), the personless path (SV-23..26) or the merge decision
(SV-07..16) and the property updates (SV-18), and how the event is billed (SV-27..30).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from identity_model.errors import Code
from identity_model.events import NON_BILLABLE_EVENTS, PersonMode, ProcessedEvent
from identity_model.ids import capture_distinct_id, is_distinct_id_illegal, js_string, js_truthy
from identity_model.jsontypes import JsonObject
from identity_model.operations import Ingest
from identity_model.outcome import Status, Step
from identity_model.persons import Person, PersonKey
from identity_model.properties import (
    EMPTY_PROPERTIES,
    NO_UPDATES,
    PropertyUpdates,
    apply_updates,
    lift_event_properties,
    merge_properties,
    updates_of,
    worth_writing,
)
from identity_model.world import WorldBuilder

IDENTIFY = "$identify"
CREATE_ALIAS = "$create_alias"
MERGE_DANGEROUSLY = "$merge_dangerously"
GROUP_IDENTIFY = "$groupidentify"
PERSON_ONLY_EVENTS = frozenset({IDENTIFY, CREATE_ALIAS, MERGE_DANGEROUSLY, GROUP_IDENTIFY})
# `PERSON_EVENTS` of person-update.ts: their property changes are always written.
FORCED_UPDATE_EVENTS = frozenset({IDENTIFY, CREATE_ALIAS, MERGE_DANGEROUSLY, "$set"})
# `NO_PERSON_UPDATE_EVENTS`: they never change an existing person (SV-34).
NO_PERSON_UPDATE_EVENTS = frozenset({"$exception", "$$heatmap"})
FORCE_UPGRADE_GRACE = timedelta(minutes=1)
DROP_RULE = "SV-23"  # a personless merge or group event is dropped

_MISSING = object()


def ingest(builder: WorldBuilder, op: Ingest, *, device: str | None = None) -> Step:
    """Process one raw event into ``builder``; writes nothing when the event is rejected."""
    # SV-05: the event's own distinct id is never checked against the illegal list.
    captured = capture_distinct_id(op.distinct_id, op.properties)
    if captured.distinct_id is None:
        # SRV-07: an SDK that refuses an id-less call sends no line; a line without one is this.
        return Step(
            status=Status.REJECTED,
            codes=captured.codes,
            rules=captured.rules,
            message="no usable distinct id (root distinct_id, then properties.distinct_id)",
        )
    codes = list(captured.codes)
    rules = list(captured.rules)
    if _processes_person(builder, op.properties, codes, rules):
        mode = _person_event(builder, op, captured.distinct_id, codes, rules)
    elif op.event in PERSON_ONLY_EVENTS:
        # A personless merge/group event is dropped: not stored, not billed.
        # SRV-01: so is a Node identify without any id (generated id, flag forced false).
        rules.append(DROP_RULE)
        codes.append(Code.PERSON_PROCESSING_DISABLED)
        dropped = _event(op, None, captured.distinct_id, PersonMode.DROPPED, rules, device)
        return Step(
            status=Status.IGNORED,
            codes=tuple(codes),
            event=dropped,
            rules=tuple(rules),
            message=f"{op.event} with $process_person_profile=false is dropped",
        )
    else:
        mode = _personless_event(builder, op, captured.distinct_id, rules)
    event = _event(op, builder.next_seq, captured.distinct_id, mode, rules, device)
    builder.record(event)
    return Step(status=Status.APPLIED, codes=tuple(codes), event=event, rules=tuple(rules))


def _event(
    op: Ingest,
    seq: int | None,
    distinct_id: str,
    mode: PersonMode,
    rules: list[str],
    device: str | None,
) -> ProcessedEvent:
    billable = mode is not PersonMode.DROPPED and op.event not in NON_BILLABLE_EVENTS
    if not billable and mode is not PersonMode.DROPPED:
        rules.append("SV-30")
    return ProcessedEvent(
        seq=seq,
        event=op.event,
        distinct_id=distinct_id,
        timestamp=op.timestamp,
        person_mode=mode,
        billable=billable,
        device=device,
        rules=tuple(rules),
        sent=op.properties,
    )


def _processes_person(
    builder: WorldBuilder, properties: JsonObject, codes: list[Code], rules: list[str]
) -> bool:
    """SV-22: only the JSON boolean ``false`` turns person processing off."""
    if builder.config.person_processing_opt_out:
        rules.append("SV-32")  # the team opt-out stamps `$process_person_profile: false`
        return False
    # SRV-04: a caller's flag on a generated id is kept (Go, Python); `true` makes a person.
    # SRV-05: Ruby, PHP and Java send a generated id with `false` unless the caller set it.
    # SRV-06: Rust's add_group sets `true`: the random id gets a person.
    value = properties.get("$process_person_profile", _MISSING)
    rules.append("SV-22")
    if value is False:
        return False
    if value is _MISSING or value is True:
        return True
    codes.append(Code.INVALID_PROCESS_PERSON_PROFILE)
    return True


def _personless_event(
    builder: WorldBuilder, op: Ingest, distinct_id: str, rules: list[str]
) -> PersonMode:
    """Kept and billed, never touches a person; force-upgraded past the grace minute."""
    rules.append("SV-24")  # `$set`, `$set_once`, `$unset` are stripped: no person code runs
    key = builder.graph.key_of(distinct_id)
    if key is None:
        rules.append("SV-25")
        return PersonMode.PROPERTYLESS
    rules.append("SV-26")
    person = builder.graph.person(key)
    if op.timestamp > person.created_at + FORCE_UPGRADE_GRACE:
        return PersonMode.FORCE_UPGRADE
    return PersonMode.PROPERTYLESS


def _merge_source(op: Ingest, rules: list[str]) -> str | None:
    """SV-08: which id an event asks to merge into its own distinct id, if any."""
    if op.event == IDENTIFY and "$anon_distinct_id" in op.properties:
        key = "$anon_distinct_id"
    elif op.event in (CREATE_ALIAS, MERGE_DANGEROUSLY) and js_truthy(op.properties.get("alias")):
        key = "alias"
    else:
        return None
    rules.append("SV-08")
    return js_string(op.properties[key])


def _person_event(
    builder: WorldBuilder, op: Ingest, distinct_id: str, codes: list[Code], rules: list[str]
) -> PersonMode:
    rules.append("SV-29")
    if op.event == GROUP_IDENTIFY:
        # SRV-03: Node, Ruby and Go send it under "$<type>_<key>": one person per group.
        _update_group(builder, op.properties)
        updates = NO_UPDATES  # its `$set*` are always stripped (see SV-24)
    else:
        lifted = lift_event_properties(op.properties)
        if lifted is not op.properties:
            rules.append("SV-20")  # event properties copied into `$set` and `$set_once`
        updates = updates_of(lifted)
    source = _merge_source(op, rules)
    if source is not None and source != distinct_id:
        key = _merge(builder, op, source, distinct_id, codes, rules)
    else:
        if op.event == IDENTIFY:
            # SRV-02: a server SDK's identify has no `$anon_distinct_id`: it links nothing.
            rules.append("SV-10")  # nothing to merge: a plain person event
        key = builder.graph.key_of(distinct_id)
    if key is None:
        builder.graph.create(
            (distinct_id,),
            Person(properties=apply_updates(EMPTY_PROPERTIES, updates), created_at=op.timestamp),
        )
    elif not updates.is_empty and _writes(builder, op, key, updates, rules):
        rules.append("SV-18")
        person = builder.graph.person(key)
        # SV-19: updates apply in processing order (timestamps do not reorder them).
        new_properties = apply_updates(person.properties, updates)
        if new_properties is not person.properties:
            builder.graph.put(
                key,
                Person(
                    properties=new_properties,
                    is_identified=person.is_identified,
                    created_at=person.created_at,
                    size=person.size,
                ),
            )
    return PersonMode.FULL


def _writes(
    builder: WorldBuilder, op: Ingest, key: PersonKey, updates: PropertyUpdates, rules: list[str]
) -> bool:
    """Whether an existing person takes this event's updates at all."""
    if op.event in NO_PERSON_UPDATE_EVENTS:
        rules.append("SV-34")
        return False
    if op.event in FORCED_UPDATE_EVENTS:
        return True
    return worth_writing(builder.graph.person(key).properties, updates)


def _identified(person: Person) -> Person:
    # SV-17: only merge outcomes call this, and nothing ever sets is_identified back to false.
    if person.is_identified:
        return person
    return Person(
        properties=person.properties,
        is_identified=True,
        created_at=person.created_at,
        size=person.size,
    )


def _merge(
    builder: WorldBuilder,
    op: Ingest,
    source: str,
    target: str,
    codes: list[Code],
    rules: list[str],
) -> PersonKey | None:
    """SV-07, SV-09..SV-16: merge ``source`` into the event's own id ``target``.

    Returns the key of the person the event then belongs to (``None``: none yet). The event's
    own property updates are applied afterwards, by the caller.
    """
    graph = builder.graph
    if is_distinct_id_illegal(target) or is_distinct_id_illegal(source):
        rules.append("SV-07")
        codes.append(Code.ILLEGAL_DISTINCT_ID)
        return graph.key_of(target)
    rules.append("SV-09")
    source_key = graph.key_of(source)
    target_key = graph.key_of(target)
    if source_key is None and target_key is None:
        rules.append("SV-11")
        return graph.create((target, source), Person(is_identified=True, created_at=op.timestamp))
    if source_key is None or target_key is None:
        rules.append("SV-12")
        key = target_key if target_key is not None else source_key
        assert key is not None
        graph.attach(source if source_key is None else target, key)
        graph.put(key, _identified(graph.person(key)))
        return key
    if source_key == target_key:
        rules.append("SV-13")
        graph.put(target_key, _identified(graph.person(target_key)))
        return target_key
    source_person = graph.person(source_key)
    target_person = graph.person(target_key)
    if source_person.is_identified and op.event != MERGE_DANGEROUSLY:
        rules.append("SV-15")
        codes.append(Code.CANNOT_MERGE_ALREADY_IDENTIFIED)
        graph.put(target_key, _identified(target_person))
        return target_key
    rules.append("SV-16" if op.event == MERGE_DANGEROUSLY else "SV-14")
    merged = Person(
        properties=merge_properties(source_person.properties, target_person.properties),
        is_identified=True,
        created_at=min(source_person.created_at, target_person.created_at),
    )
    return graph.merge(source_key, target_key, merged)


def _update_group(builder: WorldBuilder, properties: JsonObject) -> None:
    """Decision: `$groupidentify` keeps group properties in a map keyed by type and key."""
    group_type = properties.get("$group_type")
    group_key = properties.get("$group_key")
    if not isinstance(group_type, str) or group_key is None:
        return
    key = (group_type, js_string(group_key))
    group_set = properties.get("$group_set")
    mutation = builder.group(key).mutate()
    if isinstance(group_set, Mapping):
        for name, value in group_set.items():
            mutation[name] = value
    builder.put_group(key, mutation.finish())
