"""MTUs and events per ingestion month (AMP-12, AMP-13, D-AMP-5).

An event counts in its ingestion month: the month of the latest event timestamp so far, its
own included (a backdated event counts in the month it arrives). A month closes when that
clock enters a later month; its MTU count is taken then, with the merges known then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from identity_model.events import month_of
from identity_model.vendors.amplitude.state import AmplitudeState, MonthTally

# AMP-12: identify calls, group identifies and experiment events add no MTU and no billable
# event (D-AMP-2; the experiment events "don't affect your billing", our reading).
NOT_BILLABLE: frozenset[str] = frozenset(
    {"$identify", "$groupidentify", "[Experiment] Exposure", "[Experiment] Assignment"}
)


def is_billable(event: str) -> bool:
    return event not in NOT_BILLABLE


@dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """Where an event falls: the clock after it, its ingestion month, and the month it closes
    (with that month's final MTU count), if any."""

    now: datetime
    month: str
    closes: tuple[str, int] | None = None


def mtu_of(state: AmplitudeState, tally: MonthTally) -> int:
    """Merged users with a billable event in the month, with the merges known now."""
    return len({state.root(amplitude_id) for amplitude_id in tally.amplitude_ids})


def clock_for(state: AmplitudeState, timestamp: datetime) -> Clock:
    """The ingestion month of an event with ``timestamp``."""
    previous = state.clock
    now = timestamp if previous is None or timestamp > previous else previous
    month = month_of(now)
    if previous is None or month_of(previous) == month:
        return Clock(now=now, month=month)
    # AMP-13: the previous month is final now; later merges never lower its count.
    old = month_of(previous)
    tally = state.months.get(old)
    closes = None if tally is None else (old, mtu_of(state, tally))
    return Clock(now=now, month=month, closes=closes)


def monthly(state: AmplitudeState) -> dict[str, dict[str, int]]:
    """``{"YYYY-MM": {"mtu": n, "events": m}}`` for every month with a billable event."""
    return {
        month: {
            "mtu": mtu_of(state, tally) if tally.closed_mtu is None else tally.closed_mtu,
            "events": tally.events,
        }
        for month, tally in sorted(state.months.items())
    }


def meters(state: AmplitudeState) -> dict[str, dict[str, int]]:
    """Every meter per month: ``anonymous_events``, ``identified_events``, ``mtu``, ``events``."""
    counts = monthly(state)
    return {
        month: {
            "anonymous_events": tally.anonymous_events,
            "identified_events": tally.identified_events,
            **counts[month],
        }
        for month, tally in sorted(state.months.items())
    }
