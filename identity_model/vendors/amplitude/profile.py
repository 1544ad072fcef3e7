"""Amplitude as a vendor profile (issue #14): the Browser SDK 2 and HTTP V2 reading of the
vendor-neutral operations over ``AmplitudeState``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from identity_model.billing.amplitude import BOOK, AmplitudeBill, AmplitudePlan, price_month
from identity_model.billing.pricing import Bill
from identity_model.errors import Code, IdentityError
from identity_model.events import Event
from identity_model.identities import neutral_identity_keys
from identity_model.io.books import load_amplitude_book
from identity_model.operations import Config, Operation
from identity_model.outcome import StepRecord
from identity_model.vendor import Decision, MonthlyUsage, PriceInput, ProfileBase
from identity_model.vendors.amplitude import report as views
from identity_model.vendors.amplitude.config import parse_config
from identity_model.vendors.amplitude.reducer import Facts, decide, evolve
from identity_model.vendors.amplitude.state import (
    VENDOR_NAME,
    AmplitudeConfig,
    AmplitudeEvent,
    AmplitudeState,
)
from identity_model.vendors.amplitude.usage import meters

PRICE_INPUTS = (
    PriceInput(name="mtu", kind="meter", meter="mtu", help="amplitude, segment: unique MTUs"),
    PriceInput(name="events", kind="meter", meter="events", help="amplitude: billable events"),
    PriceInput(
        name="plan",
        kind="choice",
        choices=tuple(plan.value for plan in AmplitudePlan),
        default=AmplitudePlan.STARTER.value,
        help="amplitude: starter (default) or plus",
    ),
    PriceInput(name="unit_price", kind="decimal", help="amplitude plus: your price per MTU"),
    PriceInput(name="purchased_mtus", kind="count", help="amplitude plus: MTUs bought"),
)


def _bill(bill: AmplitudeBill, events: int) -> Bill:
    flags = (
        (("over_free_limit", "over the free plan's MTUs (never charged; flagged)"),)
        if bill.over_free_limit
        else ()
    )
    return Bill(
        invoice=bill.invoice,
        terms=f"plan {bill.plan.value}",
        unit="MTUs",
        notes=(
            f"MTUs {bill.unique_mtu:,} unique + {bill.synthetic_mtu:,} synthetic "
            f"(for {events:,} events) = {bill.total_mtu:,}",
        ),
        flags=flags,
        extra={
            "vendor": VENDOR_NAME,
            "plan": bill.plan.value,
            "unique_mtu": bill.unique_mtu,
            "synthetic_mtu": bill.synthetic_mtu,
            "over_free_limit": bill.over_free_limit,
        },
    )


# AMP-13 counts an event in the month of the latest event so far, across all users: a clock
# shared by every identity (order-dependent, not a sum), so a partitioned replay keeps all of
# Amplitude's operations in one component (docs/scale.md).
SHARED_CLOCK = "amplitude\x00ingestion-clock"


class Amplitude(ProfileBase[AmplitudeState, Facts]):
    """Priced through ``bill``: MTUs and events on the ``amplitude-2026`` book
    (``billing.amplitude``: Starter, or Plus at the customer's own price)."""

    def identity_keys(self, op: Operation) -> tuple[str, ...]:
        return (SHARED_CLOCK, *neutral_identity_keys(op))

    name = VENDOR_NAME
    price_book = BOOK
    price_inputs = PRICE_INPUTS

    def bill(
        self, usage: MonthlyUsage, options: Mapping[str, Any], config: Config | None = None
    ) -> dict[str, Bill]:
        plan = str(options.get("plan", AmplitudePlan.STARTER.value))
        if plan not in {item.value for item in AmplitudePlan}:
            raise IdentityError(
                Code.INVALID_OPERATION, f"amplitude has the plans starter and plus, not {plan!r}"
            )
        book = load_amplitude_book()
        return {
            month: _bill(
                price_month(
                    meters.get("mtu", 0),
                    meters.get("events", 0),
                    book,
                    AmplitudePlan(plan),
                    unit_price=options.get("unit_price"),
                    purchased_mtus=options.get("purchased_mtus"),
                ),
                meters.get("events", 0),
            )
            for month, meters in usage.items()
        }

    def parse_config(self, raw: Mapping[str, Any]) -> AmplitudeConfig:
        return parse_config(raw)

    def empty_state(self, config: Config) -> AmplitudeState:
        if not isinstance(config, AmplitudeConfig):
            raise TypeError(f"not an Amplitude config: {config!r}")
        return AmplitudeState(config=config)

    def decide(self, state: AmplitudeState, op: Operation) -> Decision[Facts]:
        return decide(state, op)

    def evolve(self, state: AmplitudeState, decision: Decision[Facts]) -> AmplitudeState:
        return evolve(state, decision)

    def report(self, state: AmplitudeState, records: Sequence[StepRecord]) -> dict[str, Any]:
        return views.report(state, records)

    def usage(self, state: AmplitudeState) -> MonthlyUsage:
        return meters(state)

    def summary(self, state: AmplitudeState) -> Mapping[str, int]:
        return views.summary(state)

    def person_label(self, state: AmplitudeState, event: Event) -> str:
        if not isinstance(event, AmplitudeEvent):
            return "-"
        return views.person_label(state, event)

    def describe(self, state: AmplitudeState) -> list[str]:
        return views.describe(state)
