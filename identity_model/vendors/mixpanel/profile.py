"""Mixpanel as a vendor profile over ``MixpanelState`` (the neutral operations only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from identity_model.billing.mixpanel import BOOK, MixpanelBill, price_months
from identity_model.billing.pricing import Bill
from identity_model.events import Event
from identity_model.identities import neutral_identity_keys
from identity_model.io.books import load_mixpanel_book
from identity_model.operations import Config, Operation
from identity_model.outcome import StepRecord
from identity_model.vendor import MonthlyUsage, PriceInput, ProfileBase
from identity_model.vendors.mixpanel import reducer
from identity_model.vendors.mixpanel import report as views
from identity_model.vendors.mixpanel.config import NAME, MixpanelConfig, parse_config
from identity_model.vendors.mixpanel.reducer import Facts, Verdict
from identity_model.vendors.mixpanel.state import MixpanelState, empty_state

PRICE_INPUTS = (
    PriceInput(
        name="events",
        kind="meter",
        meter="billable_events",
        help="mixpanel: billable events (MIX-19)",
    ),
    PriceInput(
        name="plan",
        kind="choice",
        choices=("free", "growth", "mtu"),
        default="growth",
        help="mixpanel: free, growth (default) or mtu (sales-quoted: refused)",
    ),
    PriceInput(
        name="addon",
        kind="choices",
        choices=("data_pipelines", "group_analytics"),
        help="mixpanel: an add-on bought on growth (repeatable)",
    ),
)


def _bill(bill: MixpanelBill, addons: tuple[str, ...]) -> Bill:
    flags = (
        (("over_free_limit", "over the free plan's 1M events (never charged; flagged)"),)
        if bill.over_free_limit
        else ()
    )
    return Bill(
        invoice=bill.invoice,
        terms=f"plan {bill.plan}" + "".join(f" + {addon}" for addon in sorted(set(addons))),
        flags=flags,
        extra={
            "vendor": NAME,
            "plan": bill.plan,
            "addons": sorted(set(addons)),
            "over_free_limit": bill.over_free_limit,
        },
    )


# D-MIX-9 counts an event in the month of the script clock (the latest timestamp so far, across
# all users): a clock shared by every identity (order-dependent, not a sum), so a partitioned
# replay keeps all of Mixpanel's operations in one component, as Amplitude's (docs/scale.md).
SHARED_CLOCK = "mixpanel\x00script-clock"


class Mixpanel(ProfileBase[MixpanelState, Facts]):
    """Priced through ``bill``: billable events on the book ``mixpanel-events-2026``
    (``billing.mixpanel``: Free, Growth and its add-ons; the MTU plan is sales-quoted)."""

    def identity_keys(self, op: Operation) -> tuple[str, ...]:
        return (SHARED_CLOCK, *neutral_identity_keys(op))

    name = NAME
    price_book = BOOK
    price_inputs = PRICE_INPUTS

    def bill(
        self, usage: MonthlyUsage, options: Mapping[str, Any], config: Config | None = None
    ) -> dict[str, Bill]:
        plan = str(options.get("plan", "growth"))
        addons = tuple(options.get("addon", ()))
        bills = price_months(usage, load_mixpanel_book(), plan, addons)
        return {month: _bill(bill, addons) for month, bill in bills.items()}

    def parse_config(self, raw: Mapping[str, Any]) -> MixpanelConfig:
        return parse_config(raw)

    def empty_state(self, config: Config) -> MixpanelState:
        return empty_state(config if isinstance(config, MixpanelConfig) else MixpanelConfig())

    def decide(self, state: MixpanelState, op: Operation) -> Verdict:
        return reducer.decide(state, op)

    def evolve(self, state: MixpanelState, decision: Verdict) -> MixpanelState:
        return reducer.evolve(state, decision)

    def report(self, state: MixpanelState, records: Sequence[StepRecord]) -> dict[str, Any]:
        return views.report(state, records)

    def usage(self, state: MixpanelState) -> MonthlyUsage:
        return views.monthly_usage(state)

    def person_label(self, state: MixpanelState, event: Event) -> str:
        key = state.person_key_of(event.distinct_id)
        return "-" if key is None else f"C{key}"
