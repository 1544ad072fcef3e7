"""Runs the ```price and ```eligibility examples of docs/rules (```case: in identity_model_spec)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from identity_model import BillingKind, IdentityError
from identity_model.billing.eligibility import (
    Feature,
    eligibility,
    feature_matrix,
    lifecycle_events,
)
from identity_model.billing.pricing import (
    InvoiceModel,
    monthly_usage,
    price,
    usage_of,
)
from identity_model.io.books import load_price_book
from identity_model.io.report import run_objects
from tests.amplitude_prices import check_amplitude_price  # issue #14
from tests.mixpanel_prices import check_mixpanel_price  # issue #14
from tests.rule_examples import Example, examples

PRICE = examples("price")
ELIGIBILITY = examples("eligibility")


def test_pages_have_examples_of_both_kinds() -> None:
    assert len(PRICE) >= 8
    assert len(ELIGIBILITY) >= 5


@pytest.mark.parametrize("example", PRICE, ids=[example.id for example in PRICE])
def test_price_example(example: Example) -> None:
    # --- vendor price examples (issue #14) ---
    if example.data.get("vendor") == "amplitude":
        check_amplitude_price(example)
        return
    if example.data.get("vendor") == "mixpanel":
        check_mixpanel_price(example)
        return
    # --- end vendor price examples ---
    data, expect = example.data, example.data["expect"]
    # --- Segment (issue #14): a vendor's book priced on its own meter ---
    if data.get("vendor") == "segment":
        _check_segment_price(example)
        return
    # --- end Segment ---
    book = load_price_book()
    model = InvoiceModel(data["model"])
    if "free_events_per_month" in data:
        # PR-04: the config line's free allowance replaces the first, free tier of both books.
        if "error" in expect:
            with pytest.raises(IdentityError) as raised:
                book.with_free_events(data["free_events_per_month"])
            assert raised.value.code == expect["error"], example.origin
            return
        book = book.with_free_events(data["free_events_per_month"])
    if "usage" in data:
        invoice = price(
            usage_of(data["usage"]["anonymous_events"], data["usage"]["identified_events"]),
            book,
            model,
        )
        assert invoice.total == Decimal(expect["total"]), example.origin
        if "exact_total" in expect:
            assert invoice.exact_total == Decimal(expect["exact_total"]), example.origin
        for want, line in zip(expect.get("lines", []), invoice.lines, strict=False):
            assert (line.name, line.quantity, line.amount) == (
                want["name"],
                want["quantity"],
                Decimal(want["amount"]),
            )
        if "lines" in expect:
            assert len(invoice.lines) == len(expect["lines"])
    else:
        world = run_objects(data["script"]).world
        months = {
            month: {
                "anonymous_events": usage.anonymous_events,
                "identified_events": usage.identified_events,
            }
            for month, usage in monthly_usage(world).items()
        }
        assert months == expect["months"], example.origin


# --- Segment (issue #14) ---
def _check_segment_price(example: Example) -> None:
    from identity_model.vendors.segment.pricing import (  # noqa: PLC0415
        load_segment_book,
        price_segment_month,
    )

    data, expect = example.data, example.data["expect"]
    bill = price_segment_month(data["usage"]["mtu"], load_segment_book(), data["plan"])
    assert bill.invoice.total == Decimal(expect["total"]), example.origin
    if "flags" in expect:
        assert list(bill.flags) == expect["flags"], example.origin
    if "lines" in expect:
        got = [(line.name, line.quantity, line.amount) for line in bill.invoice.lines]
        want = [(w["name"], w["quantity"], Decimal(w["amount"])) for w in expect["lines"]]
        assert got == want, example.origin


# --- end Segment ---


@pytest.mark.parametrize("example", ELIGIBILITY, ids=[example.id for example in ELIGIBILITY])
def test_eligibility_example(example: Example) -> None:
    result = run_objects(example.data["script"], keep_events=True)
    world = result.world
    events = [record.event for record in result.records if record.event is not None]
    expect = example.data["expect"]
    for check in expect.get("events", []):
        answer = eligibility(world, events[check["event"]], Feature(check["feature"]))
        assert answer.allowed is check["allowed"], (example.origin, check, answer)
        assert answer.reasons[-1].code == check["code"], (example.origin, check, answer)
        if "reasons" in check:  # every reason, as (rule, code) pairs in any order
            given = sorted((reason.rule, reason.code.value) for reason in answer.reasons)
            wanted = sorted((want["rule"], want["code"]) for want in check["reasons"])
            assert given == wanted, (example.origin, check, answer)
    for check in expect.get("persons", []):
        answer = eligibility(world, check["distinct_id"], Feature(check["feature"]))
        assert answer.allowed is check["allowed"], (example.origin, check, answer)
    if "features" in expect:
        rows = {row.feature.value: row for row in feature_matrix(world)}
        for check in expect["features"]:
            row = rows[check["feature"]]
            assert row.verified is check["verified"], (example.origin, check, row)
            if "events" in check:
                assert row.events == check["events"], (example.origin, check, row)
    if "lifecycle" in expect:
        counted = [event.seq for event in lifecycle_events(world)]
        assert counted == [events[index].seq for index in expect["lifecycle"]], example.origin
        assert all(
            event.processed_as is BillingKind.IDENTIFIED for event in lifecycle_events(world)
        )
