"""The immutable world: the script's config and the vendor's state value.

A ``World`` never changes: ``apply`` and ``replay`` return new worlds that share structure
with the old ones, which stay valid. The world does not know which vendor it serves: it
holds the vendor's state and finds the vendor's profile by the config's ``vendor`` name.

The log is not the state: processed events flow out of the fold in the steps. A world keeps
them (``event_log``) only when asked to (``empty_world(keep_events=True)``,
``replay(..., keep_events=True)``).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from immutables import Map

from identity_model.events import Event, Usage, total_usage
from identity_model.operations import Config
from identity_model.vendor import DEFAULT_VENDOR, MonthlyUsage, VendorProfile, vendor_named

S = TypeVar("S")


@runtime_checkable
class PersonLookup(Protocol):
    """A vendor state that knows persons by distinct id (most do)."""

    def person_of(self, distinct_id: str, /) -> object | None: ...

    def person_key_of(self, distinct_id: str, /) -> Hashable | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class World(Generic[S]):
    """Everything the model knows after some operations. Compare worlds with ``==``."""

    config: Config
    state: S
    log: Map[int, Event] | None = None  # the stored events, in order; None: not kept

    @property
    def profile(self) -> VendorProfile[S, Any]:
        """The vendor's rules (looked up by name: the world imports no vendor)."""
        return vendor_named(self.config.vendor)

    @property
    def keeps_events(self) -> bool:
        return self.log is not None

    def event_log(self) -> list[Event]:
        """Every stored event, in processing order (only for a world that keeps them)."""
        if self.log is None:
            raise ValueError("this world keeps no events: use keep_events=True")
        return [self.log[seq] for seq in range(len(self.log))]

    def usage_by_month(self) -> MonthlyUsage:
        """Billed events per month (UTC) and meter."""
        return self.profile.usage(self.state)

    @property
    def usage(self) -> Usage:
        """Billed events by kind, all months together."""
        return total_usage(self.usage_by_month())

    def _persons(self) -> PersonLookup:
        if not isinstance(self.state, PersonLookup):
            raise TypeError(f"vendor {self.config.vendor!r} has no persons by distinct id")
        return self.state

    def person_of(self, distinct_id: str) -> Any:
        """The person ``distinct_id`` belongs to now (``None``: nobody)."""
        return self._persons().person_of(distinct_id)

    def person_key_of(self, distinct_id: str) -> Hashable | None:
        """The key of that person (``None``: nobody)."""
        return self._persons().person_key_of(distinct_id)


def empty_world(config: Config | None = None, *, keep_events: bool = False) -> World[Any]:
    """A world with nothing in it yet, under ``config`` (the script's config line; ``None``:
    the default vendor's defaults)."""
    if config is None:
        config = vendor_named(DEFAULT_VENDOR).parse_config({})
    state = vendor_named(config.vendor).empty_state(config)
    return World(config=config, state=state, log=Map() if keep_events else None)


def keeping_events(world: World[S], keep_events: bool) -> World[S]:
    """``world``, keeping the events from now on (or not)."""
    if keep_events == world.keeps_events:
        return world
    return replace(world, log=Map() if keep_events else None)
