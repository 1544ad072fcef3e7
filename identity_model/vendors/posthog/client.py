"""The SDK layer: what a PostHog SDK on one device does for each call (the CL rules).

Each call is decided from the device and the config alone, as a ``_Decision``: the next
device, the client's own step, and the event to send, if any. ``decide_client`` then decides
that event with the ingestion layer and returns what the call writes (the device and the
event's facts); a rejected or ignored call writes nothing. The browser SDK (posthog-js
>= 1.408.3) is the default flavour; ``mobile`` and ``core`` change the identify table and a
few checks (CL-M*, CL-C1).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum, auto
from typing import Final, assert_never

from immutables import Map
from msgspec import structs

from identity_model.errors import Code
from identity_model.jsontypes import Json, JsonObject, thaw
from identity_model.operations import (
    Alias,
    Capture,
    ClientOperation,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Reset,
    SetPersonProperties,
)
from identity_model.outcome import Status, Step, ignored, rejected
from identity_model.rules import ClientRule, RuleId
from identity_model.vendor import Decision
from identity_model.vendors.posthog.config import ClientFlavour, PersonProfiles
from identity_model.vendors.posthog.config import PostHogConfig as Config
from identity_model.vendors.posthog.device import Device, InitialPersonInfo, UserState, new_device
from identity_model.vendors.posthog.ids import js_key_order, js_string
from identity_model.vendors.posthog.ingestion import decide_ingest
from identity_model.vendors.posthog.initial_props import initial_person_properties
from identity_model.vendors.posthog.operations import MobileCapture
from identity_model.vendors.posthog.state import Facts, View

COOKIELESS_SENTINEL = "$posthog_cookieless"
# Mobile identify: a blank check only; a different id while identified is refused.
MOBILE_IDENTIFY_RULE: Final = "CL-M1"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Send:
    """An event the call captures: name, caller properties, top-level `$set`/`$set_once`."""

    event: str
    properties: JsonObject
    set: JsonObject | None = None
    set_once: JsonObject | None = None
    distinct_id: str | None = None  # mobile: sent under another id than the device's
    groups: Mapping[str, str] | None = None  # mobile: groups for this event only


@dataclass(frozen=True, slots=True, kw_only=True)
class _Decision:
    device: Device
    step: Step
    send: _Send | None = None


def decide_client(view: View, op: ClientOperation) -> Decision[Facts]:
    """One SDK call on ``op.device``: decide it, then the event it sends, if any."""
    stored = view.device(op.device)
    device = stored if stored is not None else new_device(op.device, op.anonymous_id)
    if op.anonymous_id is not None and op.anonymous_id != device.first_anonymous_id:
        return Decision(
            step=rejected(
                Code.INVALID_OPERATION,
                f"device {op.device!r} has anonymous id {device.first_anonymous_id!r}, "
                f"not {op.anonymous_id!r}",
            )
        )
    # The first operation naming a device fixes its anonymous id whatever its outcome
    # (format §1, rule CL-01: the device exists before it): a new device is bookkeeping.
    first = Facts(device=device) if stored is None else None
    decision = _decide(view.config, device, op)
    if decision.step.status is not Status.APPLIED:
        return _unapplied(decision.step, first)
    next_device, step = decision.device, decision.step
    facts = Facts()
    if decision.send is not None:
        next_device, event = _event(view.config, next_device, decision.send, op.timestamp)
        sent = decide_ingest(view, event, device=op.device)
        step = step.then(sent.step)
        if sent.facts is not None:
            facts = sent.facts
        elif next_device == device:
            # Nothing changed: the event decides (rejected or ignored).
            return _unapplied(structs.replace(step, status=sent.step.status), first)
    if next_device != device or stored is None:
        facts = structs.replace(facts, device=next_device)
    return Decision(step=step, facts=facts)


def _unapplied(step: Step, first: Facts | None) -> Decision[Facts]:
    if first is None:
        return Decision(step=step)
    return Decision(step=step, facts=first, bookkeeping=True)


def _decide(config: Config, device: Device, op: ClientOperation) -> _Decision:
    match op:
        case Capture():
            return _capture(config, device, op)
        case Identify():
            if config.client is ClientFlavour.CORE:
                return _identify_core(config, device, op.distinct_id, op.set, op.set_once)
            return _identify(config, device, op.distinct_id, op.set, op.set_once)
        case Alias():
            return _alias(config, device, op)
        case Reset():
            return _reset(config, device, op)
        case Group():
            return _group(config, device, op)
        case SetPersonProperties():
            return _set_person_properties(
                config, device, op.set, op.set_once, Code.PERSON_PROPERTIES_REPEATED
            )
        case CreatePersonProfile():
            return _create_person_profile(config, device)
        case _:
            assert_never(op)


# --- person processing --------------------------------------------------------------------


def has_person_processing(config: Config, device: Device) -> bool:
    """``_hasPersonProcessing()``: whether the device's next event is person-processed."""
    # CL-03: never -> off; always -> on; identified_only -> identified, grouped, aliased or $epp.
    match config.person_profiles:
        case PersonProfiles.NEVER:
            return False
        case PersonProfiles.ALWAYS:
            return True
        case PersonProfiles.IDENTIFIED_ONLY:
            grouped = bool(device.groups) and config.client is not ClientFlavour.MOBILE
            return (
                device.is_identified
                or grouped
                or device.alias is not None
                or device.person_processing
            )
        case _:
            assert_never(config.person_profiles)


