"""What traffic costs: price books as dated data, two invoice readings, Decimal money (PR rules).

Pure functions over usage; nothing here reads the clock or a file. A ``PriceBook`` is parsed
from JSON (``identity_model.io.books`` loads the shipped ones, ``billing/price_books``, and
users' files); ``price(usage, book, model)`` walks the graduated tiers and returns an
``Invoice``. Which events are billed is not the book's to say: it is the vendor's rule
(PostHog: SV-30), applied once when replay counts usage per month; pricing prices that usage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, assert_never

from identity_model.errors import Code, IdentityError
from identity_model.events import Usage
from identity_model.world import World

CENT = Decimal("0.01")
# PR-07: the shipped book reproduces the digest's worked figures (docs/rules/pricing.md).
DEFAULT_BOOK = "posthog-product-analytics-2026"


class InvoiceModel(StrEnum):
    """The two readings of how PostHog bills a mix of anonymous and identified events."""

    BASE_PLUS_ADDON = "base_plus_addon"  # PR-02, the default
    DOCS_SPLIT = "docs_split"  # PR-03


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier:
    """Events ``(previous up_to, up_to]`` of a month cost ``unit_price`` each; ``None``: no top."""

    up_to: int | None
    unit_price: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceBook:
    name: str
    effective_from: date
    currency: str
    base: tuple[Tier, ...]
    addon: tuple[Tier, ...]
    description: str = ""
    sources: tuple[str, ...] = ()

    @property
    def identified(self) -> tuple[Tier, ...]:
        """The published identified-event price: base + add-on, tier by tier."""
        return tuple(
            Tier(up_to=base.up_to, unit_price=base.unit_price + addon.unit_price)
            for base, addon in zip(self.base, self.addon, strict=True)
        )

    @property
    def highest_unit_price(self) -> Decimal:
        """The most one event can add to an invoice, in either model."""
        return max(tier.unit_price for tier in self.identified)

    def with_free_events(self, free: int) -> PriceBook:
        """The first, free tier of both books made ``free`` events long (config line)."""
        # PR-04: the free allowance is the first $0 tier of each book (any kind of event).
        return replace(self, base=_free_tier(self.base, free), addon=_free_tier(self.addon, free))


def _free_tier(tiers: tuple[Tier, ...], free: int) -> tuple[Tier, ...]:
    first, rest = tiers[0], tiers[1:]
    if first.unit_price != 0 or (rest and rest[0].up_to is not None and free >= rest[0].up_to):
        raise IdentityError(
            Code.INVALID_PRICE_BOOK,
            f"free_events_per_month={free} does not fit the book's first free tier",
        )
    return (Tier(up_to=free, unit_price=first.unit_price), *rest)


@dataclass(frozen=True, slots=True, kw_only=True)
class TierCharge:
    line: str
    start: int  # first event of the tier (1-based, inclusive)
    end: int | None  # last event of the tier (inclusive); None: no top
    quantity: int
    unit_price: Decimal
    amount: Decimal  # exact, unrounded


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    name: str
    quantity: int
    exact: Decimal  # the sum of its tiers, unrounded
    amount: Decimal  # PR-05: quantised to cents, half up
    tiers: tuple[TierCharge, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    book: str
    model: InvoiceModel | str | None  # PostHog reading, other vendor's plan, None (#14)
    currency: str
    lines: tuple[InvoiceLine, ...]

    @property
    def total(self) -> Decimal:
        """PR-05: the sum of the rounded lines."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def exact_total(self) -> Decimal:
        return sum((line.exact for line in self.lines), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        """Format §5: amounts as decimal strings, never floats."""
        return {
            "total": str(self.total),
            "currency": self.currency,
            "model": None if self.model is None else str(self.model),
            "book": self.book,
            "lines": [
                {"name": line.name, "quantity": line.quantity, "amount": str(line.amount)}
                for line in self.lines
            ],
            "tiers": [
                {
                    "line": charge.line,
                    "from": charge.start,
                    "to": charge.end,
                    "quantity": charge.quantity,
                    "unit_price": plain_amount(charge.unit_price),
                    "amount": plain_amount(charge.amount),
                }
                for line in self.lines
                for charge in line.tiers
                if charge.quantity
            ],
        }


# --- a vendor's bill (issue #14) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Bill:
    """One month's bill from a vendor's book, as ``VendorProfile.bill`` returns it and every
    command shows it: the invoice, the plan or reading it was priced on, how the month's meters
    became the lines' quantities (``notes``), and flags that are never money (D-PRV-4)."""

    invoice: Invoice
    terms: str  # "model base_plus_addon", "plan starter", ...
    unit: str = "events"  # what the invoice lines count, unless ``line_units`` says otherwise
    line_units: Mapping[str, str] = field(default_factory=dict)  # line name -> unit
    notes: tuple[str, ...] = ()  # e.g. "MTUs 2 unique + 0 synthetic (for 5 events) = 2"
    flags: tuple[tuple[str, str], ...] = ()  # (code, what it means), e.g. over_free_limit
    extra: Mapping[str, Any] = field(default_factory=dict)  # the vendor's additions to JSON

    @property
    def total(self) -> Decimal:
        return self.invoice.total

    def unit_of(self, line: InvoiceLine) -> str:
        return self.line_units.get(line.name, self.unit)

    def as_json(self) -> dict[str, Any]:
        """The invoice (format §5) and the vendor's additions."""
        return {**self.invoice.as_json(), **self.extra}


# --- end a vendor's bill -----------------------------------------------------------------------


def plain_amount(amount: Decimal) -> str:
    """An exact amount as a decimal string without trailing zeros: 50.00000 -> "50"."""
    return f"{amount.normalize():f}"


def graduated(name: str, tiers: Sequence[Tier], quantity: int) -> InvoiceLine:
    """Walk ``quantity`` events up the tiers from zero (graduated, inclusive upper bounds)."""
    charges: list[TierCharge] = []
    below = 0
    for tier in tiers:
        top = tier.up_to
        in_tier = max(0, (quantity if top is None else min(quantity, top)) - below)
        charges.append(
            TierCharge(
                line=name,
                start=below + 1,
                end=top,
                quantity=in_tier,
                unit_price=tier.unit_price,
                amount=tier.unit_price * in_tier,
            )
        )
        if top is None or quantity <= top:
            break
        below = top
    exact = sum((charge.amount for charge in charges), Decimal(0))
    return InvoiceLine(
        name=name,
        quantity=quantity,
        exact=exact,
        amount=exact.quantize(CENT, rounding=ROUND_HALF_UP),
        tiers=tuple(charges),
    )


def price(
    usage: Usage, book: PriceBook, model: InvoiceModel = InvoiceModel.BASE_PLUS_ADDON
) -> Invoice:
    """One month's invoice for ``usage`` (PR-06: each month walks the tiers from zero)."""
    anonymous, identified = usage.anonymous_events, usage.identified_events
    _check_counts(anonymous, identified)
    match model:
        case InvoiceModel.BASE_PLUS_ADDON:
            # PR-02: all events on the base tiers, identified events again on the add-on.
            lines = (
                graduated("Product analytics", book.base, anonymous + identified),
                graduated("Person profiles", book.addon, identified),
            )
        case InvoiceModel.DOCS_SPLIT:
            # PR-03: anonymous events on the base, identified at the published identified price;
            # each line walks its own tiers from zero (the only PostHog arithmetic for a mix).
            lines = (
                graduated("Events", book.base, anonymous),
                graduated("Person profiles", book.identified, identified),
            )
        case _:
            assert_never(model)
    return Invoice(book=book.name, model=model, currency=book.currency, lines=lines)


def monthly_usage(world: World[Any]) -> dict[str, Usage]:
    """PR-06: billed events per calendar month (UTC) of their timestamps; months in order.

    The world counted them as they were processed, with the vendor's one billable rule."""
    # PR-06: calendar months (UTC) of the events' own timestamps.
    return {month: Usage.of(meters) for month, meters in world.usage_by_month().items()}


def price_months(
    usage_by_month: Mapping[str, Usage],
    book: PriceBook,
    model: InvoiceModel = InvoiceModel.BASE_PLUS_ADDON,
) -> dict[str, Invoice]:
    """An invoice per month; months are priced independently."""
    return {month: price(usage, book, model) for month, usage in usage_by_month.items()}


# --- loading price books -----------------------------------------------------------------------


def _fail(where: str, message: str) -> IdentityError:
    return IdentityError(Code.INVALID_PRICE_BOOK, f"{where}: {message}")


def _decimal(value: object, where: str) -> Decimal:
    if not isinstance(value, str):
        raise _fail(where, 'prices are decimal strings such as "0.00005" (never JSON numbers)')
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _fail(where, f"{value!r} is not a decimal number") from None
    if not number.is_finite() or number < 0:
        raise _fail(where, f"{value!r} must be a finite price >= 0")
    return number


def _tiers(value: object, where: str) -> tuple[Tier, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "a non-empty list of tiers")
    tiers: list[Tier] = []
    previous = 0
    for index, raw in enumerate(value):
        here = f"{where}[{index}]"
        if not isinstance(raw, dict) or set(raw) != {"up_to", "unit_price"}:
            raise _fail(here, 'a tier is {"up_to": int or null, "unit_price": "decimal"}')
        up_to = raw["up_to"]
        last = index == len(value) - 1
        if up_to is None and not last:
            raise _fail(here, "only the last tier may be open (up_to null)")
        if up_to is not None and (
            not isinstance(up_to, int) or isinstance(up_to, bool) or up_to <= previous
        ):
            raise _fail(here, "up_to must be a whole number above the previous tier's")
        if last and up_to is not None:
            raise _fail(here, "the last tier must be open (up_to null)")
        tiers.append(
            Tier(up_to=up_to, unit_price=_decimal(raw["unit_price"], f"{here}.unit_price"))
        )
        previous = up_to or previous
    return tuple(tiers)


_BOOK_KEYS = {
    "name",
    "description",
    "effective_from",
    "checked",
    "sources",
    "currency",
    "base",
    "addon",
}


def parse_price_book(data: Any, origin: str) -> PriceBook:
    """A price book from its JSON object; an ``invalid_price_book`` error says what is wrong."""
    if not isinstance(data, dict):
        raise _fail(origin, "a price book is a JSON object")
    if "non_billable_events" in data:
        raise _fail(
            origin,
            "non_billable_events is not a book's to say: which events are billed is the "
            "vendor's rule (SV-30), counted once by replay",
        )
    unknown = sorted(set(data) - _BOOK_KEYS)
    if unknown:
        raise _fail(origin, f"unknown key(s) {', '.join(unknown)}")
    for key in ("name", "effective_from", "currency", "base", "addon"):
        if key not in data:
            raise _fail(origin, f"{key!r} is required")
    try:
        effective = date.fromisoformat(str(data["effective_from"]))
    except ValueError:
        raise _fail(origin, "effective_from is a date such as 2024-04-04") from None
    base = _tiers(data["base"], f"{origin}: base")
    addon = _tiers(data["addon"], f"{origin}: addon")
    if [tier.up_to for tier in base] != [tier.up_to for tier in addon]:
        raise _fail(origin, "base and addon tiers must share their boundaries")
    return PriceBook(
        name=str(data["name"]),
        effective_from=effective,
        currency=str(data["currency"]),
        base=base,
        addon=addon,
        description=str(data.get("description", "")),
        sources=tuple(str(source) for source in data.get("sources", [])),
    )


def usage_of(anonymous: int, identified: int) -> Usage:
    """Usage from plain counts (both >= 0)."""
    if anonymous < 0 or identified < 0:
        raise IdentityError(Code.INVALID_OPERATION, "event counts are whole numbers >= 0")
    _check_counts(anonymous, identified)
    return Usage(anonymous_events=anonymous, identified_events=identified)


# --- issue #17: a month's counts stay where the decimal arithmetic is exact -----------------
MAX_EVENTS_PER_MONTH = 10**15  # a quadrillion events; amounts stay far inside 28 digits


def _check_counts(anonymous: int, identified: int) -> None:
    for count in (anonymous, identified, anonymous + identified):
        if count > MAX_EVENTS_PER_MONTH:
            raise IdentityError(
                Code.LIMIT_EXCEEDED,
                f"{count:,} events in a month: at most {MAX_EVENTS_PER_MONTH:,} are priced",
            )
