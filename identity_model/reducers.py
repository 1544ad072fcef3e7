"""The reducers: ``apply(world, op) -> Outcome`` and its fold ``replay(ops, world)``.

Both are pure: no I/O, no clock, no randomness; time and ids come in with the operations.
``Session`` is the batch form (one persistent-map builder for many operations), used by
``replay`` and the command line; ``apply`` is exactly a one-operation session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import assert_never

from identity_model.client import apply_client
from identity_model.customerio import apply_customerio
from identity_model.errors import Code
from identity_model.events import ProcessedEvent
from identity_model.ingestion import ingest
from identity_model.operations import (
    Advance,
    Alias,
    Capture,
    CioIdentify,
    ClientFlavour,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Operation,
    Reset,
    SetPersonProperties,
    Track,
    Vendor,
    op_name,
)
from identity_model.outcome import Status, Step, rejected
from identity_model.persons import PersonKey
from identity_model.python_client import apply_python
from identity_model.python_sdk import (
    EndContext,
    IdentifyContext,
    NewContext,
    PyAlias,
    PyCapture,
    PyGroupIdentify,
    PySet,
    Tag,
)
from identity_model.world import EMPTY, World, WorldBuilder


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """The new world and what the operation did. ``world`` is the old one unless applied."""

    world: World
    step: Step

    @property
    def status(self) -> Status:
        return self.step.status

    @property
    def codes(self) -> tuple[Code, ...]:
        return self.step.codes

    @property
    def event(self) -> ProcessedEvent | None:
        return self.step.event

    @property
    def rules(self) -> tuple[str, ...]:
        return self.step.rules


def _dispatch(builder: WorldBuilder, op: Operation) -> Step:
    match op:
        case Ingest():
            if builder.config.vendor is not Vendor.POSTHOG:
                return _wrong_vendor(builder, op)
            return ingest(builder, op)
        case (
            Capture()
            | Identify()
            | Alias()
            | Reset()
            | Group()
            | SetPersonProperties()
            | CreatePersonProfile()
        ):
            if builder.config.vendor is not Vendor.POSTHOG:
                return _wrong_vendor(builder, op)
            if builder.config.client is ClientFlavour.PYTHON:
                return rejected(
                    Code.INVALID_OPERATION,
                    f"{op_name(op)} is not an operation of the python client",
                )
            return apply_client(builder, op)
        case (
            PyCapture()
            | PySet()
            | PyAlias()
            | PyGroupIdentify()
            | NewContext()
            | EndContext()
            | IdentifyContext()
            | Tag()
        ):
            if builder.config.vendor is not Vendor.POSTHOG:
                return _wrong_vendor(builder, op)
            if builder.config.client is not ClientFlavour.PYTHON:
                return rejected(
                    Code.INVALID_OPERATION,
                    f"{op_name(op)} is an operation of the python client only",
                )
            return apply_python(builder, op)
        case Track() | CioIdentify() | Advance():
            if builder.config.vendor is not Vendor.CUSTOMERIO:
                return _wrong_vendor(builder, op)
            builder.cio, step = apply_customerio(builder.cio, op)
            return step
        case _:
            assert_never(op)


def _wrong_vendor(builder: WorldBuilder, op: Operation) -> Step:
    return rejected(
        Code.INVALID_OPERATION,
        f"{op_name(op)} is not an operation of vendor {builder.config.vendor.value!r}",
    )


class Session:
    """Applies many operations to one builder; ``world`` is the state after the last one.

    Not thread-safe. The worlds it hands out are immutable snapshots and stay valid.
    """

    __slots__ = ("_builder", "_changed", "_world")

    def __init__(self, world: World = EMPTY) -> None:
        self._world = world
        self._builder = WorldBuilder(world)
        self._changed = False

    def apply(self, op: Operation) -> Step:
        step = _dispatch(self._builder, op)
        if step.status is Status.APPLIED or not isinstance(op, Ingest):
            # An SDK call that is not applied may still do bookkeeping: fix a new device's
            # anonymous id (CL-01) or spend a Python generated id (PY-12).
            self._changed = True
        return step

    def person_key_of(self, distinct_id: str) -> PersonKey | None:
        """Who ``distinct_id`` belongs to right now (cheap: no snapshot is taken)."""
        return self._builder.graph.key_of(distinct_id)

    @property
    def world(self) -> World:
        if self._changed:
            self._world = self._builder.finish()
            self._changed = False
        return self._world


def apply(world: World, op: Operation) -> Outcome:
    """One operation: ``(world, op) -> (new world, outcome)``. ``world`` is never changed."""
    session = Session(world)
    step = session.apply(op)
    return Outcome(world=session.world, step=step)


def replay(ops: Iterable[Operation], world: World = EMPTY) -> World:
    """The left fold of ``apply`` over ``ops``: ``replay(xs + ys) == replay(ys, replay(xs))``."""
    session = Session(world)
    for op in ops:
        session.apply(op)
    return session.world