def _refused_under_never(config: Config, call: str) -> Step | None:
    """``_requirePersonProcessing``: under ``never`` the call is a documented no-op."""
    if config.person_profiles is PersonProfiles.NEVER:
        # Logs "<call> was called, but process_person is set to "never"" and returns.
        return ignored(
            f'{call} was called, but process_person is set to "never"; it is ignored',
            "CL-05",
            code=Code.PERSON_PROCESSING_DISABLED,
        )
    return None


def _event(
    config: Config, device: Device, send: _Send, timestamp: datetime
) -> tuple[Device, Ingest]:
    """The raw event a capture sends, and the device after it (sticky `$epp`, initial props)."""
    properties: dict[str, Json] = {
        "distinct_id": device.distinct_id if send.distinct_id is None else send.distinct_id
    }
    properties.update(send.properties)  # caller properties win, even `distinct_id` (decision)
    groups = {**device.groups, **(send.groups or {})}
    if groups:
        properties["$groups"] = groups
    processing = has_person_processing(config, device)
    # CL-06: an event is anonymous iff it goes out with `$process_person_profile: false`.
    # CL-04: `$process_person_profile` is set last (callers cannot override it); on -> sticky $epp.
    properties["$process_person_profile"] = processing
    if processing and not device.person_processing:
        device = replace(device, person_processing=True)
    set_once = send.set_once
    wants_initial = send.event == "$identify" or not device.initial_props_sent
    if processing and send.event != "$groupidentify" and wants_initial:
        # CL-27: initial person props ride on the first person-processed event, always on $identify.
        initial = (
            initial_person_properties(device.initial_person_info)
            if device.initial_person_info
            else {}
        )
        set_once = {**initial, **(send.set_once or {})} or None
        device = replace(device, initial_props_sent=True)
    # Top-level `$set`/`$set_once` win over those inside properties (server normalizeEvent).
    for key, top in (("$set", send.set), ("$set_once", set_once)):
        if top is not None:
            inner = properties.get(key)
            properties[key] = {**(inner if isinstance(inner, Mapping) else {}), **top}
    return device, Ingest(
        distinct_id=properties["distinct_id"],
        event=send.event,
        properties=properties,
        timestamp=timestamp,
    )


