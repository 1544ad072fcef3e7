"""``identity-model price``: a month of anonymous and identified events, priced."""

from __future__ import annotations

import argparse
from typing import TextIO

from identity_model.billing.pricing import Invoice, InvoiceModel, plain_amount, price, usage_of
from identity_model.cli.runner import EXIT_OK, book, dump, money


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
    out.write(f"book {invoice.book}, model {invoice.model.value}\n")
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
