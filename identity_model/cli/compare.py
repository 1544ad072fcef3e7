"""``identity-model compare``: the same traffic under each ``person_profiles`` mode, side by
side, in one pass over the input (one session per mode, fed the same operation)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from identity_model.billing.eligibility import FeatureTally
from identity_model.billing.pricing import (
    DEFAULT_BOOK,
    InvoiceModel,
    PriceBook,
    monthly_usage,
    price_months,
)
from identity_model.cli import compare_vendors, dask_engine
from identity_model.cli.exports import ExportRunner, runner_for
from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, Runner, UsageError, book, dump
from identity_model.cli.runner import free_events as free_events_of
from identity_model.cli.terminal import printable
from identity_model.events import Usage, total_usage
from identity_model.io.books import load_price_book
from identity_model.operations import Config
from identity_model.outcome import StepRecord
from identity_model.reducers import Session
from identity_model.world import empty_world

if TYPE_CHECKING:
    from identity_model.io.dask_replay import ModeTotals

MODES = "person_profiles"  # the config setting compared


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    on_dask = dask_engine.wanted(args)  # the engine's flags are checked first
    # --- the cross-vendor what-if (issue #14) ---
    if args.vendors is not None:
        if on_dask:
            raise UsageError(dask_engine.NOT_VENDORS)
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

    def mode_configs(config: Config) -> list[Config]:
        current = getattr(config, MODES, None)
        if current is None:
            raise UsageError(f"{runner.path}: compare needs a PostHog script ({MODES} modes)")
        book(args.book, free_events_of(config))  # the config's allowance fits the book (#17)
        modes.extend(str(mode) for mode in type(current))
        return [replace(config, **{MODES: mode}) for mode in type(current)]

    if on_dask:
        if isinstance(runner, ExportRunner):
            raise UsageError(dask_engine.SCRIPTS_ONLY)
        found = dask_engine.compare(args, runner, err, mode_configs)
        columns = _columns_of_totals(args, runner, modes, found.modes)
        any_rejected = any(totals.rejected for totals in found.modes)
    else:
        columns, any_rejected = _columns_of_one_pass(args, runner, err, mode_configs, modes)
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
    return EXIT_FAILED if any_rejected else EXIT_OK


def _columns_of_one_pass(
    args: argparse.Namespace,
    runner: Runner,
    err: TextIO,
    mode_configs: Callable[[Config], list[Config]],
    modes: list[str],
) -> tuple[dict[str, dict[str, Any]], bool]:
    """The single process: one session per mode, each fed the same operation."""
    tallies: list[FeatureTally] = []

    def open_sessions(config: Config) -> list[Session]:
        configs = mode_configs(config)
        tallies.extend(FeatureTally() for _ in configs)
        return [Session(empty_world(one)) for one in configs]

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
        columns[mode] = _column(
            args,
            priced,
            usage=world.usage,
            months=monthly_usage(world),
            summary=world.profile.summary(world.state),
            features={row.feature.value: (row.events, row.persons) for row in counts.rows(world)},
        )
    return columns, runner.any_rejected


def _columns_of_totals(
    args: argparse.Namespace, runner: Runner, modes: list[str], found: Sequence[ModeTotals]
) -> dict[str, dict[str, Any]]:
    """Dask: each mode's sums over the components (``identity_model.io.dask_replay``)."""
    priced = book(args.book, free_events_of(runner.config))
    return {
        mode: _column(
            args,
            priced,
            usage=total_usage(totals.usage),
            months={month: Usage.of(meters) for month, meters in totals.usage.items()},
            summary=totals.summary,
            features=totals.features,
        )
        for mode, totals in zip(modes, found, strict=True)
    }


def _column(
    args: argparse.Namespace,
    priced: PriceBook,
    *,
    usage: Usage,
    months: Mapping[str, Usage],
    summary: Mapping[str, int],
    features: Mapping[str, tuple[int, int]],
) -> dict[str, Any]:
    """One mode's column: billed events, persons, each month's cost, the feature matrix."""
    invoices = price_months(months, priced, InvoiceModel(args.model))
    return {
        "identified_events": usage.identified_events,
        "anonymous_events": usage.anonymous_events,
        **summary,
        "cost": {month: str(invoice.total) for month, invoice in invoices.items()},
        "cost_total": str(sum((invoice.total for invoice in invoices.values()), Decimal("0.00"))),
        "features": {
            feature: {"events": events, "persons": persons}
            for feature, (events, persons) in features.items()
        },
    }


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
