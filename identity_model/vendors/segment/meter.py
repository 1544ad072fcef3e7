"""The billing meters: MTUs and API calls per calendar month (UTC), counted from the calls
before Unify (SEG-13, SEG-14)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from immutables import Map

from identity_model.events import month_of
from identity_model.vendors.segment.calls import SegmentCall


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthMeter:
    """One month's calls: the userIds seen, the anonymousIds seen (value: seen on a call with a
    userId this month), the API calls and the calls by billing kind."""

    users: Map[str, bool] = field(default_factory=Map)
    anonymous: Map[str, bool] = field(default_factory=Map)
    api_calls: int = 0
    anonymous_events: int = 0
    identified_events: int = 0

    @property
    def mtu(self) -> int:
        # SEG-13: unique userIds + unique anonymousIds not associated with a userId (D-SEG-4).
        return len(self.users) + sum(1 for associated in self.anonymous.values() if not associated)

    def count(self, call: SegmentCall) -> MonthMeter:
        users, anonymous = self.users, self.anonymous
        if call.user_id:
            users = users.set(call.user_id, True)
        if call.anonymous_id:
            associated = bool(call.user_id) or anonymous.get(call.anonymous_id, False)
            anonymous = anonymous.set(call.anonymous_id, associated)
        identified = 1 if call.user_id else 0
        return replace(
            self,
            users=users,
            anonymous=anonymous,
            # SEG-14: every call is one API call.
            api_calls=self.api_calls + 1,
            anonymous_events=self.anonymous_events + 1 - identified,
            identified_events=self.identified_events + identified,
        )

    def as_json(self) -> dict[str, int]:
        return {"mtu": self.mtu, "api_calls": self.api_calls}


def count_call(months: Map[str, MonthMeter], call: SegmentCall) -> Map[str, MonthMeter]:
    month = month_of(call.timestamp)
    return months.set(month, months.get(month, MonthMeter()).count(call))
