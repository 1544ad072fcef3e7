"""Mixpanel's reducer: ``decide(state, op)`` reads, ``evolve(state, verdict)`` applies the facts.

The vendor-neutral operations read as mixpanel-js calls and ``/import`` events
(docs/rules/mixpanel.md, "How the neutral operations read under Mixpanel").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeAlias, assert_never

from immutables import Map

from identity_model.errors import Code
from identity_model.events import BillingKind
from identity_model.jsontypes import Json
from identity_model.operations import (
    CLIENT_OPERATIONS,
    Alias,
    Capture,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Operation,
    Reset,
    SetPersonProperties,
)
from identity_model.outcome import Status, Step, ignored, rejected
from identity_model.rules import MixpanelRule
from identity_model.vendor import Decision
from identity_model.vendors.mixpanel.config import IdMerge
from identity_model.vendors.mixpanel.ids import (
    DEVICE_PREFIX,
    anon_id_is_uuid,
    device_distinct_id,
    is_device,
    is_refused,
    names_a_user,
)
from identity_model.vendors.mixpanel.state import (
    Cluster,
    Device,
    MixpanelEvent,
    MixpanelState,
    Month,
)

# The rules this reducer decides (docs/rules/mixpanel.md), each named once.
DEVICE_IDS: MixpanelRule = "MIX-02"  # $device_id on every event, $user_id once identified
SDK_IDENTIFY: MixpanelRule = "MIX-03"  # one $identify; same id: nothing; $device: refused
SDK_ALIAS: MixpanelRule = "MIX-04"  # one $create_alias, then identify(alias)
SDK_RESET: MixpanelRule = "MIX-05"  # a new $device_id, no event
SIMPLIFIED_READING: MixpanelRule = "MIX-06"  # distinct_id = $user_id, else $device:<id>
DEVICE_LINK: MixpanelRule = "MIX-07"  # the first event with both ids links the device
IDENTITY_EVENTS_IGNORED: MixpanelRule = "MIX-08"  # simplified: identity events do nothing
ONE_USER_PER_CLUSTER: MixpanelRule = "MIX-09"  # simplified: two user ids never merge
LINKED_DEVICE_STAYS: MixpanelRule = "MIX-10"  # a linked device never moves (D-MIX-1)
ORIGINAL_READING: MixpanelRule = "MIX-11"  # original: only identity events merge
IDENTIFY_CRITERIA: MixpanelRule = "MIX-12"  # same ids, a non-UUIDv4 $anon_id
ANON_ALREADY_MERGED: MixpanelRule = "MIX-13"  # $anon_id merged with an identified id
ALIAS_AND_MERGE: MixpanelRule = "MIX-14"  # an alias once; $merge joins anything
CLUSTER_CAP: MixpanelRule = "MIX-15"  # at most 500 ids in a cluster (D-MIX-2)
REFUSED_IDS: MixpanelRule = "MIX-17"  # refused values; empty = no user; missing
PROFILES: MixpanelRule = "MIX-18"  # profile updates: no event, not reported
BILLABLE_EVENTS: MixpanelRule = "MIX-19"  # all but identity events, opt-ins, recordings

CAP = 500  # CLUSTER_CAP (D-MIX-2): a merge making 501 or more ids is refused; 500 is allowed

IDENTITY_EVENTS = frozenset({"$identify", "$create_alias", "$merge"})
NOT_BILLED = IDENTITY_EVENTS | {"$opt_in", "$mp_session_record"}  # BILLABLE_EVENTS


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """What an event's identity fields say (present, non-empty values only)."""

    identified: str | None = None  # $identified_id
    anon: str | None = None  # $anon_id
    alias: str | None = None
    pair: tuple[str, str] | None = None  # $distinct_ids, when exactly two non-empty strings


NO_IDENTITY = Identity()


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """What an applied step changes."""

    clock: datetime
    device: Device | None = None  # the device as it is after the call
    event: MixpanelEvent | None = None  # the stored event (its distinct id joins the graph)
    join: tuple[str, str] | None = None  # merge the second id's cluster into the first's
    identified_id: str | None = None  # named as $identified_id (original)
    used_alias: str | None = None  # accepted as an alias (original)


Verdict: TypeAlias = Decision[Facts]  # the step (with the event it sent) and, when applied, facts


