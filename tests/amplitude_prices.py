"""The ```price examples of docs/rules/amplitude.md (``"vendor": "amplitude"``)."""

from __future__ import annotations

from decimal import Decimal

from identity_model.billing.amplitude import AmplitudePlan, price_month
from identity_model.io.books import load_amplitude_book as load_book
from tests.rule_examples import Example


def check_amplitude_price(example: Example) -> None:
    data, expect = example.data, example.data["expect"]
    unit_price = data.get("unit_price")
    bill = price_month(
        data["usage"]["mtu"],
        data["usage"]["events"],
        load_book(),
        AmplitudePlan(data["plan"]),
        unit_price=None if unit_price is None else Decimal(unit_price),
        purchased_mtus=data.get("purchased_mtus"),
    )
    assert bill.invoice.total == Decimal(expect["total"]), example.origin
    assert bill.over_free_limit is expect["over_free_limit"], example.origin
    assert bill.unique_mtu == expect["unique_mtu"], example.origin
    assert bill.synthetic_mtu == expect["synthetic_mtu"], example.origin
    if "lines" in expect:
        got = [(line.name, line.quantity, line.amount) for line in bill.invoice.lines]
        want = [
            (line["name"], line["quantity"], Decimal(line["amount"])) for line in expect["lines"]
        ]
        assert got == want, example.origin
