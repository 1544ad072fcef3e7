"""The Amplitude reducer: ``decide(state, op)`` reads, ``evolve(state, decision)`` applies.

The vendor-neutral operations read as the Browser SDK 2 and the HTTP V2 API
(rules-vendors.md "Vendor-neutral traffic"): a device's anonymous id is its ``device_id``,
``identify`` is ``setUserId``, ``group`` is ``setGroup``, ``set_person_properties`` is
``identify(Identify)``, ``ingest`` is one HTTP V2 event. ``alias`` and
``create_person_profile`` have no analogue: ignored, ``unsupported_operation``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import assert_never

from msgspec import structs

from identity_model.errors import Code
from identity_model.events import BillingKind
from identity_model.jsontypes import Json
from identity_model.operations import (
    Alias,
    Capture,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Operation,
    Reset,
    SetPersonProperties,
    VendorOperation,
    op_name,
)
from identity_model.outcome import Status, Step, ignored, rejected
from identity_model.rules import AmplitudeRule
from identity_model.vendor import Decision
from identity_model.vendors.amplitude.identity import Resolution, resolve
from identity_model.vendors.amplitude.ids import ID_RULE, check_ids
from identity_model.vendors.amplitude.state import (
    AmpDevice,
    AmplitudeEvent,
    AmplitudeState,
    MonthTally,
)
from identity_model.vendors.amplitude.usage import Clock, clock_for, is_billable

IDENTIFY_EVENT = "$identify"
# The Browser SDK: setUserId sends nothing, identify and setGroup send $identify, reset starts
# a new device id.
SDK_RULE: AmplitudeRule = "AMP-02"


@dataclass(frozen=True, slots=True, kw_only=True)
class Ingested:
    """An accepted event: where it went and what assigning it changes."""

    event: AmplitudeEvent
    resolution: Resolution
    clock: Clock


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """What an applied operation changes: the device it leaves, the event it got in."""

    device: AmpDevice | None = None
    ingested: Ingested | None = None


AmplitudeDecision = Decision[Facts]


def decide(state: AmplitudeState, op: Operation) -> AmplitudeDecision:
    """Pure: what ``op`` does to ``state``."""
    match op:
        case Ingest():
            properties = op.properties
            device_id: Json = properties.get("$device_id")
            step, ingested = _ingest(state, op.event, op.distinct_id, device_id, op.timestamp)
            if ingested is None:
                return Decision(step=step)
            return Decision(step=step, facts=Facts(ingested=ingested))
        case Alias() | CreatePersonProfile():
            return Decision(
                step=ignored(
                    "no Amplitude analogue (Browser SDK 2)", code=Code.UNSUPPORTED_OPERATION
                )
            )
        case Capture() | Identify() | Reset() | Group() | SetPersonProperties():
            return _client(state, op)
        case VendorOperation():
            return Decision(
                step=rejected(
                    Code.INVALID_OPERATION, f"{op_name(op)} is not an operation of vendor amplitude"
                )
            )
        case _:
            assert_never(op)


def evolve(state: AmplitudeState, decision: AmplitudeDecision) -> AmplitudeState:
    """Applies an applied decision's facts."""
    facts = decision.facts
    if facts is None:
        return state
    if facts.device is not None:
        state = replace(state, devices=state.devices.set(facts.device.name, facts.device))
    if facts.ingested is not None:
        state = _record(state, facts.ingested)
    return state


# --- ingestion --------------------------------------------------------------------------------


def _ingest(
    state: AmplitudeState, name: str, user_id: Json, device_id: Json, timestamp: datetime
) -> tuple[Step, Ingested | None]:
    checked = check_ids(user_id, device_id, state.config.min_id_length)
    if checked.refused is not None:
        why = (
            "an id Amplitude refuses (not a string, or on its invalid list)"
            if checked.refused is Code.INVALID_DISTINCT_ID
            else f"no user_id or device_id of at least {state.config.min_id_length} characters"
        )  # issue #17: every rejected line says why
        step = Step(status=Status.REJECTED, codes=checked.codes, rules=(ID_RULE,), message=why)
        return step, None
    resolution = resolve(state, checked.user_id, checked.device_id)
    clock = clock_for(state, timestamp)
    billed_as: BillingKind | None = None
    if is_billable(name):
        identified = checked.user_id is not None or resolution.amplitude_id in state.carriers
        billed_as = BillingKind.IDENTIFIED if identified else BillingKind.ANONYMOUS
    event = AmplitudeEvent(
        event=name,
        timestamp=timestamp,
        user_id=checked.user_id,
        device_id=checked.device_id,
        amplitude_id=resolution.amplitude_id,
        billed_as=billed_as,
        month=clock.month,
    )
    rules = ((ID_RULE,) if checked.codes else ()) + (resolution.rule,)
    step = Step(status=Status.APPLIED, codes=checked.codes, event=event, rules=rules)
    return step, Ingested(event=event, resolution=resolution, clock=clock)