def _later(state: MixpanelState, when: datetime) -> datetime:
    return when if state.clock is None or when > state.clock else state.clock


def _refuse(message: str) -> Verdict:
    return Decision(step=rejected(Code.INVALID_DISTINCT_ID, message, REFUSED_IDS))


# --- decide ------------------------------------------------------------------------------------


def decide(state: MixpanelState, op: Operation) -> Verdict:
    """Pure: what ``op`` does to ``state``; rejected and ignored verdicts carry no facts."""
    match op:
        case Ingest():
            return _ingest(state, op)
        case _ if isinstance(op, CLIENT_OPERATIONS):
            return _client(state, op)
        case _:
            return Decision(
                step=ignored(
                    "no Mixpanel analogue for this operation", code=Code.UNSUPPORTED_OPERATION
                )
            )


_ID_PROPERTIES = ("$user_id", "$device_id", "$identified_id", "$anon_id", "alias")


def _text(value: Json) -> str | None:
    """A present, non-empty string property, else ``None`` (empty counts as absent)."""
    return value if isinstance(value, str) and value else None


def _pair(value: Json) -> tuple[str, str] | None:
    if not isinstance(value, tuple | list) or len(value) != 2:
        return None
    first, second = value
    if isinstance(first, str) and isinstance(second, str) and first and second:
        return first, second
    return None


def _ingest(state: MixpanelState, op: Ingest) -> Verdict:
    props = op.properties
    pair = _pair(props.get("$distinct_ids"))
    for value in (op.distinct_id, *(props.get(key) for key in _ID_PROPERTIES), *(pair or ())):
        if value is not None and (not isinstance(value, str) or is_refused(value)):
            return _refuse(f"refused distinct id value {value!r}")
    given = op.distinct_id if isinstance(op.distinct_id, str) else None
    user = _text(props.get("$user_id"))
    device = _text(props.get("$device_id"))
    identity = Identity(
        identified=_text(props.get("$identified_id")),
        anon=_text(props.get("$anon_id")),
        alias=_text(props.get("alias")),
        pair=pair,
    )
    as_device = None if device is None else device_distinct_id(device)
    if state.config.id_merge is IdMerge.SIMPLIFIED:
        choices = [user, as_device, given]
        rule = SIMPLIFIED_READING
    else:
        choices = [given, user, as_device]
        rule = ORIGINAL_READING
    # Mixpanel's own $identify and $merge payloads carry no distinct_id: file them under
    # the id they name (openapi/identity.openapi.yaml; docs/decisions.md).
    if op.event == "$identify":
        choices.append(identity.identified)
    if op.event == "$merge" and pair is not None:
        choices.append(pair[0])
    distinct_id = next((choice for choice in choices if choice is not None), None)
    if rule == SIMPLIFIED_READING and user is None and device is None and distinct_id:
        # Sent with a distinct id only: Mixpanel sets $device_id (a `$device:` value) or
        # $user_id from it (MP-M "Considerations" 2, both examples).
        if is_device(distinct_id):
            device = distinct_id.removeprefix(DEVICE_PREFIX)
        else:
            user = distinct_id
    if distinct_id is None:
        return Decision(
            step=rejected(
                Code.MISSING_DISTINCT_ID,
                "no distinct_id, $user_id or $device_id (no IP to hash)",
                REFUSED_IDS,
            )
        )
    return _process(
        state,
        name=op.event,
        distinct_id=distinct_id,
        device_id=device,
        user_id=user,
        when=op.timestamp,
        identity=identity,
        from_sdk=False,
        rules_so_far=(rule,),
    )


