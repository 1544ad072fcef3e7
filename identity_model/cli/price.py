"""``identity-model price``: a month of anonymous and identified events, priced."""

from __future__ import annotations

import argparse
from typing import TextIO

from identity_model.billing.amplitude import AmplitudeBill, AmplitudePlan, price_month
from identity_model.billing.mixpanel import price_month as price_mixpanel_month
from identity_model.billing.pricing import Invoice, InvoiceModel, plain_amount, price, usage_of
from identity_model.cli.runner import EXIT_OK, UsageError, book, dump, money
from identity_model.io.books import load_amplitude_book, load_mixpanel_book


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # --- vendor books (issue #14) ---
    if args.vendor == "amplitude":
        return _amplitude(args, out)
    if args.vendor == "mixpanel":
        return _mixpanel(args, out)
    # --- end vendor books ---
    invoice = price(
        usage_of(args.anonymous_events, args.identified_events),
        book(args.book, args.free_events),
        InvoiceModel(args.model),
    )
    if args.format == "json":
        dump(invoice.as_json(), out)
    else:
        _write_invoice(out, invoice)
    return EXIT_OK


def _write_invoice(out: TextIO, invoice: Invoice) -> None:
    model = "" if invoice.model is None else f", model {invoice.model}"
    out.write(f"book {invoice.book}{model}\n")
    for line in invoice.lines:
        out.write(
            f"{line.name:<20} {line.quantity:>14,} events "
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


# --- Amplitude (issue #14) ---------------------------------------------------------------------


def _amplitude(args: argparse.Namespace, out: TextIO) -> int:
    """A month of Amplitude MTUs and events on the Starter or Plus plan (PRV-07, PRV-08)."""
    bill = price_month(
        args.mtu,
        args.events,
        load_amplitude_book(),
        _amplitude_plan(args.plan),
        unit_price=args.unit_price,
        purchased_mtus=args.purchased_mtus,
    )
    if args.format == "json":
        dump(
            {
                **bill.invoice.as_json(),
                "vendor": "amplitude",
                "plan": bill.plan.value,
                "unique_mtu": bill.unique_mtu,
                "synthetic_mtu": bill.synthetic_mtu,
                "over_free_limit": bill.over_free_limit,
            },
            out,
        )
    else:
        _write_amplitude_bill(out, bill, args.events)
    return EXIT_OK


def _amplitude_plan(plan: str | None) -> AmplitudePlan:
    if plan is None:
        return AmplitudePlan.STARTER
    if plan not in set(AmplitudePlan):
        raise UsageError(f"amplitude has the plans starter and plus, not {plan!r}")
    return AmplitudePlan(plan)


def _write_amplitude_bill(out: TextIO, bill: AmplitudeBill, events: int) -> None:
    invoice = bill.invoice
    out.write(f"book {invoice.book}, plan {bill.plan.value}\n")
    out.write(
        f"MTUs {bill.unique_mtu:,} unique + {bill.synthetic_mtu:,} synthetic "
        f"(for {events:,} events) = {bill.total_mtu:,}\n"
    )
    for line in invoice.lines:
        unit = line.tiers[0].unit_price if line.tiers else None
        each = "" if unit is None else f" x {plain_amount(unit)}"
        out.write(
            f"{line.name:<20} {line.quantity:>14,} MTUs{each:<12} "
            f"{money(line.amount, invoice.currency):>18}\n"
        )
    out.write(f"{'total':<20} {'':>31} {money(invoice.total, invoice.currency):>18}\n")
    if bill.over_free_limit:
        out.write("over_free_limit: over the free plan's MTUs (never charged; flagged)\n")


# --- Mixpanel (issue #14) ----------------------------------------------------------------------


def _mixpanel(args: argparse.Namespace, out: TextIO) -> int:
    """A month of Mixpanel billable events on Free, Growth (+ add-ons) or MTU (PRV-01..04)."""
    bill = price_mixpanel_month(
        args.events, load_mixpanel_book(), args.plan or "growth", tuple(args.addon)
    )
    if args.format == "json":
        dump(
            {
                **bill.invoice.as_json(),
                "vendor": "mixpanel",
                "plan": bill.plan,
                "addons": sorted(set(args.addon)),
                "over_free_limit": bill.over_free_limit,
            },
            out,
        )
        return EXIT_OK
    out.write(f"plan {bill.plan}\n")
    _write_invoice(out, bill.invoice)
    if bill.over_free_limit:
        out.write("over_free_limit: over the free plan's 1M events (never charged; flagged)\n")
    return EXIT_OK
