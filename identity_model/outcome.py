"""What one operation did: its status, codes, the event it sent and the rules that decided;
with the world after it (``Outcome``) or the script line it came from (``StepRecord``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from identity_model.errors import Code
from identity_model.events import Event
from identity_model.rules import RuleId

if TYPE_CHECKING:
    from identity_model.world import World


class Status(StrEnum):
    """Format §2: ``applied`` changed the state or sent an event; ``ignored`` is a documented
    no-op; ``rejected`` is bad input and the state is exactly as before."""

    APPLIED = "applied"
    IGNORED = "ignored"
    REJECTED = "rejected"


class Step(Struct, frozen=True, kw_only=True, gc=False):
    """The outcome of one operation, without the world (see ``Outcome`` for that).

    A frozen, keyword-only ``msgspec.Struct`` like the other per-event values (one is made
    per operation: a Struct is built several times faster than a frozen dataclass; #10)."""

    status: Status
    codes: tuple[Code, ...] = ()
    event: Event | None = None  # format §2: an operation sends at most one event
    rules: tuple[RuleId, ...] = ()
    message: str = ""

    def then(self, later: Step) -> Step:
        """This step's codes and rules followed by those of the ingestion step it caused."""
        return Step(
            status=self.status,
            codes=self.codes + later.codes,
            event=self.event if later.event is None else later.event,
            rules=self.rules + later.rules,
            message=self.message or later.message,
        )


class StepRecord(Step, frozen=True, kw_only=True, gc=False):
    """One script line's step: where it was, which op, and what it did."""

    line: int
    op: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """The new world and what the operation did. ``world`` is the old one unless applied or
    ``bookkeeping`` (a rejected or ignored step that still wrote bookkeeping, see ``Decision``).
    """

    world: World[Any]
    step: Step
    bookkeeping: bool = False

    @property
    def status(self) -> Status:
        return self.step.status

    @property
    def codes(self) -> tuple[Code, ...]:
        return self.step.codes

    @property
    def event(self) -> Event | None:
        return self.step.event

    @property
    def rules(self) -> tuple[RuleId, ...]:
        return self.step.rules


def applied(codes: tuple[Code, ...], event: Event | None, rules: tuple[RuleId, ...]) -> Step:
    """``Step(status=APPLIED, codes=codes, event=event, rules=rules)`` (one per event)."""
    return Step(status=_APPLIED, codes=codes, event=event, rules=rules)


_APPLIED = Status.APPLIED


def rejected(code: Code, message: str, *rules: RuleId) -> Step:
    return Step(status=Status.REJECTED, codes=(code,), rules=rules, message=message)


def ignored(message: str, *rules: RuleId, code: Code | None = None) -> Step:
    return Step(
        status=Status.IGNORED,
        codes=() if code is None else (code,),
        rules=rules,
        message=message,
    )
