"""The immutable world: the person graph, group properties, the event log and usage.

``World`` values never change. ``WorldBuilder`` batches the changes of one or many operations
with persistent-map mutation builders and ``finish`` returns the next ``World``; the world it
started from stays valid and unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from immutables import Map

from identity_model.customerio import EMPTY_CIO, CioState
from identity_model.device import Device
from identity_model.events import NO_USAGE, BillingKind, ProcessedEvent, Usage
from identity_model.jsontypes import Json
from identity_model.operations import Config
from identity_model.persons import GraphBuilder, Person, PersonGraph, PersonKey
from identity_model.python_sdk import PyDevice

GroupKey = tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    """Everything the model knows after some operations. Compare worlds with ``==``."""

    config: Config = field(default_factory=Config)
    graph: PersonGraph = field(default_factory=PersonGraph)
    devices: Map[str, Device] = field(default_factory=Map)
    python_devices: Map[str, PyDevice] = field(default_factory=Map)  # client: python
    customerio: CioState = EMPTY_CIO
    groups: Map[GroupKey, Map[str, Json]] = field(default_factory=Map)
    events: Map[int, ProcessedEvent] = field(default_factory=Map)
    usage: Usage = NO_USAGE  # per month: pricing.monthly_usage derives it from the event log

    @property
    def event_count(self) -> int:
        return len(self.events)

    def event_log(self) -> list[ProcessedEvent]:
        """Every processed event, in processing order."""
        return [self.events[seq] for seq in range(len(self.events))]

    def person_of(self, distinct_id: str) -> Person | None:
        return self.graph.person_of(distinct_id)

    def person_key_of(self, distinct_id: str) -> PersonKey | None:
        return self.graph.key_of(distinct_id)

    def device(self, name: str) -> Device | None:
        """A device that some call has changed; ``None`` while it is in its initial state."""
        return self.devices.get(name)


EMPTY = World()


def empty_world(config: Config | None = None) -> World:
    """A world with nothing in it yet, under ``config`` (the script's config line)."""
    return EMPTY if config is None or config == EMPTY.config else World(config=config)


class WorldBuilder:
    """Mutable, single-threaded builder over a ``World``.

    Reducers read and write through it; nothing they write is visible in any ``World`` until
    ``finish``. A rejected operation must write nothing (reducers validate before writing).
    """

    __slots__ = (
        "_base_usage",
        "_counts",
        "_devices",
        "_events",
        "_groups",
        "_python_devices",
        "cio",
        "config",
        "graph",
    )

    def __init__(self, world: World) -> None:
        self.config = world.config
        self.graph = GraphBuilder(world.graph)
        self._load(world)

    def _load(self, world: World) -> None:
        self.cio = world.customerio
        self._devices = world.devices.mutate()
        self._python_devices = world.python_devices.mutate()
        self._groups = world.groups.mutate()
        self._events = world.events.mutate()
        self._base_usage = world.usage
        self._counts = [0, 0]  # [anonymous, identified] billed since the last finish

    def finish(self) -> World:
        anonymous, identified = self._counts
        usage = self._base_usage
        world = World(
            config=self.config,
            graph=self.graph.finish(),
            devices=self._devices.finish(),
            python_devices=self._python_devices.finish(),
            customerio=self.cio,
            groups=self._groups.finish(),
            events=self._events.finish(),
            usage=Usage(
                anonymous_events=usage.anonymous_events + anonymous,
                identified_events=usage.identified_events + identified,
            ),
        )
        self._load(world)
        return world

    @property
    def next_seq(self) -> int:
        return len(self._events)

    def record(self, event: ProcessedEvent) -> None:
        """Append a stored event to the log and count it on its meter."""
        assert event.seq == len(self._events), "events are recorded in sequence"
        self._events[event.seq] = event
        kind = event.billed_as
        if kind is not None:
            self._counts[kind is BillingKind.IDENTIFIED] += 1

    def device(self, name: str) -> Device | None:
        return self._devices.get(name)

    def put_device(self, device: Device) -> None:
        self._devices[device.name] = device

    def python_device(self, name: str) -> PyDevice:
        """A Python device (a new one before its first call)."""
        found = self._python_devices.get(name)
        return found if found is not None else PyDevice(name=name)

    def put_python_device(self, device: PyDevice) -> None:
        self._python_devices[device.name] = device

    def group(self, key: GroupKey) -> Map[str, Json]:
        return self._groups.get(key, Map())

    def put_group(self, key: GroupKey, properties: Map[str, Json]) -> None:
        self._groups[key] = properties