def _process(
    state: MixpanelState,
    *,
    name: str,
    distinct_id: str,
    device_id: str | None,
    user_id: str | None,
    when: datetime,
    identity: Identity,
    from_sdk: bool,
    rules_so_far: Sequence[MixpanelRule],
    device: Device | None = None,
) -> Verdict:
    """One accepted event: its identity effect, its billing, its month."""
    codes: list[Code] = []
    step_rules: list[MixpanelRule] = list(rules_so_far)
    join: tuple[str, str] | None = None
    identified_id = used_alias = None
    match state.config.id_merge:
        case IdMerge.SIMPLIFIED:
            if name in IDENTITY_EVENTS:
                step_rules.append(IDENTITY_EVENTS_IGNORED)
                if not from_sdk:
                    codes.append(Code.IDENTITY_EVENT_IGNORED)
            elif user_id is not None and device_id is not None:
                join, code, rule = _link(state, user_id, device_distinct_id(device_id))
                step_rules.append(rule)
                codes.extend(code)
        case IdMerge.ORIGINAL:
            if name == "$identify" and identity.identified and identity.anon:
                identified_id = identity.identified
                join, code, rule = _identify_merge(
                    state, identity.identified, identity.anon, from_sdk=from_sdk
                )
                step_rules.append(rule)
                codes.extend(code)
            elif name == "$create_alias" and identity.alias and distinct_id:
                join, code, rule = _alias_merge(state, distinct_id, identity.alias)
                step_rules.append(rule)
                codes.extend(code)
                if not code:
                    used_alias = identity.alias
            elif name == "$merge" and identity.pair is not None:
                join, code, rule = _merge(state, *identity.pair)
                step_rules.append(rule)
                codes.extend(code)
        case _:
            assert_never(state.config.id_merge)
    clock = _later(state, when)
    # MIX-20: hot shards are not modelled: an event keeps its name and distinct id.
    if name in NOT_BILLED:
        billed = None
    elif names_a_user(distinct_id):
        billed = BillingKind.IDENTIFIED
    else:
        billed = BillingKind.ANONYMOUS
    step_rules.append(BILLABLE_EVENTS)
    event = MixpanelEvent(
        event=name,
        distinct_id=distinct_id,
        billed_as=billed,
        device_id=device_id,
        user_id=user_id,
        month=clock.strftime("%Y-%m"),
    )
    facts = Facts(
        clock=clock,
        device=device,
        event=event,
        join=join,
        identified_id=identified_id,
        used_alias=used_alias,
    )
    step = Step(status=Status.APPLIED, codes=tuple(codes), rules=tuple(step_rules), event=event)
    return Decision(step=step, facts=facts)


_Merge = tuple[tuple[str, str] | None, tuple[Code, ...], MixpanelRule]


def _link(state: MixpanelState, user_id: str, device: str) -> _Merge:
    """Simplified: link ``device`` into ``user_id``'s cluster, once and for good."""
    key = state.cluster_of.get(device)
    owners = () if key is None else state.clusters[key].users
    if not owners:
        return (user_id, device), (), DEVICE_LINK
    if owners == (user_id,):
        return None, (), ONE_USER_PER_CLUSTER
    return None, (Code.DEVICE_ALREADY_LINKED,), LINKED_DEVICE_STAYS


def _too_big(state: MixpanelState, a: str, b: str) -> bool:
    return state.size_of(a) + state.size_of(b) > CAP


def _identify_merge(state: MixpanelState, identified: str, anon: str, *, from_sdk: bool) -> _Merge:
    if anon == identified:
        return None, (Code.SAME_IDS,), IDENTIFY_CRITERIA
    if not anon_id_is_uuid(anon, from_sdk=from_sdk):
        return None, (Code.ANON_ID_NOT_UUID,), IDENTIFY_CRITERIA
    if state.together(anon, identified):
        return None, (), ANON_ALREADY_MERGED
    members = state.cluster_ids(anon)
    if any(i in state.identified_ids for i in (members.keys() if members else (anon,))):
        return None, (Code.ANON_ID_ALREADY_MERGED,), ANON_ALREADY_MERGED
    if _too_big(state, identified, anon):
        return None, (Code.CLUSTER_LIMIT_EXCEEDED,), CLUSTER_CAP
    return (identified, anon), (), IDENTIFY_CRITERIA


def _alias_merge(state: MixpanelState, distinct_id: str, alias: str) -> _Merge:
    if alias == distinct_id:
        return None, (Code.SAME_IDS,), ALIAS_AND_MERGE
    if alias in state.used_aliases:
        return None, (Code.ALIAS_ALREADY_EXISTS,), ALIAS_AND_MERGE
    if state.together(distinct_id, alias):
        return None, (), ALIAS_AND_MERGE
    if _too_big(state, distinct_id, alias):
        return None, (Code.CLUSTER_LIMIT_EXCEEDED,), CLUSTER_CAP
    return (distinct_id, alias), (), ALIAS_AND_MERGE


