"""Laws of pricing and eligibility (issue: pricing and insight eligibility)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from identity_model import BillingKind, Usage
from identity_model.billing.eligibility import CAPABILITIES, Feature, eligibility, lifecycle_events
from identity_model.billing.pricing import InvoiceModel, monthly_usage, price
from identity_model.io.books import load_price_book
from identity_model.io.report import run_objects
from identity_model_spec.strategies import mixed_scripts

BOOK = load_price_book()
BOUNDARIES = sorted(
    {t.up_to + d for t in BOOK.base if t.up_to is not None for d in (-1, 0, 1)} | {0, 1}
)
# Monthly volumes on a log scale (plain integers would stay near zero), and every tier
# boundary of the book with its neighbours.
COUNTS = st.one_of(
    st.integers(0, 9).flatmap(lambda digits: st.integers(0, 10**digits)),
    st.sampled_from(BOUNDARIES),
    st.integers(0, 600_000_000),
)
MODELS = st.sampled_from(list(InvoiceModel))


def invoice(anonymous: int, identified: int, model: InvoiceModel) -> Any:
    return price(Usage(anonymous_events=anonymous, identified_events=identified), BOOK, model)


@given(COUNTS, COUNTS, st.integers(0, 50_000_000), MODELS)
def test_price_is_monotone_in_each_count(
    anonymous: int, identified: int, more: int, model: InvoiceModel
) -> None:
    base = invoice(anonymous, identified, model)
    assert invoice(anonymous + more, identified, model).total >= base.total
    assert invoice(anonymous, identified + more, model).total >= base.total
    assert invoice(anonymous + more, identified, model).exact_total >= base.exact_total


@given(COUNTS, COUNTS, MODELS)
def test_no_line_or_tier_is_ever_negative(
    anonymous: int, identified: int, model: InvoiceModel
) -> None:
    for line in invoice(anonymous, identified, model).lines:
        assert line.amount >= 0
        assert line.exact >= 0
        assert all(charge.amount >= 0 and charge.quantity >= 0 for charge in line.tiers)
        assert sum(charge.quantity for charge in line.tiers) == line.quantity


@given(COUNTS)
def test_models_agree_before_rounding_when_only_one_kind_is_sent(count: int) -> None:
    for anonymous, identified in ((count, 0), (0, count)):
        a = invoice(anonymous, identified, InvoiceModel.BASE_PLUS_ADDON)
        b = invoice(anonymous, identified, InvoiceModel.DOCS_SPLIT)
        assert a.exact_total == b.exact_total


@given(COUNTS, COUNTS, MODELS, st.booleans())
def test_one_more_event_never_costs_more_than_the_highest_rate(
    anonymous: int, identified: int, model: InvoiceModel, identified_event: bool
) -> None:
    before = invoice(anonymous, identified, model).exact_total
    after = invoice(
        anonymous + (not identified_event), identified + identified_event, model
    ).exact_total
    assert Decimal(0) <= after - before <= BOOK.highest_unit_price


def dated(script: list[dict[str, Any]], month: str) -> list[dict[str, Any]]:
    """The script's operations (config dropped), one a second from the 1st of ``month``."""
    lines = [line for line in script if "config" not in line]
    return [
        {**line, "timestamp": f"2026-{month}-01T00:{n // 60:02d}:{n % 60:02d}Z"}
        for n, line in enumerate(lines)
    ]


@given(mixed_scripts(), mixed_scripts())
def test_months_are_priced_independently(
    january: list[dict[str, Any]], february: list[dict[str, Any]]
) -> None:
    """February's events change nothing about January's usage or invoice, and vice versa."""
    jan, feb = dated(january, "01"), dated(february, "02")
    alone = monthly_usage(run_objects(jan).world).get("2026-01")
    together = monthly_usage(run_objects(jan + feb).world)
    assert together.get("2026-01") == alone
    if alone is not None:
        assert price(together["2026-01"], BOOK).total == price(alone, BOOK).total


@given(mixed_scripts())
def test_eligibility_never_lets_anonymous_events_feed_person_features(
    script: list[dict[str, Any]],
) -> None:
    world = run_objects(script, keep_events=True).world
    person_only = [
        feature for feature, capability in CAPABILITIES.items() if not capability.anonymous
    ]
    for event in world.event_log():
        if event.billed_as is BillingKind.ANONYMOUS:
            assert not any(eligibility(world, event, feature).allowed for feature in person_only)
    assert all(event.processed_as is BillingKind.IDENTIFIED for event in lifecycle_events(world))
    assert Feature.LIFECYCLE in person_only
