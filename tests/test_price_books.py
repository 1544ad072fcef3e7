"""Price books as data (PR rules): what a valid book is, what each invalid one is told, and the
invoice's JSON form (format §5). Figures from the rule digest (PR-02, PR-04, PR-06, PR-07)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from identity_model import Bill, IdentityError, Usage
from identity_model.billing.pricing import (
    InvoiceModel,
    Tier,
    parse_price_book,
    price,
    price_months,
    usage_of,
)
from identity_model.io.books import load_price_book

BOOK: dict[str, Any] = {
    "name": "tiny",
    "effective_from": "2024-04-04",
    "currency": "USD",
    "base": [{"up_to": 10, "unit_price": "0"}, {"up_to": None, "unit_price": "0.5"}],
    "addon": [{"up_to": 10, "unit_price": "0"}, {"up_to": None, "unit_price": "1.25"}],
}


def with_(**changes: Any) -> dict[str, Any]:
    book = copy.deepcopy(BOOK)
    book.update(changes)
    return book


def test_a_minimal_book() -> None:
    book = parse_price_book(BOOK, "tiny.json")
    assert book.name == "tiny"
    assert book.effective_from == date(2024, 4, 4)
    assert book.currency == "USD"
    assert book.base == (
        Tier(up_to=10, unit_price=Decimal(0)),
        Tier(up_to=None, unit_price=Decimal("0.5")),
    )
    assert book.addon[1] == Tier(up_to=None, unit_price=Decimal("1.25"))
    assert (book.description, book.sources) == ("", ())
    described = parse_price_book(with_(description="d", sources=["s1", "s2"], checked="x"), "t")
    assert (described.description, described.sources) == ("d", ("s1", "s2"))


def test_edges_that_are_valid() -> None:
    one_open_tier = [{"up_to": None, "unit_price": "0.1"}]
    book = parse_price_book(with_(base=one_open_tier, addon=one_open_tier), "t")
    assert book.base == (Tier(up_to=None, unit_price=Decimal("0.1")),)
    first_at_one = [{"up_to": 1, "unit_price": "-0"}, {"up_to": None, "unit_price": "0"}]
    assert parse_price_book(with_(base=first_at_one, addon=first_at_one), "t").base[0].up_to == 1


def test_the_shipped_book_is_the_digest_table() -> None:
    """PR table: base and add-on unit prices per monthly volume."""
    book = load_price_book()
    tops = [1_000_000, 2_000_000, 15_000_000, 50_000_000, 100_000_000, 250_000_000, None]
    base = ["0", "0.00005", "0.0000343", "0.0000295", "0.0000218", "0.000015", "0.000009"]
    addon = ["0", "0.000198", "0.0000697", "0.000036", "0.0000146", "0.0000037", "0.000001"]
    assert book.base == tuple(
        Tier(up_to=t, unit_price=Decimal(p)) for t, p in zip(tops, base, strict=True)
    )
    assert book.addon == tuple(
        Tier(up_to=t, unit_price=Decimal(p)) for t, p in zip(tops, addon, strict=True)
    )
    assert book.effective_from == date(2024, 4, 4)
    assert book.highest_unit_price == Decimal("0.000248")


TIER = {"up_to": None, "unit_price": "0.5"}
INVALID = {
    "not-an-object": ([], "t"),
    "non-billable-list": (with_(non_billable_events=[]), "t"),
    "unknown-key": (with_(extra=1), "t"),
    **{f"missing-{key}": ({k: v for k, v in BOOK.items() if k != key}, "t") for key in BOOK},
    "bad-date": (with_(effective_from="2024-13-01"), "t"),
    "base-not-a-list": (with_(base={}), "t: base"),
    "base-empty": (with_(base=[]), "t: base"),
    "tier-not-an-object": (with_(base=[1, TIER]), "t: base[0]"),
    "tier-extra-key": (with_(base=[{"up_to": 10, "unit_price": "0", "x": 1}, TIER]), "t: base[0]"),
    "tier-without-price": (with_(base=[{"up_to": 10}, TIER]), "t: base[0]"),
    "open-tier-not-last": (with_(base=[TIER, TIER]), "t: base[0]"),
    "up-to-a-string": (with_(base=[{"up_to": "10", "unit_price": "0"}, TIER]), "t: base[0]"),
    "up-to-a-boolean": (with_(base=[{"up_to": True, "unit_price": "0"}, TIER]), "t: base[0]"),
    "up-to-zero": (with_(base=[{"up_to": 0, "unit_price": "0"}, TIER]), "t: base[0]"),
    "up-to-equal": (
        with_(base=[{"up_to": 10, "unit_price": "0"}, {"up_to": 10, "unit_price": "0"}, TIER]),
        "t: base[1]",
    ),
    "up-to-falls": (
        with_(base=[{"up_to": 10, "unit_price": "0"}, {"up_to": 5, "unit_price": "0"}, TIER]),
        "t: base[1]",
    ),
    "last-tier-closed": (with_(base=[{"up_to": 10, "unit_price": "0"}]), "t: base[0]"),
    "price-a-number": (
        with_(addon=[{"up_to": 10, "unit_price": 0}, TIER]),
        "t: addon[0].unit_price",
    ),
    "price-not-decimal": (
        with_(addon=[{"up_to": 10, "unit_price": "a"}, TIER]),
        "t: addon[0].unit_price",
    ),
    "price-negative": (
        with_(addon=[{"up_to": 10, "unit_price": "-0.1"}, TIER]),
        "t: addon[0].unit_price",
    ),
    "price-nan": (
        with_(addon=[{"up_to": 10, "unit_price": "NaN"}, TIER]),
        "t: addon[0].unit_price",
    ),
    "price-infinite": (
        with_(addon=[{"up_to": 10, "unit_price": "Infinity"}, TIER]),
        "t: addon[0].unit_price",
    ),
    "boundaries-differ": (with_(addon=[{"up_to": 11, "unit_price": "0"}, TIER]), "t"),
}


@pytest.mark.parametrize(("data", "where"), INVALID.values(), ids=INVALID.keys())
def test_an_invalid_book_is_refused_with_where(data: Any, where: str) -> None:
    with pytest.raises(IdentityError) as raised:
        parse_price_book(data, "t")
    assert raised.value.code == "invalid_price_book"
    assert raised.value.message.startswith(where + ": "), raised.value.message


def test_counts_must_be_whole_and_not_negative() -> None:
    assert usage_of(0, 0) == Usage(anonymous_events=0, identified_events=0)
    assert usage_of(3, 4) == Usage(anonymous_events=3, identified_events=4)
    for counts in ((-1, 0), (0, -1)):
        with pytest.raises(IdentityError) as raised:
            usage_of(*counts)
        assert raised.value.code == "invalid_operation"


def test_a_month_of_more_than_a_quadrillion_events_is_not_priced() -> None:
    """Format §3 `limit_exceeded`: `price` refuses more than 10^15 events in a month; each kind
    alone and both together count, and exactly 10^15 is still priced."""
    most = 10**15
    book = load_price_book()
    assert usage_of(most, 0).anonymous_events == most
    assert usage_of(0, most).identified_events == most
    assert usage_of(most - 1, 1) == Usage(anonymous_events=most - 1, identified_events=1)
    assert price(Usage(anonymous_events=most - 1, identified_events=1), book).total > 0
    for anonymous, identified in (
        (most + 1, 0),
        (0, most + 1),
        (most, 1),
        (most // 2 + 1, most // 2),
    ):
        with pytest.raises(IdentityError) as raised:
            usage_of(anonymous, identified)
        assert raised.value.code == "limit_exceeded"
        with pytest.raises(IdentityError) as raised:
            price(Usage(anonymous_events=anonymous, identified_events=identified), book)
        assert raised.value.code == "limit_exceeded"


def test_a_bills_lines_count_its_unit_unless_named_otherwise() -> None:
    """A vendor's bill says what each line counts: its own unit, or the line's entry in
    ``line_units`` (Segment's Team fee is a month, its overage MTUs)."""
    invoice = price(Usage(anonymous_events=3, identified_events=4), load_price_book())
    analytics, profiles = invoice.lines
    plain = Bill(invoice=invoice, terms="model base_plus_addon")
    assert (plain.unit_of(analytics), plain.unit_of(profiles)) == ("events", "events")
    named = Bill(invoice=invoice, terms="t", unit="MTUs", line_units={analytics.name: "month"})
    assert (named.unit_of(analytics), named.unit_of(profiles)) == ("month", "MTUs")


def test_the_invoice_as_json() -> None:
    """Format §5 and PR-07: 5M anonymous + 5M identified = $731.50 in base_plus_addon."""
    book = load_price_book()
    invoice = price(Usage(anonymous_events=5_000_000, identified_events=5_000_000), book)
    assert invoice.as_json() == {
        "total": "731.50",
        "currency": "USD",
        "model": "base_plus_addon",
        "book": book.name,
        "lines": [
            {"name": "Product analytics", "quantity": 10_000_000, "amount": "324.40"},
            {"name": "Person profiles", "quantity": 5_000_000, "amount": "407.10"},
        ],
        "tiers": [
            {
                "line": "Product analytics",
                "from": 1,
                "to": 1_000_000,
                "quantity": 1_000_000,
                "unit_price": "0",
                "amount": "0",
            },
            {
                "line": "Product analytics",
                "from": 1_000_001,
                "to": 2_000_000,
                "quantity": 1_000_000,
                "unit_price": "0.00005",
                "amount": "50",
            },
            {
                "line": "Product analytics",
                "from": 2_000_001,
                "to": 15_000_000,
                "quantity": 8_000_000,
                "unit_price": "0.0000343",
                "amount": "274.4",
            },
            {
                "line": "Person profiles",
                "from": 1,
                "to": 1_000_000,
                "quantity": 1_000_000,
                "unit_price": "0",
                "amount": "0",
            },
            {
                "line": "Person profiles",
                "from": 1_000_001,
                "to": 2_000_000,
                "quantity": 1_000_000,
                "unit_price": "0.000198",
                "amount": "198",
            },
            {
                "line": "Person profiles",
                "from": 2_000_001,
                "to": 15_000_000,
                "quantity": 3_000_000,
                "unit_price": "0.0000697",
                "amount": "209.1",
            },
        ],
    }


def test_each_month_walks_the_tiers_from_zero() -> None:
    """PR-06: 1.5M events in each of two months cost 2 x $25.00, not the $84.30 of 3M in one."""
    book = load_price_book()
    months = {
        "2026-01": Usage(anonymous_events=1_500_000, identified_events=0),
        "2026-02": Usage(anonymous_events=1_500_000, identified_events=0),
    }
    invoices = price_months(months, book, InvoiceModel.BASE_PLUS_ADDON)
    assert list(invoices) == ["2026-01", "2026-02"]
    assert [invoice.total for invoice in invoices.values()] == [Decimal("25.00")] * 2
    assert price(Usage(anonymous_events=3_000_000, identified_events=0), book).total == Decimal(
        "84.30"
    )


def test_a_two_tier_book_takes_any_free_allowance() -> None:
    """PR-04: with one open tier after the free one, any allowance fits."""
    book = parse_price_book(BOOK, "t").with_free_events(1_000)
    assert book.base[0] == Tier(up_to=1_000, unit_price=Decimal(0))
    assert book.addon[1] == Tier(up_to=None, unit_price=Decimal("1.25"))


def test_months_are_priced_in_the_model_asked_for() -> None:
    """PR-03 per month: docs_split prices identified events at the published price."""
    book = load_price_book()
    months = {"2026-01": Usage(anonymous_events=0, identified_events=2_000_000)}
    (invoice,) = price_months(months, book, InvoiceModel.DOCS_SPLIT).values()
    assert invoice.model is InvoiceModel.DOCS_SPLIT
    assert [line.name for line in invoice.lines] == ["Events", "Person profiles"]
    assert invoice.total == Decimal("248.00")
