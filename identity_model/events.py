"""What every vendor's processed events share: the meter they are billed on and their month
(PR-01, PR-06), and usage counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Protocol


class BillingKind(StrEnum):
    """The two meters of every vendor modelled so far; ``meter`` is the usage key."""

    ANONYMOUS = "anonymous"
    IDENTIFIED = "identified"

    @property
    def meter(self) -> str:
        return f"{self.value}_events"


ANONYMOUS_EVENTS = BillingKind.ANONYMOUS.meter
IDENTIFIED_EVENTS = BillingKind.IDENTIFIED.meter


class Event(Protocol):
    """A processed event as it flows out of the fold in a step (``Step.event``)."""

    @property
    def event(self) -> str: ...

    @property
    def distinct_id(self) -> str: ...

    @property
    def billed_as(self) -> BillingKind | None:
        """Its meter; ``None``: not billed."""
        ...

    @property
    def stored(self) -> bool:
        """Whether the vendor stored it (a dropped event is sent but not stored)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Usage:
    """Counts of billed events by kind."""

    anonymous_events: int = 0
    identified_events: int = 0

    @property
    def total_events(self) -> int:
        return self.anonymous_events + self.identified_events

    def plus(self, kind: BillingKind, count: int = 1) -> Usage:
        """``count`` more events billed as ``kind``."""
        if kind is BillingKind.ANONYMOUS:
            return Usage(
                anonymous_events=self.anonymous_events + count,
                identified_events=self.identified_events,
            )
        return Usage(
            anonymous_events=self.anonymous_events,
            identified_events=self.identified_events + count,
        )

    @classmethod
    def of(cls, meters: Mapping[str, int]) -> Usage:
        return cls(
            anonymous_events=meters.get(ANONYMOUS_EVENTS, 0),
            identified_events=meters.get(IDENTIFIED_EVENTS, 0),
        )

    def as_json(self) -> dict[str, int]:
        return {
            ANONYMOUS_EVENTS: self.anonymous_events,
            IDENTIFIED_EVENTS: self.identified_events,
        }


NO_USAGE = Usage()


def total_usage(by_month: Mapping[str, Mapping[str, int]]) -> Usage:
    """The sum of every month's meters."""
    anonymous = identified = 0
    for meters in by_month.values():
        anonymous += meters.get(ANONYMOUS_EVENTS, 0)
        identified += meters.get(IDENTIFIED_EVENTS, 0)
    return Usage(anonymous_events=anonymous, identified_events=identified)


def month_of(timestamp: datetime) -> str:
    """PR-06: the calendar month (UTC) an event counts in, as ``YYYY-MM``."""
    utc = timestamp if timestamp.tzinfo is UTC else timestamp.astimezone(UTC)
    return month_name(utc.year, utc.month)


@cache
def month_name(year: int, month: int) -> str:
    """``YYYY-MM`` (PR-06's name of a month)."""
    return f"{year:04d}-{month:02d}"
