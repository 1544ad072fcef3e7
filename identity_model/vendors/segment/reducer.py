"""The Segment reducer: ``decide`` reads the state and finds the call, its device and its Unify
resolution; ``evolve`` applies them. Vendor-neutral operations are read as analytics.js calls
(client ops) or HTTP API messages (``ingest``), as the digest's "Vendor-neutral traffic" says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import assert_never

from immutables import Map

from identity_model.errors import Code
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
from identity_model.rules import RuleId
from identity_model.vendors.segment import device as sdk
from identity_model.vendors.segment.calls import CallType, SegmentCall
from identity_model.vendors.segment.config import SegmentConfig
from identity_model.vendors.segment.device import SegmentDevice, new_device
from identity_model.vendors.segment.meter import MonthMeter, count_call
from identity_model.vendors.segment.unify import (
    NO_PROFILES,
    Found,
    Profiles,
    Resolution,
    absorb,
    resolve,
)

# SEG-12: Unify's 300-trait and 300-property limits are not modelled (digest: too thin).
INGESTED_CALLS: Mapping[str, CallType] = {
    "$identify": CallType.IDENTIFY,
    "$create_alias": CallType.ALIAS,
    "$groupidentify": CallType.GROUP,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentState:
    config: SegmentConfig = field(default_factory=SegmentConfig)
    devices: Map[str, SegmentDevice] = field(default_factory=Map)
    profiles: Profiles = NO_PROFILES
    months: Map[str, MonthMeter] = field(default_factory=Map)


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentFacts:
    """What an applied step changes: the device (client calls), the call sent, and where Unify
    put it."""

    device: SegmentDevice | None = None
    call: SegmentCall | None = None
    resolution: Resolution | None = None


Decided = tuple[Step, SegmentFacts | None]


def decide(state: SegmentState, op: Operation) -> Decided:
    """Pure: the step for ``op`` and, when applied, the facts to apply."""
    match op:
        case Ingest():
            return _ingest(state, op)
        case _ if isinstance(op, CLIENT_OPERATIONS):
            return _client(state, op)
        case _:
            return _unsupported(op), None


def _unsupported(op: object) -> Step:
    return ignored(
        f"{type(op).__name__} has no analogue in Segment", code=Code.UNSUPPORTED_OPERATION
    )


def _client(
    state: SegmentState,
    op: Capture | Identify | Alias | Reset | Group | SetPersonProperties | CreatePersonProfile,
) -> Decided:
    device = state.devices.get(op.device) or new_device(op.device, op.anonymous_id)
    if op.anonymous_id is not None and op.anonymous_id != device.first_anonymous_id:
        message = (
            f"device {op.device!r} has anonymous id {device.first_anonymous_id!r}, "
            f"not {op.anonymous_id!r}"
        )
        return rejected(Code.INVALID_OPERATION, message), None
    rules: list[RuleId] = []
    call: SegmentCall | None
    match op:
        case Capture():
            call = device.call(CallType.TRACK, op.timestamp, name=op.event)
        case Identify():
            traits = sdk.traits_of(op.set_once, op.set)
            device = sdk.identify(device, sdk.id_of(op.distinct_id), traits, rules)
            call = device.call(CallType.IDENTIFY, op.timestamp)
        case SetPersonProperties():
            traits = sdk.traits_of(op.set_once, op.set)
            device = sdk.identify(device, None, traits, rules)
            call = device.call(CallType.IDENTIFY, op.timestamp)
        case Alias():
            # analytics-next addIdentity: a stored userId overwrites the alias's userId.
            call = device.call(CallType.ALIAS, op.timestamp)
            call = replace(call, user_id=device.user_id or sdk.id_of(op.alias) or None)
        case Group():
            call = device.call(CallType.GROUP, op.timestamp)
        case Reset():
            device, call = sdk.reset(device, op.new_anonymous_id, rules), None
        case CreatePersonProfile():
            return _unsupported(op), None
        case _:
            assert_never(op)
    return _send(state, device, call, rules)


def _ingest(state: SegmentState, op: Ingest) -> Decided:
    """One HTTP API message: ``distinct_id`` is the userId, ``$device_id`` the anonymousId."""
    raw_anonymous: Json = op.properties.get("$device_id")
    user_id, anonymous_id = sdk.id_of(op.distinct_id), sdk.id_of(raw_anonymous)
    if (op.distinct_id is not None and user_id is None) or (
        raw_anonymous is not None and anonymous_id is None
    ):
        message = "a userId or anonymousId must be a string or a number"
        return rejected(Code.INVALID_DISTINCT_ID, message), None
    if not user_id and not anonymous_id:
        return rejected(Code.MISSING_DISTINCT_ID, "neither a userId nor an anonymousId"), None
    kind = INGESTED_CALLS.get(op.event, CallType.TRACK)
    email = None
    if kind is CallType.IDENTIFY:
        set_once, set_ = op.properties.get("$set_once"), op.properties.get("$set")
        email = sdk.email_of(
            sdk.traits_of(
                set_once if isinstance(set_once, Mapping) else None,
                set_ if isinstance(set_, Mapping) else None,
            )
        )
    call = SegmentCall(
        type=kind,
        name=op.event if kind is CallType.TRACK else None,
        user_id=user_id or None,
        anonymous_id=anonymous_id or None,
        email=email,
        timestamp=op.timestamp,
    )
    return _send(state, None, call, [])


def _send(
    state: SegmentState,
    device: SegmentDevice | None,
    call: SegmentCall | None,
    rules: list[RuleId],
) -> Decided:
    found = Found()
    for rule in rules:
        found.note(None, rule)
    resolution: Resolution | None = None
    unify = state.config.unify
    if call is not None and unify is not None and call.type is not CallType.ALIAS:
        resolution = resolve(state.profiles, unify, call, found)
        call = replace(call, profile=None if resolution is None else resolution.target)
    elif call is not None:
        # SEG-04: Connections keep no graph (unify false), and an alias call does not reach Unify.
        found.note(None, "SEG-04")
    step = Step(status=Status.APPLIED, codes=tuple(found.codes), rules=tuple(found.rules))
    return step, SegmentFacts(device=device, call=call, resolution=resolution)


def evolve(state: SegmentState, facts: SegmentFacts) -> SegmentState:
    """Apply an applied step's facts."""
    devices, months, profiles = state.devices, state.months, state.profiles
    if facts.device is not None:
        devices = devices.set(facts.device.name, facts.device)
    if facts.call is not None:
        months = count_call(months, facts.call)
    if facts.resolution is not None:
        profiles = absorb(profiles, facts.resolution)
    return replace(state, devices=devices, months=months, profiles=profiles)
