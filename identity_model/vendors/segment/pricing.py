"""Segment's bill: a dated price book (``segment-team-3p-lago``: Free and Team) and a pure
function pricing one month's MTUs into an ``Invoice`` (PRV-05, PRV-06).

Money is ``Decimal``; each line is rounded to cents half up and the total is the sum of the
rounded lines (PR-05). A Free month over its limit costs nothing and is flagged
``over_free_limit`` (D-PRV-4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from immutables import Map

from identity_model.billing.pricing import (
    CENT,
    Invoice,
    InvoiceLine,
    Tier,
    TierCharge,
    graduated,
)
from identity_model.billing.pricing import (
    _tiers as parse_tiers,
)
from identity_model.errors import Code, IdentityError
from identity_model.io.books import shipped_book_data
from identity_model.vendor import MonthlyUsage

BOOK = "segment-team-3p-lago"
OVER_FREE_LIMIT = "over_free_limit"


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A plan: a monthly fee, MTUs on graduated tiers, and (Free) a limit that is only flagged."""

    name: str
    fee: Decimal
    tiers: tuple[Tier, ...]
    free_limit: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentBook:
    name: str
    effective_from: date
    currency: str
    plans: Map[str, Plan]
    description: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentBill:
    """One month's invoice and its flags (``over_free_limit``: never money)."""

    invoice: Invoice
    flags: tuple[str, ...] = ()


def _fail(where: str, message: str) -> IdentityError:
    return IdentityError(Code.INVALID_PRICE_BOOK, f"{where}: {message}")


def _money(value: object, where: str) -> Decimal:
    if not isinstance(value, str):
        raise _fail(where, "a fee is a decimal string")
    try:
        money = Decimal(value)
    except ArithmeticError:
        raise _fail(where, f"{value!r} is not a decimal number") from None
    if not money.is_finite() or money < 0:
        raise _fail(where, f"{value!r} must be a finite amount >= 0")
    return money


def _plan(name: str, raw: object, origin: str) -> Plan:
    where = f"{origin}: plans.{name}"
    if not isinstance(raw, dict) or set(raw) != {"fee", "free_limit", "tiers"}:
        raise _fail(where, 'a plan is {"fee", "free_limit", "tiers"}')
    limit = raw["free_limit"]
    if limit is not None and (type(limit) is not int or limit < 0):
        raise _fail(where, "free_limit is a whole number or null")
    return Plan(
        name=name,
        fee=_money(raw["fee"], f"{where}.fee"),
        tiers=parse_tiers(raw["tiers"], f"{where}.tiers"),
        free_limit=limit,
    )


def parse_book(data: Any, origin: str) -> SegmentBook:
    """A Segment price book from its JSON object."""
    keys = {"name", "vendor", "description", "effective_from", "checked", "sources"}
    keys |= {"currency", "meter", "plans"}
    if not isinstance(data, dict) or not set(data) <= keys:
        raise _fail(origin, f"a Segment book is an object with the keys {sorted(keys)}")
    if data.get("vendor") != "segment" or data.get("meter") != "mtu":
        raise _fail(origin, 'not a Segment book ("vendor": "segment", "meter": "mtu")')
    plans = data.get("plans")
    if not isinstance(plans, dict) or not plans:
        raise _fail(origin, "plans is a non-empty object")
    try:
        effective = date.fromisoformat(str(data.get("effective_from")))
    except ValueError:
        raise _fail(origin, "effective_from is a date such as 2024-10-24") from None
    return SegmentBook(
        name=str(data.get("name", origin)),
        effective_from=effective,
        currency=str(data.get("currency", "USD")),
        plans=Map({name: _plan(name, raw, origin) for name, raw in plans.items()}),
        description=str(data.get("description", "")),
        sources=tuple(str(source) for source in data.get("sources", [])),
    )


def load_segment_book(name: str = BOOK) -> SegmentBook:
    """The shipped Segment book."""
    return parse_book(shipped_book_data(name), name)


def _fee_line(plan: Plan) -> InvoiceLine:
    amount = plan.fee.quantize(CENT)
    charge = TierCharge(
        line=f"{plan.name.title()} plan",
        start=1,
        end=1,
        quantity=1,
        unit_price=plan.fee,
        amount=plan.fee,
    )
    return InvoiceLine(name=charge.line, quantity=1, exact=plan.fee, amount=amount, tiers=(charge,))


def price_segment_month(mtus: int, book: SegmentBook, plan: str = "team") -> SegmentBill:
    """One month's bill for ``mtus`` MTUs on ``plan`` (each month walks the tiers from zero)."""
    if mtus < 0:
        raise IdentityError(Code.INVALID_OPERATION, "MTUs are a whole number >= 0")
    chosen = book.plans.get(plan)
    if chosen is None:
        raise IdentityError(
            Code.INVALID_OPERATION, f"no plan {plan!r} in {book.name} ({', '.join(book.plans)})"
        )
    # PRV-06: Team is $120 a month including 10,000 MTUs, then the book's graduated tiers.
    lines = (_fee_line(chosen), graduated("MTUs", chosen.tiers, mtus))
    invoice = Invoice(book=book.name, model=plan, currency=book.currency, lines=lines)
    flags: tuple[str, ...] = ()
    if chosen.free_limit is not None and mtus > chosen.free_limit:
        # PRV-05: Free allows 1,000 MTUs; a breach is flagged, never charged (D-PRV-4).
        flags = (OVER_FREE_LIMIT,)
    return SegmentBill(invoice=invoice, flags=flags)


def price_segment_months(
    usage: MonthlyUsage, book: SegmentBook, plan: str = "team"
) -> dict[str, SegmentBill]:
    """A bill per month of a Segment usage (``SegmentProfile.usage``: month -> meters, ``mtu``
    among them); months are priced independently."""
    return {
        month: price_segment_month(meters["mtu"], book, plan) for month, meters in usage.items()
    }
