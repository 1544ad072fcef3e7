"""What one operation did: its status, codes, the events it sent and the rules that decided."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from identity_model.errors import Code
from identity_model.vendors.posthog.events import ProcessedEvent


class Status(StrEnum):
    """Format §2: ``applied`` changed the state or sent an event; ``ignored`` is a documented
    no-op; ``rejected`` is bad input and the state is exactly as before."""

    APPLIED = "applied"
    IGNORED = "ignored"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """The outcome of one operation, without the world (see ``Outcome`` for that)."""

    status: Status
    codes: tuple[Code, ...] = ()
    event: ProcessedEvent | None = None  # format §2: an operation sends at most one event
    rules: tuple[str, ...] = ()
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


@dataclass(frozen=True, slots=True, kw_only=True)
class StepRecord(Step):
    """One script line's step: where it was, which op, and what it did."""

    line: int
    op: str | None


def rejected(code: Code, message: str, *rules: str) -> Step:
    return Step(status=Status.REJECTED, codes=(code,), rules=rules, message=message)


def ignored(message: str, *rules: str, code: Code | None = None) -> Step:
    return Step(
        status=Status.IGNORED,
        codes=() if code is None else (code,),
        rules=rules,
        message=message,
    )
