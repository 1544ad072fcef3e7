"""Segment as a vendor profile: the reducer's ``decide``/``evolve`` behind the protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import structs

from identity_model.billing.pricing import Bill
from identity_model.events import Event
from identity_model.operations import Config, Operation
from identity_model.outcome import StepRecord
from identity_model.vendor import Decision, MonthlyUsage, PriceInput, ProfileBase
from identity_model.vendors.segment import reducer
from identity_model.vendors.segment.calls import SegmentCall
from identity_model.vendors.segment.config import VENDOR, SegmentConfig, parse_config
from identity_model.vendors.segment.pricing import (
    BOOK,
    OVER_FREE_LIMIT,
    load_segment_book,
    price_segment_months,
)
from identity_model.vendors.segment.reducer import SegmentFacts, SegmentState
from identity_model.vendors.segment.report import report_parts

PRICE_INPUTS = (
    PriceInput(name="mtu", kind="meter", meter="mtu", help="amplitude, segment: unique MTUs"),
    PriceInput(
        name="plan",
        kind="choice",
        choices=("free", "team"),
        default="team",
        help="segment: free or team (default)",
    ),
)


class Segment(ProfileBase[SegmentState, SegmentFacts]):
    """analytics.js and HTTP API calls, Unify profiles, MTUs and API calls (SEG rules).

    Priced through ``bill``: MTUs on the book ``segment-team-3p-lago`` (``vendors.segment.
    pricing``: Free, or Team with the third-party overage schedule, D-PRV-2)."""

    name = VENDOR
    price_book = BOOK
    price_inputs = PRICE_INPUTS

    def bill(
        self, usage: MonthlyUsage, options: Mapping[str, Any], config: Config | None = None
    ) -> dict[str, Bill]:
        plan = str(options.get("plan", "team"))
        bills = price_segment_months(usage, load_segment_book(), plan)
        return {
            month: Bill(
                invoice=bill.invoice,
                terms=f"plan {plan}",
                unit="MTUs",
                line_units={line.name: "month" for line in bill.invoice.lines[:1]},
                flags=tuple(
                    (flag, "over the free plan's 1,000 MTUs (never charged; flagged)")
                    for flag in bill.flags
                ),
                extra={
                    "vendor": VENDOR,
                    "plan": plan,
                    "over_free_limit": OVER_FREE_LIMIT in bill.flags,
                },
            )
            for month, bill in bills.items()
        }

    def parse_config(self, raw: Mapping[str, Any]) -> SegmentConfig:
        return parse_config(raw)

    def empty_state(self, config: Config) -> SegmentState:
        if not isinstance(config, SegmentConfig):
            raise TypeError(f"not a Segment config: {config!r}")
        return SegmentState(config=config)

    def decide(self, state: SegmentState, op: Operation) -> Decision[SegmentFacts]:
        step, facts = reducer.decide(state, op)
        if facts is None:
            return Decision(step=step)
        if facts.call is not None:
            step = structs.replace(step, event=facts.call)
        return Decision(step=step, facts=facts)

    def evolve(self, state: SegmentState, decision: Decision[SegmentFacts]) -> SegmentState:
        return state if decision.facts is None else reducer.evolve(state, decision.facts)

    def report(self, state: SegmentState, records: Sequence[StepRecord]) -> dict[str, Any]:
        calls = [
            (index, record.event)
            for index, record in enumerate(records)
            if isinstance(record.event, SegmentCall)
        ]
        return report_parts(state, calls)

    def usage(self, state: SegmentState) -> MonthlyUsage:
        return {
            month: {
                "anonymous_events": meter.anonymous_events,
                "identified_events": meter.identified_events,
                "mtu": meter.mtu,
                "api_calls": meter.api_calls,
            }
            for month, meter in sorted(state.months.items())
        }

    def person_label(self, state: SegmentState, event: Event) -> str:
        if not isinstance(event, SegmentCall) or event.profile is None:
            return "-"
        return f"P{state.profiles.root(event.profile)}"
