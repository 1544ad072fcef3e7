"""The calls Segment receives: one per analytics.js call or HTTP API message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from identity_model.events import BillingKind


class CallType(StrEnum):
    TRACK = "track"
    IDENTIFY = "identify"
    GROUP = "group"
    ALIAS = "alias"


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentCall:
    """One call as it reaches the API: its ids, the email trait it carries (identify only),
    and the Unify profile it resolved to when processed (``None``: none, or Unify is off)."""

    type: CallType
    name: str | None  # a track's event name
    user_id: str | None
    anonymous_id: str | None
    email: str | None
    timestamp: datetime
    profile: int | None = None

    @property
    def event(self) -> str:
        return self.name if self.name is not None else self.type.value

    @property
    def distinct_id(self) -> str:
        found = self.user_id or self.anonymous_id
        assert found is not None, "a call carries a userId or an anonymousId (D-SEG-6)"
        return found

    @property
    def billed_as(self) -> BillingKind:
        return BillingKind.IDENTIFIED if self.user_id else BillingKind.ANONYMOUS

    @property
    def stored(self) -> bool:
        return True