def _properties_hash(
    config: Config, distinct_id: str, set_: JsonObject | None, set_once: JsonObject | None
) -> str:
    """``getPersonPropertiesHash``; ``None`` (undefined) differs from ``{}``."""
    payload = [
        distinct_id,
        None if set_ is None else thaw(set_),
        None if set_once is None else thaw(set_once),
    ]
    if config.client is ClientFlavour.BROWSER:
        # The browser compares JSON text: another key order is another call (CL-14).
        return json.dumps(js_key_order(payload), separators=(",", ":"))
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


# --- identify --------------------------------------------------------------------------------


class _Relation(Enum):
    SAME = auto()  # the new id is the current distinct id
    ALIAS = auto()  # the new id is the stored `__alias`
    OTHER = auto()


class _IdentifyAction(Enum):
    SEND_IDENTIFY = auto()  # $identify(new, $anon_distinct_id), switch the distinct id
    SEND_IDENTIFY_KEEP_ID = auto()  # $identify(new, $anon_distinct_id), keep the distinct id
    SEND_SET = auto()  # same id, anonymous: become identified with a `$set` event
    SET_PROPERTIES = auto()  # nothing to identify: setPersonProperties if props, else nothing
    SILENT_SWITCH = auto()  # switch the distinct id, stay identified, send no $identify
    ALREADY_IDENTIFIED = auto()  # mobile: a different id while identified is refused


_A, _I = UserState.ANONYMOUS, UserState.IDENTIFIED
_BROWSER: dict[tuple[UserState, _Relation], _IdentifyAction] = {
    (_A, _Relation.OTHER): _IdentifyAction.SEND_IDENTIFY,  # CL-10
    (_A, _Relation.ALIAS): _IdentifyAction.SEND_IDENTIFY_KEEP_ID,  # CL-15
    (_A, _Relation.SAME): _IdentifyAction.SEND_SET,  # CL-11
    (_I, _Relation.SAME): _IdentifyAction.SET_PROPERTIES,  # CL-12
    (_I, _Relation.ALIAS): _IdentifyAction.SET_PROPERTIES,
    (_I, _Relation.OTHER): _IdentifyAction.SILENT_SWITCH,  # CL-13
}
# In this state, identify(new) does that: one table per SDK flavour.
IDENTIFY_TABLE: dict[ClientFlavour, dict[tuple[UserState, _Relation], _IdentifyAction]] = {
    ClientFlavour.BROWSER: _BROWSER,
    ClientFlavour.MOBILE: {
        **_BROWSER,
        (_A, _Relation.ALIAS): _IdentifyAction.SEND_IDENTIFY,
        (_I, _Relation.ALIAS): _IdentifyAction.ALREADY_IDENTIFIED,
        (_I, _Relation.OTHER): _IdentifyAction.ALREADY_IDENTIFIED,  # CL-M1
    },
}


def _identify_id(config: Config, value: Json) -> str | Step:
    """The id identify accepts, or why it refuses."""
    rule: ClientRule = MOBILE_IDENTIFY_RULE if config.client is ClientFlavour.MOBILE else "CL-07"
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = js_string(value)  # posthog-js converts a number (with a warning)
    if not isinstance(value, str):
        return rejected(Code.INVALID_DISTINCT_ID, "identify needs a string or number id", rule)
    if config.client is ClientFlavour.MOBILE:
        if value.strip() == "":
            return rejected(Code.INVALID_DISTINCT_ID, "identify with a blank id", rule)
        return value
    lowered = value.lower()
    if (
        value.strip() == ""
        or value == COOKIELESS_SENTINEL
        or lowered in ("distinct_id", "distinctid", "undefined", "null")
    ):
        return rejected(
            Code.INVALID_DISTINCT_ID, f"posthog-js refuses to identify as {value!r}", rule
        )
    return value


