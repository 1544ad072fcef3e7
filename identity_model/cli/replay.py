"""``identity-model replay``: a script step by step (text), as the conformance report (json)
or as counts (summary)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal
from typing import Any, TextIO

from identity_model.cli.exports import ExportRunner, runner_for
from identity_model.cli.price import options_given
from identity_model.cli.runner import (
    EXIT_FAILED,
    EXIT_OK,
    RefusedRun,
    Runner,
    UsageError,
    dump,
    money,
)
from identity_model.cli.terminal import is_unicode, printable
from identity_model.errors import IdentityError
from identity_model.io.report import write_report
from identity_model.io.rules import rules
from identity_model.io.spool import RecordSpool
from identity_model.operations import Config
from identity_model.outcome import Status, StepRecord
from identity_model.reducers import Session
from identity_model.vendor import vendor_named
from identity_model.world import World, empty_world


class TextRenderer:
    COLUMNS = (
        "{line:>5}  {op:<14} {outcome:<8} {event:<22} {distinct:<16} {billed:<10} {person:<6} "
        "{rules}"
    )

    def __init__(
        self, out: TextIO, runner: Runner, *, explain: bool, book: str | None = None
    ) -> None:
        self.out = out
        self.runner = runner
        self.explain = explain
        self.bill_options: dict[str, Any] = {}
        self.book = book
        self.header_done = False
        self.pending: list[str] = []  # comments before the first step (the config may follow)

    def _header(self) -> None:
        if self.header_done:
            return
        self.header_done = True
        config = self.runner.config
        # issue #14: the vendor's bill must read what was asked of it (checked before output)
        given = {"book": self.book} if self.book is not None else {}
        self.bill_options = options_given(vendor_named(config.vendor), given, "replay")
        settings = ", ".join(
            f"{item.name} {value}"
            for item in fields(config)
            if (value := getattr(config, item.name)) is not None
        )
        self.out.write(f"identity-model replay {printable(self.runner.label)}\n{settings}\n\n")
        self.out.write(
            self.COLUMNS.format(
                line="line",
                op="op",
                outcome="outcome",
                event="event",
                distinct="distinct id",
                billed="billed as",
                person="person",
                rules="decided by",
            )
            + "\n"
        )

    def comment(self, text: str) -> None:
        if not self.header_done:
            self.pending.append(text)
            return
        self.out.write(f"{'':>5}  {printable(text)}\n")

    def step(self, record: StepRecord, session: Session) -> None:
        if not self.header_done:
            self._header()
            for text in self.pending:
                self.comment(text)
        event = record.event
        profile = session.profile
        person = "-" if event is None else session.person_label(event)
        billed = (
            "-" if event is None else (event.billed_as.value if event.billed_as else "not billed")
        )
        self.out.write(
            self.COLUMNS.format(
                line=record.line,
                op=printable(record.op or "?"),
                outcome=record.status.value,
                event=printable(event.event) if event else "-",
                distinct=printable(event.distinct_id) if event else "-",
                billed=billed,
                person=person,
                rules=profile.decided_by(record),
            ).rstrip()
            + "\n"
        )
        if record.status is Status.REJECTED:
            self.out.write(f"{'':>7}{printable(record.message)}\n")
        if self.explain:
            documented = rules()
            for rule_id in record.rules:
                rule = documented.get(rule_id)
                sentence = rule.must if rule else "(no rule page)"
                self.out.write(f"{'':>7}{rule_id:<6} {sentence}\n")

    def finish(self, world: World[Any]) -> None:
        self._header()
        profile = world.profile
        # The vendor's lines carry the user's ids and values: escaped, one line each (#17).
        described = profile.describe(world.state)
        self.out.write("\n" + "\n".join(printable(line) for line in described) + "\n")
        _write_usage_and_cost(self.out, world, self.bill_options)


def _write_usage_and_cost(out: TextIO, world: World[Any], options: dict[str, Any]) -> None:
    """The usage and each month's bill from the vendor's book (``VendorProfile.bill``);
    nothing for a vendor that is not priced."""
    profile = world.profile
    usage = world.usage_by_month()
    bills = profile.bill(usage, options, world.config)
    if bills is None:
        return
    out.write(f"\n{profile.usage_text(usage)}\n")
    total = Decimal("0.00")
    currency = terms = book_label = ""
    for month, bill in bills.items():
        invoice = bill.invoice
        total += invoice.total
        currency, terms, book_label = invoice.currency, bill.terms, invoice.book
        lines = ", ".join(
            f"{line.name} {money(line.amount, invoice.currency)}" for line in invoice.lines
        )
        flags = "".join(f"; {code}" for code, _ in bill.flags)
        out.write(f"cost {month}: {money(invoice.total, invoice.currency)} ({lines}){flags}\n")
        for note in bill.notes:
            out.write(f"  {note}\n")
    if not bills:
        out.write("cost total: nothing billed (no month has usage)\n")
        return
    out.write(f"cost total: {money(total, currency)} (book {book_label}, {terms})\n")


def summary(world: World[Any], runner: Runner) -> dict[str, Any]:
    return {
        "format": "identity-model-summary/1",
        "steps": {status.value: runner.outcomes[status] for status in Status},
        **world.profile.summary(world.state),
        "usage": world.usage.as_json(),
    }


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if getattr(args, "person_profiles", None):
        found["person_profiles"] = args.person_profiles
    if getattr(args, "vendor", None):
        found["vendor"] = args.vendor
    return found


def settings_checked(book_name: str | None) -> Callable[[Config], list[Session]]:
    """The session for the script's config, once its settings hold (#17: before the first
    line is replayed, in every format): the bill's options for the vendor, its book and the
    config's free allowance, as the bill at the end will read them."""
    given = {"book": book_name} if book_name is not None else {}

    def one_session(config: Config) -> list[Session]:
        profile = vendor_named(config.vendor)
        options = options_given(profile, given, "replay")
        try:
            profile.bill({}, options, None)  # the command's own settings (--book)
        except IdentityError as error:  # the command's, not the config line's
            raise RefusedRun(f"identity-model: {error.code.value}: {error.message}") from None
        profile.bill({}, options, config)  # with the config line's (FILE:LINE when refused)
        return [Session(empty_world(config))]

    return one_session


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    one_session = settings_checked(args.book)
    runner = runner_for(args, overrides(args))
    engine_flags = (args.scheduler, args.workers, args.partitions, args.spill_dir)
    if args.engine != "local" or any(flag is not None for flag in engine_flags):
        from identity_model.cli import dask_engine  # noqa: PLC0415 (only when asked for)

        if dask_engine.wanted(args):  # the engine's flags checked (usage errors)
            if isinstance(runner, ExportRunner):
                raise UsageError(dask_engine.SCRIPTS_ONLY)
            return dask_engine.run(args, runner, out, err, one_session)
    if args.format == "text":
        renderer = TextRenderer(out, runner, explain=args.explain, book=args.book)
        (session,) = runner.run(
            err,
            one_session,
            on_records=lambda records, sessions: renderer.step(records[0], sessions[0]),
            on_comment=renderer.comment,
        )
        renderer.finish(session.world)
    elif args.format == "json":
        # The records go to a file as they come; the report is written as it is made (#10).
        with RecordSpool() as records:
            (session,) = runner.run(
                err, one_session, on_records=lambda found, _: records.append(found[0])
            )
            write_report(out, records, session.world, ensure_ascii=not is_unicode(out))
    else:
        (session,) = runner.run(err, one_session)
        dump(summary(session.world, runner), out)
    runner.report_rejected(err)
    return EXIT_FAILED if runner.rejected else EXIT_OK
