"""The ```price examples of docs/rules/mixpanel.md (``"vendor": "mixpanel"``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from identity_model.billing.mixpanel import price_month
from identity_model.errors import IdentityError
from identity_model.io.books import load_mixpanel_book as load_book
from tests.rule_examples import Example


def check_mixpanel_price(example: Example) -> None:
    data, expect = example.data, example.data["expect"]
    arguments = (
        data["usage"]["billable_events"],
        load_book(),
        data["plan"],
        data.get("addons", []),
    )
    if "error" in expect:
        with pytest.raises(IdentityError) as raised:
            price_month(*arguments)
        assert raised.value.code.value == expect["error"], example.origin
        return
    bill = price_month(*arguments)
    assert bill.invoice.total == Decimal(expect["total"]), example.origin
    if "over_free_limit" in expect:
        assert bill.over_free_limit is expect["over_free_limit"], example.origin
    if "lines" in expect:
        got = [(line.name, line.quantity, line.amount) for line in bill.invoice.lines]
        want = [
            (line["name"], line["quantity"], Decimal(line["amount"])) for line in expect["lines"]
        ]
        assert got == want, example.origin
