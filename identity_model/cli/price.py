"""``identity-model price``: one month of a vendor's meters, priced by its book, every invoice
line explained.

The vendor prices through its profile (``VendorProfile.bill``, issue #14): the command's flags
are the ``price_inputs`` the registered vendors declare (``cli/__init__.py`` builds them), and
a flag the chosen vendor does not read is a usage error.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any, TextIO

from identity_model.billing.pricing import Bill, plain_amount
from identity_model.cli.runner import EXIT_OK, UsageError, dump, money
from identity_model.vendor import (
    DEFAULT_VENDOR,
    PriceInput,
    VendorProfile,
    vendor_named,
    vendor_names,
)

MONTH = "month"  # the one month ``price`` is given


def priced_vendors() -> tuple[str, ...]:
    """The registered vendors that have a book (``price_inputs`` not empty), the default
    vendor first."""
    names = sorted(vendor_names(), key=lambda name: (name != DEFAULT_VENDOR, name))
    return tuple(name for name in names if vendor_named(name).price_inputs)


def all_inputs() -> dict[str, PriceInput]:
    """Every priced vendor's inputs by name, the first declaration of each name (choices
    merged), for the command line's flags."""
    found: dict[str, PriceInput] = {}
    helps: dict[str, list[str]] = {}
    for name in priced_vendors():
        for item in vendor_named(name).price_inputs:
            known = found.get(item.name)
            if known is not None and known.kind != item.kind:
                raise ValueError(
                    f"price input {item.name!r} declared as {known.kind} and {item.kind}"
                )
            choices = () if known is None else known.choices
            merged = choices + tuple(c for c in item.choices if c not in choices)
            found[item.name] = PriceInput(
                name=item.name,
                kind=item.kind,
                help="",
                meter=item.meter,
                choices=merged,
            )
            if item.help not in helps.setdefault(item.name, []):
                helps[item.name].append(item.help)
    return {
        name: PriceInput(
            name=name,
            kind=item.kind,
            help="; ".join(helps[name]),
            meter=item.meter,
            choices=item.choices,
        )
        for name, item in found.items()
    }


def options_given(
    profile: VendorProfile[Any, Any], given: Mapping[str, Any], command: str
) -> dict[str, Any]:
    """The settings in ``given`` (None: not given) that ``profile`` reads; any other given
    setting is a usage error."""
    reads = {item.name: item for item in profile.price_inputs if item.kind != "meter"}
    options: dict[str, Any] = {}
    for name, value in given.items():
        if value is None or value == []:
            continue
        if name not in reads:
            accepted = ", ".join(f"--{n.replace('_', '-')}" for n in reads) or "no settings"
            raise UsageError(
                f"{command}: {profile.name}'s bill does not read --{name.replace('_', '-')} "
                f"(it reads {accepted})"
            )
        item = reads[name]
        if item.kind == "choice" and item.choices and value not in item.choices:
            raise UsageError(
                f"{command}: {profile.name} --{name.replace('_', '-')} is one of "
                f"{', '.join(item.choices)}, not {value!r}"
            )
        if item.kind == "choices" and item.choices:
            unknown = sorted(set(value) - set(item.choices))
            if unknown:
                raise UsageError(
                    f"{command}: {profile.name} --{name.replace('_', '-')} is any of "
                    f"{', '.join(item.choices)}, not {', '.join(unknown)}"
                )
        options[name] = tuple(value) if isinstance(value, list) else value
    return options


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    profile = vendor_named(args.vendor)
    inputs = all_inputs()
    meters: dict[str, int] = {}
    given: dict[str, Any] = {}
    own = {item.name for item in profile.price_inputs}
    for name, item in inputs.items():
        value = getattr(args, name, None)
        if item.kind == "meter":
            if name in own and item.meter is not None:
                meters[_own_meter(profile, name)] = value or 0
            elif value:
                raise UsageError(
                    f"price: {profile.name}'s bill does not read --{name.replace('_', '-')}"
                )
        else:
            given[name] = value
    bills = profile.bill({MONTH: meters}, options_given(profile, given, "price"))
    if bills is None:
        raise UsageError(f"price: vendor {profile.name!r} has no price book")
    bill = bills[MONTH]
    if args.format == "json":
        dump(bill.as_json(), out)
    else:
        write_bill(out, bill)
    return EXIT_OK


def _own_meter(profile: VendorProfile[Any, Any], name: str) -> str:
    for item in profile.price_inputs:
        if item.name == name and item.meter is not None:
            return item.meter
    raise KeyError(name)


def write_bill(out: TextIO, bill: Bill) -> None:
    """The invoice, each line's tiers explained (quantity x unit price = amount)."""
    invoice = bill.invoice
    out.write(f"book {invoice.book}, {bill.terms}\n")
    for note in bill.notes:
        out.write(f"{note}\n")
    for line in invoice.lines:
        unit = bill.unit_of(line)
        out.write(
            f"{line.name:<20} {line.quantity:>14,} {unit:<6} "
            f"{money(line.amount, invoice.currency):>18}\n"
        )
        for charge in line.tiers:
            if charge.quantity:
                top = "and up" if charge.end is None else f"{charge.end:,}"
                span = f"{charge.start:>12,} - {top:<12}"
                out.write(
                    f"    {span} {charge.quantity:>12,} x {plain_amount(charge.unit_price)} "
                    f"= {plain_amount(charge.amount)}\n"
                )
    out.write(f"{'total':<20} {'':>21} {money(invoice.total, invoice.currency):>18}\n")
    for code, meaning in bill.flags:
        out.write(f"{code}: {meaning}\n")
