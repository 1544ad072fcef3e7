"""Customer.io's state: people, anonymous-id assignments, events (kept: anonymous events wait
to be merged later), waiting anonymous events, merge activity and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from immutables import Map

from identity_model.jsontypes import Json


@dataclass(frozen=True, slots=True, kw_only=True)
class CioEvent:
    seq: int
    event: str
    anonymous_id: str | None
    user_id: str | None
    timestamp: datetime
    attached_when_processed: bool  # billed identified (attached to a person when processed)
    merged_into: str | None = None  # the person an anonymous event was merged into
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CioPerson:
    user_id: str
    attributes: Map[str, Json] = field(default_factory=Map)
    anonymous_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """An anonymous id given to a person by an identify; ``activity`` is its merge entry."""

    user_id: str
    assigned_at: datetime
    activity: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """CIO-09: one "Anonymous Data Merged" entry."""

    person: str
    anonymous_id: str
    count: int
    oldest: datetime
    made_at: int  # how many operations were applied before the one that made it


@dataclass(frozen=True, slots=True, kw_only=True)
class CioState:
    people: Map[str, CioPerson] = field(default_factory=Map)
    assignments: Map[str, Assignment] = field(default_factory=Map)
    events: Map[int, CioEvent] = field(default_factory=Map)
    waiting: Map[str, tuple[int, ...]] = field(default_factory=Map)  # unmerged anonymous events
    activity: Map[int, Activity] = field(default_factory=Map)
    clock: datetime | None = None  # the latest timestamp of any operation so far
    applied: int = 0  # operations applied so far (orders activity across partial replays)

    def event_log(self) -> list[CioEvent]:
        return [self.events[seq] for seq in range(len(self.events))]


EMPTY_CIO = CioState()
