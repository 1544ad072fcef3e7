"""The reducers: ``apply(world, op) -> Outcome`` and its fold ``replay(ops, world)``.

Both are pure: no I/O, no clock, no randomness; time and ids come in with the operations.
``apply`` is the vendor's ``decide``, then ``evolve`` only when the step is applied: a
rejected or ignored operation returns the very same world, unless its decision carries
bookkeeping (see ``Decision``; then ``Outcome.bookkeeping`` says so). ``Session`` is the batch form
(the vendor's ``batch``: one persistent-map builder for many operations), used by ``replay``
and the command line; its worlds equal the fold of ``apply``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from identity_model.errors import Code, IdentityError
from identity_model.events import Event
from identity_model.operations import NEUTRAL_OPERATIONS, Operation, VendorOperation
from identity_model.outcome import Outcome, Status, Step
from identity_model.world import World, empty_world, keeping_events

# --- library misuse (issue #17): a typed error, never an AttributeError from deep inside ---
_NEUTRAL_TYPES = frozenset(NEUTRAL_OPERATIONS.values())
_OPERATION_BASES = (*NEUTRAL_OPERATIONS.values(), VendorOperation)  # subclasses too


def _check_operation(op: object) -> None:
    if type(op) not in _NEUTRAL_TYPES and not isinstance(op, _OPERATION_BASES):
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"not an operation: {type(op).__name__} (build one of "
            f"{', '.join(sorted(cls.__name__ for cls in _NEUTRAL_TYPES))} or a vendor's own)",
        )


def _check_world(world: object) -> None:
    if not isinstance(world, World):
        raise IdentityError(
            Code.INVALID_OPERATION, f"not a World: {type(world).__name__} (start from EMPTY)"
        )


# --- end of the misuse checks ---


def apply(world: World[Any], op: Operation) -> Outcome:
    """One operation: ``(world, op) -> (new world, outcome)``. ``world`` is never changed."""
    _check_world(world)
    _check_operation(op)
    profile = world.profile
    decision = profile.decide(world.state, op)
    step = decision.step
    if step.status is not Status.APPLIED and not decision.bookkeeping:
        return Outcome(world=world, step=step)
    state = profile.evolve(world.state, decision)
    if decision.bookkeeping:
        return Outcome(
            world=World(config=world.config, state=state, log=world.log),
            step=step,
            bookkeeping=True,
        )
    log = world.log
    if log is not None and step.event is not None and step.event.stored:
        log = log.set(len(log), step.event)
    return Outcome(world=World(config=world.config, state=state, log=log), step=step)


class Session:
    """Applies many operations to one batch; ``world`` is the world after the last one.

    Not thread-safe. The worlds it hands out are immutable snapshots and stay valid.
    """

    __slots__ = ("_batch", "_changed", "_log", "_world", "profile")

    def __init__(self, world: World[Any] | None = None) -> None:
        world = empty_world() if world is None else world
        _check_world(world)
        self._world = world
        self.profile = world.profile
        self._batch = self.profile.batch(world.state)
        self._log = None if world.log is None else world.log.mutate()
        self._changed = False

    def apply(self, op: Operation) -> Step:
        if type(op) not in _NEUTRAL_TYPES:  # (the check, inline for the common operation)
            _check_operation(op)
        step = self._batch.apply(op)
        # A rejected or ignored step may still have written bookkeeping (see ``Decision``).
        self._changed = True
        if step.status is Status.APPLIED:
            event = step.event
            if self._log is not None and event is not None and event.stored:
                self._log[len(self._log)] = event
        return step

    def trusted_apply(self) -> Callable[[Operation], Step]:
        """``apply`` for operations a script reader made (valid by construction), with one
        call less per operation when no event log is kept: the batch's own ``apply`` (the
        summary's hot loop, #10). The session counts as changed from now on."""
        self._changed = True
        if self._log is not None:
            return self.apply
        return self._batch.apply

    def person_label(self, event: Event) -> str:
        """The vendor's ``person_label`` of ``event`` now, read from the batch: no world is
        made (``world`` would snapshot the state at every step)."""
        return self._batch.person_label(event)

    @property
    def world(self) -> World[Any]:
        if self._changed:
            log = None
            if self._log is not None:
                log = self._log.finish()
                self._log = log.mutate()
            self._world = World(config=self._world.config, state=self._batch.finish(), log=log)
            self._changed = False
        return self._world


def replay(
    ops: Iterable[Operation], world: World[Any] | None = None, *, keep_events: bool = False
) -> World[Any]:
    """The left fold of ``apply`` over ``ops``: ``replay(xs + ys) == replay(ys, replay(xs))``.

    ``keep_events``: the world keeps the stored events (``World.event_log``); otherwise they
    flow out in the steps only (use a ``Session`` to see them)."""
    start = empty_world() if world is None else world
    session = Session(keeping_events(start, True) if keep_events else start)
    for op in ops:
        session.apply(op)
    return session.world
