"""What a month costs on Mixpanel: the dated book ``mixpanel-events-2026`` and a pure function
from a month's billable events into the shared ``Invoice`` (PRV-01 … PRV-04). The book is read
by ``identity_model.io.books.load_mixpanel_book``.

Money is ``Decimal``; each line is rounded to cents half up and the total is the sum of the
rounded lines (PR-05). A free plan's breach is a flag (``over_free_limit``), never money
(D-PRV-4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from identity_model.billing.pricing import CENT, Invoice, InvoiceLine, Tier, TierCharge, graduated
from identity_model.errors import Code, IdentityError

BOOK = "mixpanel-events-2026"
EVENTS_LINE = "Events"


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    name: str
    tiers: tuple[Tier, ...]  # empty: sales-quoted, not priced
    free_limit: int | None  # a free plan's monthly limit: above it a flag, never money
    addons: bool  # whether add-ons can be bought on it
    quoted: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Addon:
    key: str
    name: str
    share: Decimal  # of the overage charge


@dataclass(frozen=True, slots=True, kw_only=True)
class MixpanelBook:
    name: str
    effective_from: date
    currency: str
    plans: Mapping[str, Plan]
    addons: Mapping[str, Addon]  # in book order
    description: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MixpanelBill:
    """One month's invoice and the free plan's breach flag."""

    invoice: Invoice
    plan: str
    over_free_limit: bool


def price_month(
    billable_events: int,
    book: MixpanelBook,
    plan: str = "growth",
    addons: Sequence[str] = (),
) -> MixpanelBill:
    """The invoice for one month of ``billable_events`` on ``plan`` with ``addons``."""
    if billable_events < 0:
        raise IdentityError(Code.INVALID_OPERATION, "billable events are a whole number >= 0")
    terms = book.plans.get(plan)
    if terms is None:
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"no Mixpanel plan {plan!r} (known: {', '.join(book.plans)})",
        )
    if not terms.tiers:
        # PRV-04: the Enterprise MTU plan is sales-quoted; the model does not price it.
        raise IdentityError(Code.INVALID_OPERATION, f"plan {plan!r}: {terms.quoted}")
    unknown = sorted(set(addons) - set(book.addons))
    if unknown:
        raise IdentityError(Code.INVALID_OPERATION, f"unknown add-on(s) {', '.join(unknown)}")
    if addons and not terms.addons:
        raise IdentityError(Code.INVALID_OPERATION, f"plan {plan!r} has no add-ons")
    # PRV-02: the first million free, then one flat rate per event (D-PRV-1, no tiers invented).
    events = graduated(EVENTS_LINE, terms.tiers, billable_events)
    lines = [events]
    overage = sum((c.quantity for c in events.tiers if c.unit_price), 0)
    # PRV-03: each add-on is its share of the exact overage charge, rounded on its own line.
    for addon in book.addons.values():
        if addon.key in addons:
            exact = events.exact * addon.share
            charges = tuple(
                TierCharge(
                    line=addon.name,
                    start=charge.start,
                    end=charge.end,
                    quantity=charge.quantity,
                    unit_price=charge.unit_price * addon.share,
                    amount=charge.amount * addon.share,
                )
                for charge in events.tiers
                if charge.unit_price
            )
            lines.append(
                InvoiceLine(
                    name=addon.name,
                    quantity=overage,
                    exact=exact,
                    amount=exact.quantize(CENT, rounding=ROUND_HALF_UP),
                    tiers=charges,
                )
            )
    # PRV-01: Free never charges; above its limit reports are blocked: a flag (D-PRV-4).
    over = terms.free_limit is not None and billable_events > terms.free_limit
    invoice = Invoice(book=book.name, model=None, currency=book.currency, lines=tuple(lines))
    return MixpanelBill(invoice=invoice, plan=plan, over_free_limit=over)


def price_months(
    usage: Mapping[str, Mapping[str, int]],
    book: MixpanelBook,
    plan: str = "growth",
    addons: Sequence[str] = (),
) -> dict[str, MixpanelBill]:
    """A bill per month of ``usage`` (month -> meter -> count, as the profile reports it)."""
    return {
        month: price_month(meters.get("billable_events", 0), book, plan, addons)
        for month, meters in usage.items()
    }


# --- loading the book --------------------------------------------------------------------------


def _fail(message: str) -> IdentityError:
    return IdentityError(Code.INVALID_PRICE_BOOK, f"{BOOK}: {message}")


def _decimal(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise _fail(f"{where}: prices are decimal strings")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _fail(f"{where}: {value!r} is not a decimal number") from None
    if not number.is_finite() or number < 0:
        raise _fail(f"{where}: {value!r} must be finite and >= 0")
    return number


def _plan(name: str, raw: Any) -> Plan:
    if not isinstance(raw, dict):
        raise _fail(f"plan {name}: an object")
    if "quoted" in raw:
        return Plan(name=name, tiers=(), free_limit=None, addons=False, quoted=str(raw["quoted"]))
    tiers = []
    for index, tier in enumerate(raw.get("tiers") or []):
        up_to = tier.get("up_to")
        if up_to is not None and (not isinstance(up_to, int) or isinstance(up_to, bool)):
            raise _fail(f"plan {name} tier {index}: up_to is a whole number or null")
        tiers.append(Tier(up_to=up_to, unit_price=_decimal(tier.get("unit_price"), name)))
    if not tiers or tiers[-1].up_to is not None:
        raise _fail(f"plan {name}: tiers end with an open tier (up_to null)")
    limit = raw.get("free_limit")
    return Plan(name=name, tiers=tuple(tiers), free_limit=limit, addons=bool(raw.get("addons")))


def parse_book(data: Any) -> MixpanelBook:
    if not isinstance(data, dict) or data.get("vendor") != "mixpanel":
        raise _fail('a Mixpanel book is an object with "vendor": "mixpanel"')
    try:
        effective = date.fromisoformat(str(data["effective_from"]))
        plans = {name: _plan(name, raw) for name, raw in data["plans"].items()}
        addons = {
            key: Addon(key=key, name=str(raw["name"]), share=_decimal(raw["share"], key))
            for key, raw in data.get("addons", {}).items()
        }
        return MixpanelBook(
            name=str(data["name"]),
            effective_from=effective,
            currency=str(data["currency"]),
            plans=plans,
            addons=addons,
            description=str(data.get("description", "")),
            sources=tuple(str(source) for source in data.get("sources", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _fail(f"malformed: {error}") from None