def _merge(state: MixpanelState, first: str, second: str) -> _Merge:
    if first == second:
        return None, (Code.SAME_IDS,), ALIAS_AND_MERGE
    if state.together(first, second):
        return None, (), ALIAS_AND_MERGE
    if _too_big(state, first, second):
        return None, (Code.CLUSTER_LIMIT_EXCEEDED,), CLUSTER_CAP
    return (first, second), (), ALIAS_AND_MERGE


# --- the SDK (mixpanel-js) ---------------------------------------------------------------------

ClientOp = Capture | Identify | Alias | Reset | Group | SetPersonProperties | CreatePersonProfile


def _client(state: MixpanelState, op: ClientOp) -> Verdict:
    stored = state.devices.get(op.device)
    if stored is None:
        first = op.anonymous_id if op.anonymous_id is not None else f"{op.device}-anon-0"
        stored = Device(
            name=op.device,
            first_anonymous_id=first,
            anonymous_id=first,
            distinct_id=device_distinct_id(first),
        )
    if op.anonymous_id is not None and op.anonymous_id != stored.first_anonymous_id:
        return Decision(
            step=rejected(
                Code.INVALID_OPERATION,
                f"device {op.device!r} has anonymous id {stored.first_anonymous_id!r}, "
                f"not {op.anonymous_id!r}",
            )
        )
    device = stored
    when = op.timestamp
    match op:
        case CreatePersonProfile():
            return Decision(
                step=ignored(
                    "Mixpanel has no person-profile switch", code=Code.UNSUPPORTED_OPERATION
                )
            )
        case Group() | SetPersonProperties():
            return Decision(
                step=Step(status=Status.APPLIED, rules=(PROFILES,)),
                facts=Facts(clock=_later(state, when), device=device),
            )
        case Reset():
            resets = device.resets + 1
            fresh = (
                op.new_anonymous_id
                if op.new_anonymous_id is not None
                else f"{device.name}-anon-{resets}"
            )
            device = replace(
                device,
                anonymous_id=fresh,
                distinct_id=device_distinct_id(fresh),
                user_id=None,
                alias=None,
                resets=resets,
            )
            return Decision(
                step=Step(status=Status.APPLIED, rules=(SDK_RESET,)),
                facts=Facts(clock=_later(state, when), device=device),
            )
        case Capture():
            return _send(state, device, device, op.event, NO_IDENTITY, when, DEVICE_IDS)
        case Identify() | Alias():
            value = op.distinct_id if isinstance(op, Identify) else op.alias
            rule = SDK_IDENTIFY if isinstance(op, Identify) else SDK_ALIAS
            if not isinstance(value, str) or not value or is_refused(value):
                return _refuse(f"{value!r} is not a usable distinct id")
            if value == device.distinct_id:
                return Decision(
                    step=ignored(
                        "already the current distinct id", rule, code=Code.IDENTIFY_REPEATED
                    )
                )
            if is_device(value):
                return Decision(
                    step=rejected(
                        Code.INVALID_DISTINCT_ID, "distinct_id cannot have $device: prefix", rule
                    )
                )
            if isinstance(op, Identify):
                # identify keeps the distinct id only when it is the stored alias.
                after = replace(device, user_id=value)
                if value != device.alias:
                    after = replace(after, distinct_id=value, alias=None)
                identity = Identity(identified=value, anon=device.distinct_id)
                return _send(state, after, after, "$identify", identity, when, rule)
            # alias: $create_alias goes out as the device is; then identify(alias) sets
            # $user_id and keeps the distinct id (it equals the stored alias).
            after = replace(device, alias=value, user_id=value)
            return _send(state, device, after, "$create_alias", Identity(alias=value), when, rule)
        case _:
            assert_never(op)


