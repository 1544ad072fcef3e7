"""What a month costs on Amplitude: the dated book ``amplitude-2026`` (Starter and Plus), synthetic
MTUs, and a pure function into the shared ``Invoice`` (PRV-07, PRV-08, AMP-14). The book is
read by ``identity_model.io.books.load_amplitude_book``.

Money is ``Decimal``; each line is rounded to cents half up and the total is the sum of the
rounded lines (PR-05). A free plan's breach is a flag (``over_free_limit``), never money
(D-PRV-4). No Plus price is published: a Plus bill needs the customer's own price per MTU and
purchased MTUs (D-PRV-3); the book ships none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, assert_never

from identity_model.billing.pricing import Invoice, InvoiceLine, Tier, graduated
from identity_model.errors import Code, IdentityError

BOOK = "amplitude-2026"


class AmplitudePlan(StrEnum):
    STARTER = "starter"
    PLUS = "plus"


class Rounding(StrEnum):
    """How a part of 1,000 events over the guardrail counts."""

    DOWN = "down"  # whole thousands only (Starter: the MTU guide's formula)
    UP = "up"  # "or portion thereof" (Plus)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanTerms:
    plan: AmplitudePlan
    as_of: date
    included_mtus: int | None  # Starter: the free MTUs; Plus: what the customer bought
    events_per_mtu: int
    synthetic_rounding: Rounding
    unit_price: Decimal | None  # None: the customer's own price (Plus)
    overage_multiplier: Decimal | None  # None: no overage is ever charged (Starter)
    max_mtus: int | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplitudeBook:
    name: str
    currency: str
    description: str
    checked: date
    plans: Mapping[AmplitudePlan, PlanTerms]


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplitudeBill:
    """One month's invoice, its MTUs and the free plan's breach flag."""

    invoice: Invoice
    plan: AmplitudePlan
    unique_mtu: int
    synthetic_mtu: int
    over_free_limit: bool

    @property
    def total_mtu(self) -> int:
        return self.unique_mtu + self.synthetic_mtu


def synthetic_mtus(events: int, included_mtus: int, terms: PlanTerms) -> int:
    """MTUs added for the events over the plan's MTUs x events per MTU."""
    # AMP-14: one synthetic MTU per 1,000 events over the guardrail (Plus: or part of 1,000).
    over = max(0, events - included_mtus * terms.events_per_mtu)
    match terms.synthetic_rounding:
        case Rounding.DOWN:
            return over // terms.events_per_mtu
        case Rounding.UP:
            return -(-over // terms.events_per_mtu)
        case _:
            assert_never(terms.synthetic_rounding)


def price_month(
    mtu: int,
    events: int,
    book: AmplitudeBook,
    plan: AmplitudePlan = AmplitudePlan.STARTER,
    *,
    unit_price: Decimal | None = None,
    purchased_mtus: int | None = None,
) -> AmplitudeBill:
    """The bill of one month with ``mtu`` unique MTUs and ``events`` billable events."""
    if mtu < 0 or events < 0:
        raise IdentityError(Code.INVALID_OPERATION, "MTUs and events are whole numbers >= 0")
    terms = book.plans[plan]
    lines: tuple[InvoiceLine, ...]
    match plan:
        case AmplitudePlan.STARTER:
            if unit_price is not None or purchased_mtus is not None:
                raise IdentityError(
                    Code.INVALID_OPERATION, "Starter takes no unit price or purchased MTUs"
                )
            assert terms.included_mtus is not None and terms.unit_price is not None
            # PRV-07: free up to the included MTUs; above them nothing is charged, only flagged.
            synthetic = synthetic_mtus(events, terms.included_mtus, terms)
            total = mtu + synthetic
            lines = (graduated("MTUs", (Tier(up_to=None, unit_price=terms.unit_price),), total),)
            over = total > terms.included_mtus
        case AmplitudePlan.PLUS:
            bought, price = _plus_inputs(terms, unit_price, purchased_mtus)
            assert terms.overage_multiplier is not None
            # PRV-08: the purchased MTUs at the customer's price, the rest at 1.2 times it.
            synthetic = synthetic_mtus(events, bought, terms)
            overage = max(0, mtu + synthetic - bought)
            lines = (
                graduated("Plus plan", (Tier(up_to=None, unit_price=price),), bought),
                graduated(
                    "MTU overage",
                    (Tier(up_to=None, unit_price=price * terms.overage_multiplier),),
                    overage,
                ),
            )
            over = False
        case _:
            assert_never(plan)
    invoice = Invoice(book=book.name, model=None, currency=book.currency, lines=lines)
    return AmplitudeBill(
        invoice=invoice,
        plan=plan,
        unique_mtu=mtu,
        synthetic_mtu=synthetic,
        over_free_limit=over,
    )


def price_months(
    usage: Mapping[str, Mapping[str, int]],
    book: AmplitudeBook,
    plan: AmplitudePlan = AmplitudePlan.STARTER,
    *,
    unit_price: Decimal | None = None,
    purchased_mtus: int | None = None,
) -> dict[str, AmplitudeBill]:
    """A bill per month of the profile's usage (``{"YYYY-MM": {"mtu": n, "events": m}}``);
    months are priced independently."""
    return {
        month: price_month(
            meters["mtu"],
            meters["events"],
            book,
            plan,
            unit_price=unit_price,
            purchased_mtus=purchased_mtus,
        )
        for month, meters in usage.items()
    }


def _plus_inputs(
    terms: PlanTerms, unit_price: Decimal | None, purchased_mtus: int | None
) -> tuple[int, Decimal]:
    if unit_price is None or purchased_mtus is None:
        raise IdentityError(
            Code.INVALID_OPERATION,
            "a Plus bill needs the customer's price per MTU and purchased MTUs "
            "(no Plus price is published)",
        )
    if not unit_price.is_finite() or unit_price < 0:
        raise IdentityError(Code.INVALID_OPERATION, "the unit price must be a decimal >= 0")
    ceiling = terms.max_mtus
    if purchased_mtus <= 0 or (ceiling is not None and purchased_mtus > ceiling):
        raise IdentityError(Code.INVALID_OPERATION, f"Plus covers 1 to {ceiling} purchased MTUs")
    return purchased_mtus, unit_price


# --- reading the book ------------------------------------------------------------------------


def _fail(origin: str, message: str) -> IdentityError:
    return IdentityError(Code.INVALID_PRICE_BOOK, f"{origin}: {message}")


def _decimal(value: object, origin: str) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(origin, "prices are decimal strings (never JSON numbers)")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise _fail(origin, f"{value!r} is not a decimal") from None


def _count(value: object, origin: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value <= 0:
        raise _fail(origin, f"{value!r} is not a whole number > 0")
    return value


def _terms(plan: AmplitudePlan, raw: Any, origin: str) -> PlanTerms:
    if not isinstance(raw, dict):
        raise _fail(origin, f"plan {plan.value} is an object")
    try:
        events_per_mtu = _count(raw["events_per_mtu"], origin)
        if events_per_mtu is None:
            raise _fail(origin, f"plan {plan.value}: events_per_mtu is required")
        return PlanTerms(
            plan=plan,
            as_of=date.fromisoformat(raw["as_of"]),
            included_mtus=_count(raw["included_mtus"], origin),
            events_per_mtu=events_per_mtu,
            synthetic_rounding=Rounding(raw["synthetic_rounding"]),
            unit_price=_decimal(raw["unit_price"], origin),
            overage_multiplier=_decimal(raw["overage_multiplier"], origin),
            max_mtus=_count(raw["max_mtus"], origin),
            sources=tuple(str(source) for source in raw["sources"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise _fail(origin, f"plan {plan.value}: {error!r}") from None


def parse_book(data: Any, origin: str = BOOK) -> AmplitudeBook:
    """The Amplitude book from its JSON object; ``invalid_price_book`` says what is wrong."""
    if not isinstance(data, dict):
        raise _fail(origin, "a price book is a JSON object")
    plans = data.get("plans")
    if not isinstance(plans, dict) or set(plans) != {plan.value for plan in AmplitudePlan}:
        raise _fail(origin, "plans are starter and plus")
    try:
        return AmplitudeBook(
            name=str(data["name"]),
            currency=str(data["currency"]),
            description=str(data.get("description", "")),
            checked=date.fromisoformat(data["checked"]),
            plans={plan: _terms(plan, plans[plan.value], origin) for plan in AmplitudePlan},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise _fail(origin, repr(error)) from None
