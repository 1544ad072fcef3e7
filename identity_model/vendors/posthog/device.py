"""The SDK layer's state: one device (one SDK install) as an immutable value.

Field names follow posthog-js persistence where one exists (``$user_state``, ``$epp``,
``__alias``, ``$groups``, ``$initial_person_info``, ``_cachedPersonProperties``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from immutables import Map


class UserState(StrEnum):
    """``$user_state`` (a missing one counts as anonymous)."""

    ANONYMOUS = "anonymous"
    IDENTIFIED = "identified"


@dataclass(frozen=True, slots=True, kw_only=True)
class InitialPersonInfo:
    """``$initial_person_info`` ``{r, u}``: the first referrer (or ``$direct``) and URL."""

    referrer: str
    url: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """One SDK install. ``first_anonymous_id`` is fixed at creation (format §1)."""

    name: str
    first_anonymous_id: str
    anonymous_id: str
    distinct_id: str
    device_id: str
    user_state: UserState = UserState.ANONYMOUS
    person_processing: bool = False  # `$epp`, sticky until reset (CL-04)
    alias: str | None = None  # `__alias`
    groups: Map[str, str] = field(default_factory=Map)  # `$groups`: type -> key
    cached_person_properties: str | None = None  # the identify/setPersonProperties dedup hash
    initial_person_info: InitialPersonInfo | None = None
    initial_props_sent: bool = False  # `_personProcessingSetOncePropertiesSent` (kept by reset)
    user_id: str | None = None  # `$user_id`
    resets: int = 0

    @property
    def is_identified(self) -> bool:
        return self.user_state is UserState.IDENTIFIED


def new_device(name: str, anonymous_id: str | None) -> Device:
    """A device before its first call."""
    # CL-01: distinct id = device id = its first anonymous id, anonymous, nothing else set.
    first = anonymous_id if anonymous_id is not None else f"{name}-anon-0"
    return Device(
        name=name,
        first_anonymous_id=first,
        anonymous_id=first,
        distinct_id=first,
        device_id=first,
    )