def _send(
    state: MixpanelState,
    sender: Device,
    after: Device,
    name: str,
    identity: Identity,
    when: datetime,
    rule: MixpanelRule,
) -> Verdict:
    """One SDK event from ``sender``'s super properties; the device becomes ``after``."""
    user_id = sender.user_id
    if state.config.id_merge is IdMerge.SIMPLIFIED:
        reading = SIMPLIFIED_READING
        distinct_id = user_id if user_id is not None else device_distinct_id(sender.anonymous_id)
    else:
        reading = ORIGINAL_READING
        distinct_id = identity.identified or sender.distinct_id
    for value in (sender.anonymous_id, user_id, distinct_id):
        if value is not None and is_refused(value):
            return _refuse(f"refused distinct id value {value!r}")
    return _process(
        state,
        name=name,
        distinct_id=distinct_id,
        device_id=sender.anonymous_id,
        user_id=user_id,
        when=when,
        identity=identity,
        from_sdk=True,
        rules_so_far=(rule, reading),
        device=after,
    )


# --- evolve ------------------------------------------------------------------------------------


def evolve(state: MixpanelState, verdict: Verdict) -> MixpanelState:
    """Apply an applied decision's facts."""
    facts = verdict.facts
    if facts is None:
        return state
    changes = _Changes(state)
    if facts.device is not None:
        changes.devices = changes.devices.set(facts.device.name, facts.device)
    event = facts.event
    if event is not None:
        if event.distinct_id:
            changes.add(event.distinct_id)
        changes.count(event)
    if facts.join is not None:
        changes.join(*facts.join)
    if facts.identified_id is not None:
        changes.identified_ids = changes.identified_ids.set(facts.identified_id, True)
    if facts.used_alias is not None:
        changes.used_aliases = changes.used_aliases.set(facts.used_alias, True)
    return changes.finish(facts.clock)


class _Changes:
    """The fields of one evolve step, changed one by one (local to ``evolve``)."""

    def __init__(self, state: MixpanelState) -> None:
        self.state = state
        self.devices = state.devices
        self.cluster_of = state.cluster_of
        self.clusters = state.clusters
        self.next_cluster = state.next_cluster
        self.identified_ids = state.identified_ids
        self.used_aliases = state.used_aliases
        self.anonymous = state.anonymous_events
        self.identified = state.identified_events
        self.months = state.months

    def add(self, distinct_id: str) -> int:
        key = self.cluster_of.get(distinct_id)
        if key is not None:
            return key
        key = self.next_cluster
        self.next_cluster += 1
        self.cluster_of = self.cluster_of.set(distinct_id, key)
        users = () if is_device(distinct_id) else (distinct_id,)
        self.clusters = self.clusters.set(
            key, Cluster(ids=Map({distinct_id: True}), size=1, users=users)
        )
        return key

    def join(self, first: str, second: str) -> None:
        """One cluster of both; the smaller moves into the larger (union by size)."""
        keep, gone = self.add(first), self.add(second)
        if keep == gone:
            return
        if self.clusters[keep].size < self.clusters[gone].size:
            keep, gone = gone, keep
        big, small = self.clusters[keep], self.clusters[gone]
        ids = big.ids.mutate()
        where = self.cluster_of.mutate()
        for distinct_id in small.ids:
            ids[distinct_id] = True
            where[distinct_id] = keep
        self.cluster_of = where.finish()
        merged = Cluster(
            ids=ids.finish(), size=big.size + small.size, users=big.users + small.users
        )
        self.clusters = self.clusters.delete(gone).set(keep, merged)

    def count(self, event: MixpanelEvent) -> None:
        month = self.months.get(event.month) or Month()
        match event.billed_as:
            case None:
                return
            case BillingKind.ANONYMOUS:
                self.anonymous += 1
                month = replace(month, anonymous_events=month.anonymous_events + 1)
            case BillingKind.IDENTIFIED:
                self.identified += 1
                month = replace(month, identified_events=month.identified_events + 1)
            case _:
                assert_never(event.billed_as)
        if event.distinct_id:
            month = replace(month, distinct_ids=month.distinct_ids.set(event.distinct_id, True))
        self.months = self.months.set(event.month, month)

    def finish(self, clock: datetime) -> MixpanelState:
        return replace(
            self.state,
            devices=self.devices,
            cluster_of=self.cluster_of,
            clusters=self.clusters,
            next_cluster=self.next_cluster,
            identified_ids=self.identified_ids,
            used_aliases=self.used_aliases,
            anonymous_events=self.anonymous,
            identified_events=self.identified,
            months=self.months,
            clock=clock,
        )
