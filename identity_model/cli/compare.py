"""``identity-model compare``: the same traffic under each ``person_profiles`` mode, side by
side, in one pass over the input (one session per mode, fed the same operation)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, TextIO

from identity_model.billing.eligibility import FeatureTally
from identity_model.billing.pricing import DEFAULT_BOOK, InvoiceModel, monthly_usage, price_months
from identity_model.cli import compare_vendors
from identity_model.cli.exports import runner_for
from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, UsageError, book, dump
from identity_model.cli.runner import free_events as free_events_of
from identity_model.cli.terminal import printable
from identity_model.io.books import load_price_book
from identity_model.operations import Config
from identity_model.outcome import StepRecord
from identity_model.reducers import Session
from identity_model.world import empty_world

MODES = "person_profiles"  # the config setting compared


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # --- the cross-vendor what-if (issue #14) ---
    if args.vendors is not None:
        return compare_vendors.run(args, out, err)
    if args.person_profiles is not None or args.bill:
        raise UsageError(
            "--person-profiles and --bill go with --vendors (the default compares every mode)"
        )
    args.book = args.book or DEFAULT_BOOK
    args.model = args.model or InvoiceModel.BASE_PLUS_ADDON.value
    # --- end the cross-vendor what-if ---
    load_price_book(args.book)  # an unknown --book stops the command before reading (#17)
    runner = runner_for(args, {})
    modes: list[str] = []
    tallies: list[FeatureTally] = []

    def open_sessions(config: Config) -> list[Session]:
        current = getattr(config, MODES, None)
        if current is None:
            raise UsageError(f"{runner.path}: compare needs a PostHog script ({MODES} modes)")
        book(args.book, free_events_of(config))  # the config's allowance fits the book (#17)
        for mode in type(current):
            modes.append(str(mode))
            tallies.append(FeatureTally())
        return [Session(empty_world(replace(config, **{MODES: mode}))) for mode in type(current)]

    def tally(records: Sequence[StepRecord], _: Sequence[Session]) -> None:
        for record, counts in zip(records, tallies, strict=True):
            if record.event is not None:
                counts.add(record.event)

    sessions = runner.run(err, open_sessions, on_records=tally)
    runner.report_rejected(err)  # what was not reported line by line (an export's counts)
    priced = book(args.book, free_events_of(runner.config))
    columns: dict[str, dict[str, Any]] = {}
    for mode, session, counts in zip(modes, sessions, tallies, strict=True):
        world = session.world
        invoices = price_months(monthly_usage(world), priced, InvoiceModel(args.model))
        columns[mode] = {
            "identified_events": world.usage.identified_events,
            "anonymous_events": world.usage.anonymous_events,
            **world.profile.summary(world.state),
            "cost": {month: str(invoice.total) for month, invoice in invoices.items()},
            "cost_total": str(
                sum((invoice.total for invoice in invoices.values()), Decimal("0.00"))
            ),
            "features": {
                row.feature.value: {"events": row.events, "persons": row.persons}
                for row in counts.rows(world)
            },
        }
    if args.format == "json":
        dump(
            {
                "format": "identity-model-compare/1",
                "book": args.book,
                "model": args.model,
                "modes": columns,
            },
            out,
        )
    else:
        _write_comparison(out, runner.label, columns, args.book)
    return EXIT_FAILED if runner.any_rejected else EXIT_OK


def _write_comparison(
    out: TextIO, path: str, columns: dict[str, dict[str, Any]], book_name: str
) -> None:
    modes = list(columns)
    width = 16
    out.write(
        f"identity-model compare {printable(path)}: the same traffic under each {MODES} mode\n\n"
    )
    out.write(f"{'':<30}" + "".join(f"{mode:>{width}}" for mode in modes) + "\n")
    for key in (
        "identified_events",
        "anonymous_events",
        "persons",
        "identified_persons",
        "cost_total",
    ):
        out.write(
            f"{key.replace('_', ' '):<30}"
            + "".join(f"{columns[m][key]!s:>{width}}" for m in modes)
            + "\n"
        )
    months = sorted({month for m in modes for month in columns[m]["cost"]})
    for month in months:
        out.write(
            f"{'cost ' + month:<30}"
            + "".join(f"{columns[m]['cost'].get(month, '0.00'):>{width}}" for m in modes)
            + "\n"
        )
    out.write(f"\nevents each feature can use (persons in brackets); book {book_name}\n")
    for feature in columns[modes[0]]["features"]:
        cells = []
        for m in modes:
            use = columns[m]["features"][feature]
            cells.append(f"{use['events']} ({use['persons']})" if use["events"] else "unavailable")
        out.write(f"{feature:<30}" + "".join(f"{cell:>{width}}" for cell in cells) + "\n")