def _identify(
    config: Config,
    device: Device,
    raw_id: Json,
    set_: JsonObject | None,
    set_once: JsonObject | None,
) -> _Decision:
    if config.client is ClientFlavour.MOBILE:  # Android checks person processing first
        refused = _refused_under_never(config, "posthog.identify")
        if refused is not None:
            return _Decision(device=device, step=refused)
    new_id = _identify_id(config, raw_id)
    if isinstance(new_id, Step):
        return _Decision(device=device, step=new_id)
    refused = _refused_under_never(config, "posthog.identify")
    if refused is not None:
        # CL-08: under never, identify changes nothing at all.
        return _Decision(device=device, step=refused)
    previous = device.distinct_id
    relation = (
        _Relation.SAME
        if new_id == previous
        else _Relation.ALIAS
        if new_id == device.alias
        else _Relation.OTHER
    )
    action = IDENTIFY_TABLE[config.client][(device.user_state, relation)]
    before = device
    # CL-09: register `$user_id`; the distinct id switches below unless the row keeps it.
    device = replace(device, person_processing=True, user_id=new_id)
    match action:
        case _IdentifyAction.SEND_IDENTIFY | _IdentifyAction.SEND_IDENTIFY_KEEP_ID:
            # MOB-02: mobile sends the stored anonymous id, with `$set` and `$set_once`.
            anon_id = previous if config.client is ClientFlavour.BROWSER else device.anonymous_id
            if action is _IdentifyAction.SEND_IDENTIFY:
                device = replace(device, distinct_id=new_id, alias=None)
            device = replace(
                device,
                user_state=UserState.IDENTIFIED,
                cached_person_properties=_properties_hash(config, new_id, set_, set_once),
            )
            identify_properties: dict[str, Json] = {"distinct_id": new_id}
            if not config.reuse_anonymous_id:  # the anonymous id is not linked (MOB-05)
                identify_properties["$anon_distinct_id"] = anon_id
            send = _Send(
                event="$identify",
                properties=identify_properties,
                set=set_ or {},
                set_once=set_once or {},
            )
            rule: ClientRule = "CL-10" if relation is _Relation.OTHER else "CL-15"
            return _Decision(
                device=device, step=Step(status=Status.APPLIED, rules=(rule,)), send=send
            )
        case _IdentifyAction.SEND_SET:
            device = replace(
                device,
                user_state=UserState.IDENTIFIED,
                cached_person_properties=_properties_hash(config, new_id, set_, set_once),
            )
            send = _Send(event="$set", properties={"$set": set_ or {}, "$set_once": set_once or {}})
            return _Decision(
                device=device, step=Step(status=Status.APPLIED, rules=("CL-11",)), send=send
            )
        case _IdentifyAction.SET_PROPERTIES:
            rule = "CL-12"
            if set_ is None and set_once is None:
                if device == before:
                    return _Decision(
                        device=before,
                        step=ignored("identify changes nothing", rule, code=Code.IDENTIFY_REPEATED),
                    )
                return _Decision(device=device, step=Step(status=Status.APPLIED, rules=(rule,)))
            decision = _set_person_properties(
                config, device, set_, set_once, Code.IDENTIFY_REPEATED
            )
            if decision.step.status is Status.IGNORED and device != before:
                return _Decision(
                    device=device, step=Step(status=Status.APPLIED, rules=decision.step.rules)
                )
            return decision
        case _IdentifyAction.SILENT_SWITCH:
            device = replace(device, distinct_id=new_id, alias=None)
            step = Step(status=Status.APPLIED, rules=("CL-13",))
            if set_ is None and set_once is None:
                return _Decision(device=device, step=step)
            decision = _set_person_properties(
                config, device, set_, set_once, Code.IDENTIFY_REPEATED
            )
            if decision.send is None:
                return _Decision(device=device, step=step)
            return _Decision(device=decision.device, step=step, send=decision.send)
        case _IdentifyAction.ALREADY_IDENTIFIED:
            return _Decision(
                device=before,
                step=ignored(
                    "already identified: mobile SDKs refuse a different id until reset()",
                    MOBILE_IDENTIFY_RULE,
                    code=Code.ALREADY_IDENTIFIED,
                ),
            )
        case _:
            assert_never(action)


