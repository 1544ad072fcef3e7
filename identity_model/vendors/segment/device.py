"""analytics.js on one device: what each vendor-neutral client call stores and sends.

Follows analytics-next (``packages/browser/src/core/user/index.ts``, ``core/analytics``,
``core/events``): the device keeps ``userId``, ``anonymousId`` and traits; every call sends
the stored ids (``addIdentity``), an identify also the stored traits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from immutables import Map

from identity_model.jsontypes import Json, JsonObject
from identity_model.rules import RuleId
from identity_model.vendors.posthog.ids import js_string
from identity_model.vendors.segment.calls import CallType, SegmentCall


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentDevice:
    """One analytics.js install. ``first_anonymous_id`` is fixed at creation (format §1);
    ``regenerations`` counts the anonymousIds made since (by reset or by SEG-03)."""

    name: str
    first_anonymous_id: str
    anonymous_id: str
    user_id: str | None = None
    traits: Map[str, Json] = field(default_factory=Map)
    regenerations: int = 0

    def call(self, kind: CallType, timestamp: datetime, *, name: str | None = None) -> SegmentCall:
        """A call with the stored ids (analytics-next ``addIdentity``)."""
        return SegmentCall(
            type=kind,
            name=name,
            user_id=self.user_id or None,
            anonymous_id=self.anonymous_id,
            email=email_of(self.traits) if kind is CallType.IDENTIFY else None,
            timestamp=timestamp,
        )

    def regenerated(self, new_anonymous_id: str | None = None) -> SegmentDevice:
        """The next anonymousId: ``new_anonymous_id`` or ``<device>-anon-<n>`` (D-SEG-6)."""
        count = self.regenerations + 1
        return replace(
            self,
            anonymous_id=new_anonymous_id or f"{self.name}-anon-{count}",
            regenerations=count,
        )


def new_device(name: str, anonymous_id: str | None) -> SegmentDevice:
    """A device before its first call."""
    # SEG-01: the anonymousId is made once (the format's stand-in for a UUID v4) and kept.
    first = anonymous_id or f"{name}-anon-0"
    return SegmentDevice(name=name, first_anonymous_id=first, anonymous_id=first)


def id_of(value: Json) -> str | None:
    """``resolveUserArguments``: a string, or a number as a string; anything else is no id."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return js_string(value)
    return None


def email_of(traits: Mapping[str, Json]) -> str | None:
    """The ``email`` trait when it is a non-empty string (promoted to an identifier, SEG-06)."""
    email = traits.get("email")
    return email if isinstance(email, str) and email else None


def traits_of(set_once: JsonObject | None, set_: JsonObject | None) -> dict[str, Json]:
    """The traits a neutral call gives: ``set_once`` then ``set`` (the later wins)."""
    return {**(set_once or {}), **(set_ or {})}


def identify(
    device: SegmentDevice, wanted: str | None, given: Mapping[str, Json], rules: list[RuleId]
) -> SegmentDevice:
    """``User.identify(id, traits)``: ``wanted`` is the resolved id (``None``: the stored one)."""
    current = device.user_id
    new_id = wanted if wanted is not None else current
    traits = Map(given)
    if current is None or current == new_id:
        traits = device.traits.update(given)  # merged only for the same or no stored user
    if new_id:
        if current is not None and new_id != current:
            # SEG-03: another user: the anonymousId is regenerated, the old traits are dropped.
            rules.append("SEG-03")
            device = device.regenerated()
        device = replace(device, user_id=new_id)
    return replace(device, traits=traits)


def reset(
    device: SegmentDevice, new_anonymous_id: str | None, rules: list[RuleId]
) -> SegmentDevice:
    """``analytics.reset()``: no call; the next one carries a fresh anonymousId."""
    # SEG-02: userId, anonymousId, traits (and the group) are cleared.
    rules.append("SEG-02")
    return replace(device.regenerated(new_anonymous_id), user_id=None, traits=Map())
