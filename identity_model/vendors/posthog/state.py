"""PostHog's state: persons and the id graph, devices, groups and usage per month and kind.

It keeps no event log: processed events flow out in the steps. ``Facts`` is what one decided
operation writes; ``StateBuilder`` writes facts into persistent-map builders (one operation
for ``evolve``, many for a batch) and ``finish`` returns the next ``PostHogState``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Protocol

from immutables import Map
from msgspec import Struct

from identity_model.events import NO_USAGE, BillingKind, Usage, month_name
from identity_model.jsontypes import Json
from identity_model.vendors.posthog.config import PostHogConfig
from identity_model.vendors.posthog.device import Device
from identity_model.vendors.posthog.events import ProcessedEvent
from identity_model.vendors.posthog.persons import (
    GraphBuilder,
    GraphView,
    Person,
    PersonGraph,
    PersonKey,
)
from identity_model.vendors.posthog.python_sdk import PyDevice

GroupKey = tuple[str, str]
GroupProperties = Map[str, Json]
NO_GROUP: GroupProperties = Map()


class Facts(Struct, frozen=True, kw_only=True, gc=False):
    """What one applied operation writes, in this order (a frozen ``msgspec.Struct``: one is
    made per event on the hot path)."""

    device: Device | None = None  # the device to remember
    python_device: PyDevice | None = None  # the Python device to remember (client: python)
    group: tuple[GroupKey, GroupProperties] | None = None  # a group's new properties
    owners: tuple[tuple[str, PersonKey], ...] = ()  # distinct ids given to a person
    redirect: tuple[PersonKey, PersonKey] | None = None  # a merged-away key -> the kept key
    person: tuple[PersonKey, Person] | None = None  # a person created or changed
    event: ProcessedEvent | None = None  # the stored event, counted on its meter


@dataclass(frozen=True, slots=True, kw_only=True)
class PostHogState:
    config: PostHogConfig
    graph: PersonGraph = field(default_factory=PersonGraph)
    devices: Map[str, Device] = field(default_factory=Map)
    python_devices: Map[str, PyDevice] = field(default_factory=Map)
    groups: Map[GroupKey, GroupProperties] = field(default_factory=Map)
    stored_events: int = 0  # events stored so far: the next stored event's seq
    usage: Map[str, Usage] = field(default_factory=Map)  # month -> billed events by kind

    def person_of(self, distinct_id: str) -> Person | None:
        return self.graph.person_of(distinct_id)

    def person_key_of(self, distinct_id: str) -> PersonKey | None:
        return self.graph.key_of(distinct_id)

    def device(self, name: str) -> Device | None:
        """A device that some call has changed; ``None`` while it is in its initial state."""
        return self.devices.get(name)

    def group(self, key: GroupKey) -> GroupProperties:
        return self.groups.get(key, NO_GROUP)

    def python_device(self, name: str) -> PyDevice | None:
        return self.python_devices.get(name)


class View(Protocol):
    """What the rules read: a ``PostHogState`` or a ``StateBuilder`` (same answers)."""

    @property
    def config(self) -> PostHogConfig: ...

    @property
    def graph(self) -> GraphView: ...

    @property
    def stored_events(self) -> int: ...

    def device(self, name: str) -> Device | None: ...

    def python_device(self, name: str) -> PyDevice | None: ...

    def group(self, key: GroupKey) -> GroupProperties: ...


class StateBuilder:
    """Mutable, single-threaded builder over a ``PostHogState``; nothing it writes is visible
    in any state until ``finish``."""

    __slots__ = (
        "_devices",
        "_groups",
        "_python_devices",
        "_usage",
        "config",
        "graph",
        "stored_events",
        "usage",
    )

    def __init__(self, state: PostHogState) -> None:
        self.config = state.config
        self.graph = GraphBuilder(state.graph)
        self._load(state)

    def _load(self, state: PostHogState) -> None:
        self._devices = state.devices.mutate()
        self._python_devices = state.python_devices.mutate()
        self._groups = state.groups.mutate()
        self.stored_events = state.stored_events
        self.usage = state.usage
        self._usage: dict[tuple[int, int, BillingKind], int] = {}  # billed since the last finish

    def device(self, name: str) -> Device | None:
        return self._devices.get(name)

    def python_device(self, name: str) -> PyDevice | None:
        return self._python_devices.get(name)

    def group(self, key: GroupKey) -> GroupProperties:
        return self._groups.get(key, NO_GROUP)

    def write(self, facts: Facts) -> None:
        device, group, person = facts.device, facts.group, facts.person
        if device is not None:
            self._devices[device.name] = device
        if facts.python_device is not None:
            self._python_devices[facts.python_device.name] = facts.python_device
        if group is not None:
            self._groups[group[0]] = group[1]
        if facts.owners or facts.redirect is not None or person is not None:
            graph = self.graph
            for distinct_id, key in facts.owners:
                graph.assign(distinct_id, key)
            if facts.redirect is not None:
                graph.redirect(*facts.redirect)
            if person is not None:
                graph.put(*person)
        event = facts.event
        if event is not None:
            self.stored_events += 1
            kind = event.billed_as
            if kind is not None:
                # Counted in its UTC month, as ``month_of`` says (named at ``finish``).
                time = event.timestamp
                if time.tzinfo is not UTC:
                    time = time.astimezone(UTC)
                meter = (time.year, time.month, kind)
                self._usage[meter] = self._usage.get(meter, 0) + 1

    def finish(self) -> PostHogState:
        usage = self.usage
        if self._usage:
            months = usage.mutate()
            for (year, month_number, kind), count in self._usage.items():
                month = month_name(year, month_number)
                months[month] = months.get(month, NO_USAGE).plus(kind, count)
            usage = months.finish()
        state = PostHogState(
            config=self.config,
            graph=self.graph.finish(),
            devices=self._devices.finish(),
            python_devices=self._python_devices.finish(),
            groups=self._groups.finish(),
            stored_events=self.stored_events,
            usage=usage,
        )
        self._load(state)
        return state