def _identify_core(
    config: Config,
    device: Device,
    raw_id: Json,
    set_: JsonObject | None,
    set_once: JsonObject | None,
) -> _Decision:
    """CL-C1, CL-C2: packages/core ``identify``: no id checks, every new id sends `$identify`."""
    refused = _refused_under_never(config, "posthog.identify")
    if refused is not None:
        return _Decision(device=device, step=refused)
    supplied: str | None
    if (
        raw_id is None
        or raw_id is False
        or raw_id == ""
        or (isinstance(raw_id, int | float) and not isinstance(raw_id, bool) and raw_id == 0)
    ):
        supplied = None  # `distinctId || previousDistinctId`: a falsy id is no id
    elif isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        supplied = js_string(raw_id)
    elif isinstance(raw_id, str):
        supplied = raw_id
    else:
        return _Decision(
            device=device,
            step=rejected(Code.INVALID_DISTINCT_ID, "identify needs a string or number id"),
        )
    before = device
    device = replace(device, person_processing=True)  # `_requirePersonProcessing`
    previous = device.distinct_id
    if supplied is not None and supplied != previous:
        # The stored anonymous id goes out, then the previous distinct id replaces it.
        send = _Send(
            event="$identify",
            properties={"distinct_id": supplied, "$anon_distinct_id": device.anonymous_id},
            set=set_ or {},
            set_once=set_once or {},
        )
        device = replace(
            device,
            anonymous_id=previous,
            distinct_id=supplied,
            user_id=supplied,
            user_state=UserState.IDENTIFIED,
            cached_person_properties=_properties_hash(config, supplied, set_, set_once),
        )
        return _Decision(
            device=device, step=Step(status=Status.APPLIED, rules=("CL-C1",)), send=send
        )
    if supplied is not None and not device.is_identified:
        device = replace(
            device,
            user_state=UserState.IDENTIFIED,
            user_id=supplied,
            cached_person_properties=_properties_hash(config, supplied, set_, set_once),
        )
        send = _Send(event="$set", properties={"$set": set_ or {}, "$set_once": set_once or {}})
        return _Decision(
            device=device, step=Step(status=Status.APPLIED, rules=("CL-C2",)), send=send
        )
    if set_ is not None or set_once is not None:
        decision = _set_person_properties(config, device, set_, set_once, Code.IDENTIFY_REPEATED)
        if decision.send is None and device != before:
            return _Decision(device=device, step=Step(status=Status.APPLIED, rules=("CL-C2",)))
        return decision
    if device == before:
        return _Decision(
            device=before,
            step=ignored("identify changes nothing", "CL-C2", code=Code.IDENTIFY_REPEATED),
        )
    return _Decision(device=device, step=Step(status=Status.APPLIED, rules=("CL-C2",)))


# --- the other calls ------------------------------------------------------------------------


def _set_person_properties(
    config: Config,
    device: Device,
    set_: JsonObject | None,
    set_once: JsonObject | None,
    repeated: Code,
) -> _Decision:
    """A `$set` event under the current distinct id, unless nothing or the same again."""
    rule: ClientRule = "CL-22"
    nothing = not set_ and not set_once  # CL-C5: core skips empty objects too
    if (set_ is None and set_once is None) or (config.client is ClientFlavour.CORE and nothing):
        return _Decision(
            device=device, step=ignored("setPersonProperties with nothing to set", rule)
        )
    refused = _refused_under_never(config, "posthog.setPersonProperties")
    if refused is not None:
        return _Decision(device=device, step=refused)
    digest = _properties_hash(config, device.distinct_id, set_, set_once)
    if digest == device.cached_person_properties:
        # The same distinct id and properties as last time: ignored.
        return _Decision(
            device=device, step=ignored("the same person properties again", "CL-14", code=repeated)
        )
    device = replace(device, person_processing=True, cached_person_properties=digest)
    send = _Send(event="$set", properties={"$set": set_ or {}, "$set_once": set_once or {}})
    return _Decision(device=device, step=Step(status=Status.APPLIED, rules=(rule,)), send=send)


