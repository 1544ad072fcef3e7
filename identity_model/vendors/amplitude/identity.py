"""Which Amplitude ID an event gets, and which merge it causes (AMP-01, AMP-03..AMP-09).

``resolve`` only reads the state; the caller's ``evolve`` applies what it found.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity_model.rules import AmplitudeRule
from identity_model.vendors.amplitude.state import AmplitudeState


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolution:
    """The event's Amplitude ID and what assigning it changes."""

    amplitude_id: int
    new: bool = False  # a new Amplitude ID (``state.next_id``)
    binds_user: bool = False  # the event's user id gets this Amplitude ID
    merges: int | None = None  # an anonymous Amplitude ID merged into this one
    rule: AmplitudeRule


def resolve(state: AmplitudeState, user_id: str | None, device_id: str | None) -> Resolution:
    """The Amplitude ID of an event with these (already checked) ids; one of them is set."""
    current = None if device_id is None else state.by_device.get(device_id)
    if user_id is None:
        if current is None:
            # A device seen for the first time without a user id: a new Amplitude ID, which
            # its later anonymous events share.
            return Resolution(amplitude_id=state.next_id, new=True, rule="AMP-03")
        if current in state.carriers:
            # A device where a user was seen: the last user seen on it.
            return Resolution(amplitude_id=current, rule="AMP-06")
        return Resolution(amplitude_id=current, rule="AMP-03")
    known = state.by_user.get(user_id)
    if known is not None:
        if current is None or current == known:
            # A known user id keeps its own Amplitude ID on any device.
            return Resolution(amplitude_id=known, rule="AMP-05")
        if current not in state.carriers:
            # The device's Amplitude ID never carried a user id: it merges into the user's.
            return Resolution(amplitude_id=known, merges=current, rule="AMP-08")
        # Another user's device: user ids never merge; the device now points to this user.
        return Resolution(amplitude_id=known, rule="AMP-09")
    if current is not None and current not in state.carriers:
        # A first user id on an anonymous device takes the device's Amplitude ID.
        return Resolution(amplitude_id=current, binds_user=True, rule="AMP-04")
    if current is not None:
        # The device's Amplitude ID belongs to another user: a new one.
        return Resolution(amplitude_id=state.next_id, new=True, binds_user=True, rule="AMP-07")
    # AMP-01: the user id is preferred: a new user on a new (or no) device gets its own ID.
    return Resolution(amplitude_id=state.next_id, new=True, binds_user=True, rule="AMP-01")