def _record(state: AmplitudeState, ingested: Ingested) -> AmplitudeState:
    event, resolution, clock = ingested.event, ingested.resolution, ingested.clock
    amplitude_id = resolution.amplitude_id
    months = state.months
    if clock.closes is not None:
        old, mtu = clock.closes
        months = months.set(old, replace(months[old], closed_mtu=mtu))
    if event.billed_as is not None:
        tally = months.get(event.month) or MonthTally()
        months = months.set(event.month, tally.counted(amplitude_id, event.billed_as))
    by_user, carriers = state.by_user, state.carriers
    if resolution.binds_user:
        assert event.user_id is not None
        by_user = by_user.set(event.user_id, amplitude_id)
        carriers = carriers.set(amplitude_id, event.user_id)
    merged = state.merged
    if resolution.merges is not None:
        # AMP-10: permanent (no unmerge), and retroactive: earlier events of the merged ID
        # belong to the user from now on (the report resolves them through ``root``).
        merged = merged.set(resolution.merges, amplitude_id)
    by_device, seen = state.by_device, state.seen
    if event.device_id is not None:
        by_device = by_device.set(event.device_id, amplitude_id)
        devices = seen.get(amplitude_id, frozenset())
        if event.device_id not in devices:
            seen = seen.set(amplitude_id, devices | {event.device_id})
    return replace(
        state,
        by_user=by_user,
        by_device=by_device,
        carriers=carriers,
        merged=merged,
        seen=seen,
        next_id=state.next_id + 1 if resolution.new else state.next_id,
        clock=clock.now,
        months=months,
    )


# --- the Browser SDK --------------------------------------------------------------------------


SdkCall = Capture | Identify | Reset | Group | SetPersonProperties


def _client(state: AmplitudeState, op: SdkCall) -> AmplitudeDecision:
    """One Browser SDK call on ``op.device``: the call, then the event it sends (if any)
    through ingestion. A device is remembered from its first applied call (format §1)."""
    stored = state.devices.get(op.device)
    device = stored
    if device is None:
        first = op.anonymous_id if op.anonymous_id is not None else f"{op.device}-anon-0"
        device = AmpDevice(name=op.device, first_anonymous_id=first, device_id=first)
    if op.anonymous_id is not None and op.anonymous_id != device.first_anonymous_id:
        return Decision(
            step=rejected(
                Code.INVALID_OPERATION,
                f"device {op.device!r} has anonymous id {device.first_anonymous_id!r}, "
                f"not {op.anonymous_id!r}",
            )
        )
    after, send, step = _sdk_call(device, op)
    if step.status is not Status.APPLIED:
        return Decision(step=step)
    ingested = None
    if send is not None:
        sent, ingested = _ingest(state, send, after.user_id, after.device_id, op.timestamp)
        step = step.then(sent)
        if ingested is None and after == device:
            # Nothing changed on the device and its event was refused: the event decides.
            step = structs.replace(step, status=sent.status)
            return Decision(step=step)
    remember = stored is None or after != stored
    return Decision(step=step, facts=Facts(device=after if remember else None, ingested=ingested))


def _sdk_call(device: AmpDevice, op: SdkCall) -> tuple[AmpDevice, str | None, Step]:
    """The device after the call, the event it sends (if any) and the call's own step."""
    applied = Step(status=Status.APPLIED)
    match op:
        case Capture():
            return device, op.event, applied
        case Identify():
            return _set_user_id(device, op)
        case Reset():
            # reset(): a new device id, no user id, no event, nothing merged (reset_device_id
            # is moot: the Browser SDK always makes a new device id).
            resets = device.resets + 1
            fresh = (
                op.new_anonymous_id
                if op.new_anonymous_id is not None
                else f"{device.name}-anon-{resets}"
            )
            after = replace(device, device_id=fresh, user_id=None, resets=resets)
            return after, None, Step(status=Status.APPLIED, rules=(SDK_RULE,))
        case Group() | SetPersonProperties():
            # setGroup and identify(Identify) send one $identify (no MTU, D-AMP-2).
            return device, IDENTIFY_EVENT, Step(status=Status.APPLIED, rules=(SDK_RULE,))
        case _:
            assert_never(op)


def _set_user_id(device: AmpDevice, op: Identify) -> tuple[AmpDevice, str | None, Step]:
    """``setUserId(id)``; with ``set``/``set_once`` also one ``$identify`` (D-AMP-1)."""
    user_id = op.distinct_id
    if type(user_id) is not str:
        return device, None, rejected(Code.INVALID_DISTINCT_ID, "setUserId takes a string")
    with_properties = op.set is not None or op.set_once is not None
    if user_id == device.user_id and not with_properties:
        return device, None, ignored("the same user id again", code=Code.IDENTIFY_REPEATED)
    after = replace(device, user_id=user_id)
    send = IDENTIFY_EVENT if with_properties else None
    return after, send, Step(status=Status.APPLIED, rules=(SDK_RULE,))