def _create_person_profile(config: Config, device: Device) -> _Decision:
    """CL-25: flips person processing with one empty `$set` event, unless already on."""
    refused = _refused_under_never(config, "posthog.createPersonProfile")
    if refused is not None:
        return _Decision(device=device, step=refused)
    if has_person_processing(config, device):
        return _Decision(device=device, step=ignored("person processing is already on", "CL-25"))
    sent = _set_person_properties(
        config, replace(device, person_processing=True), {}, {}, Code.PERSON_PROPERTIES_REPEATED
    )
    # The `$set` is setPersonProperties' (CL-22); the call that made it is CL-25's.
    return replace(sent, step=structs.replace(sent.step, rules=("CL-25", *sent.step.rules)))


def _alias(config: Config, device: Device, op: Alias) -> _Decision:
    """CL-16..CL-19: `$create_alias` keeps the distinct id; alias to itself is identify(alias)."""
    value = op.alias
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = js_string(value)
    if not isinstance(value, str) or value == "":
        return _Decision(
            device=device,
            step=rejected(Code.INVALID_OPERATION, "alias needs a non-empty string", "CL-16"),
        )
    refused = _refused_under_never(config, "posthog.alias")
    if refused is not None:
        return _Decision(device=device, step=refused)
    original = device.distinct_id
    if config.client is ClientFlavour.CORE:
        # CL-C4: core remembers no alias and sends even an alias to the current id.
        send = _Send(event="$create_alias", properties={"alias": value, "distinct_id": original})
        return _Decision(
            device=replace(device, person_processing=True),
            step=Step(status=Status.APPLIED, rules=("CL-C4",)),
            send=send,
        )
    if value == original and config.client is not ClientFlavour.MOBILE:
        # CL-18: "alias matches current distinct_id - skipping api call", then identify(alias).
        return _identify(config, device, value, None, None)
    # CL-19: no "already aliased" check: every call sends `$create_alias`.
    # Store `__alias` (flips person processing), distinct id and user state unchanged.
    device = replace(device, person_processing=True, alias=value)
    send = _Send(event="$create_alias", properties={"alias": value, "distinct_id": original})
    rules: tuple[RuleId, ...] = (
        ("CL-17", "CL-M3") if config.client is ClientFlavour.MOBILE else ("CL-17",)
    )
    return _Decision(device=device, step=Step(status=Status.APPLIED, rules=rules), send=send)


def _reset(config: Config, device: Device, op: Reset) -> _Decision:
    """A new anonymous distinct id, everything else forgotten; no event."""
    # CL-M4: mobile resets the same way (a UUIDv7 there; derived deterministically here).
    # MOB-04: identity, identified state, person-processing flag and groups all go.
    resets = device.resets + 1
    if config.reuse_anonymous_id:
        # MOB-05: back to the same anonymous id; a new one cannot be given.
        if op.new_anonymous_id is not None:
            return _Decision(
                device=device,
                step=rejected(
                    Code.INVALID_OPERATION, "reuse_anonymous_id keeps the anonymous id", "MOB-05"
                ),
            )
        anonymous_id = device.anonymous_id
    elif op.new_anonymous_id is not None:
        anonymous_id = op.new_anonymous_id
    else:
        anonymous_id = f"{device.name}-anon-{resets}"
    fresh = Device(
        name=device.name,
        first_anonymous_id=device.first_anonymous_id,
        anonymous_id=anonymous_id,
        distinct_id=anonymous_id,
        device_id=anonymous_id if op.reset_device_id else device.device_id,
        initial_props_sent=device.initial_props_sent,  # CL-21: not reset by reset()
        resets=resets,
    )
    return _Decision(device=fresh, step=Step(status=Status.APPLIED, rules=("CL-20",)))


def _group(config: Config, device: Device, op: Group) -> _Decision:
    """Register the group, send `$groupidentify` (browser CL-23, mobile CL-M2)."""
    rule: ClientRule = "CL-23"
    key = op.group_key
    if isinstance(key, int | float) and not isinstance(key, bool):
        key = js_string(key)
    if not op.group_type or not isinstance(key, str) or key == "":
        return _Decision(
            device=device,
            step=rejected(Code.INVALID_OPERATION, "group needs a type and a key", rule),
        )
    mobile = config.client is ClientFlavour.MOBILE
    core = config.client is ClientFlavour.CORE
    if mobile or core:
        # CL-C3: core's groups()/groupIdentify() ask for person processing too.
        refused = _refused_under_never(config, "posthog.group")
        if refused is not None:
            return _Decision(device=device, step=refused)
    changed = device.groups.get(op.group_type) != key
    if not changed and op.properties is None and not mobile:
        return _Decision(
            device=device,
            step=ignored("same group key and no properties: nothing to send", rule),
        )
    groups: Map[str, str] = device.groups.set(op.group_type, key)
    flips = (
        mobile
        or core
        or (op.properties is not None and config.person_profiles is not PersonProfiles.NEVER)
    )
    device = replace(device, groups=groups, person_processing=device.person_processing or flips)
    properties: dict[str, Json] = {"$group_type": op.group_type, "$group_key": key}
    if op.properties is not None:
        properties["$group_set"] = op.properties
    rules: tuple[RuleId, ...] = ("CL-M2",) if mobile else (rule,)
    return _Decision(
        device=device,
        step=Step(status=Status.APPLIED, rules=rules),
        send=_Send(event="$groupidentify", properties=properties),
    )


def _capture(config: Config, device: Device, op: Capture) -> _Decision:
    """CL-26: capture never flips person processing; a `$set` inside is forwarded as is."""
    if device.initial_person_info is None:
        url = op.properties.get("$current_url")
        referrer = op.properties.get("$referrer")
        if isinstance(url, str) or isinstance(referrer, str):
            # Decision (CL-27): the first capture with a URL or referrer registers the info once.
            info = InitialPersonInfo(
                referrer=referrer if isinstance(referrer, str) and referrer else "$direct",
                url=url if isinstance(url, str) else None,
            )
            device = replace(device, initial_person_info=info)
    never = config.person_profiles is PersonProfiles.NEVER
    groups = op.properties.get("$groups")
    if config.client is ClientFlavour.CORE and isinstance(groups, Mapping) and not never:
        # Core's capture registers `$groups` through groups(), which asks for processing.
        registered = device.groups.mutate()
        for group_type, raw_key in groups.items():
            key = js_string(raw_key) if isinstance(raw_key, int | float) else raw_key
            if isinstance(key, str) and not isinstance(raw_key, bool):
                registered[group_type] = key
        device = replace(device, groups=registered.finish(), person_processing=True)
    if not isinstance(op, MobileCapture):
        send = _Send(event=op.event, properties=op.properties)
        return _Decision(
            device=device, step=Step(status=Status.APPLIED, rules=("CL-26",)), send=send
        )
    if op.distinct_id is not None and op.distinct_id.strip() == "":
        return _Decision(
            device=device,
            step=rejected(Code.INVALID_DISTINCT_ID, "capture for a blank distinct id", "MOB-03"),
        )
    # Person data in a mobile capture asks for person processing (never: silently not).
    if (op.user_properties or op.user_properties_set_once or op.groups) and not never:
        device = replace(device, person_processing=True)
    send = _Send(
        event=op.event,
        properties=op.properties,
        set=op.user_properties or None,
        set_once=op.user_properties_set_once or None,
        distinct_id=op.distinct_id,
        groups=op.groups or None,
    )
    return _Decision(device=device, step=Step(status=Status.APPLIED, rules=("MOB-01",)), send=send)
