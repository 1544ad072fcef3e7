"""The ``identity-model`` command line: replay, example, explain, compare, check, price.

The only module besides ``jsonio`` that reads or writes files. Every error is one line on
stderr with a code; exit codes: 0 ok, 1 some lines rejected or checks failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import IO, Any, TextIO

from identity_model import customerio
from identity_model.eligibility import feature_matrix
from identity_model.errors import IdentityError
from identity_model.jsonio import ScriptItem, ScriptReader
from identity_model.operations import PersonProfiles, Vendor
from identity_model.outcome import Status
from identity_model.pricing import (
    DEFAULT_BOOK,
    Invoice,
    InvoiceModel,
    PriceBook,
    load_price_book,
    monthly_usage,
    plain_amount,
    price,
    price_months,
    usage_of,
)
from identity_model.reducers import Session
from identity_model.report import StepRecord, build_report, record_of
from identity_model.ruledocs import rules
from identity_model.world import World, empty_world

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
PROGRESS_MIN_BYTES = 256 * 1024  # about a few thousand lines
EXAMPLE = "first-visit.jsonl"

EPILOG = """\
examples:
  identity-model replay                      replay the built-in example, explained step by step
  identity-model example > my.jsonl          copy the built-in example to edit
  identity-model replay my.jsonl --explain   every rule that fired, with its MUST sentence
  identity-model replay big.jsonl --format summary
  cat my.jsonl | identity-model replay - --format json
  identity-model compare my.jsonl            the same traffic under identified_only, always, never
  identity-model check spec_tests/cases      run conformance cases
  identity-model price --anonymous-events 5000000 --identified-events 5000000

exit codes: 0 ok; 1 some lines rejected or some checks failed; 2 usage error (bad arguments,
missing or unreadable file). A rejected line is reported as FILE:LINE: code: message on stderr.
"""


class UsageError(Exception):
    """A problem with the command itself (exit 2)."""


# --- reading scripts -------------------------------------------------------------------------


def _open_binary(path: str, stack: ExitStack) -> tuple[IO[bytes], int | None]:
    if path == "-":
        return sys.stdin.buffer, None
    try:
        handle = stack.enter_context(open(path, "rb"))  # noqa: SIM115
        return handle, os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None


def _example_bytes() -> bytes:
    return (resources.files("identity_model") / "examples" / EXAMPLE).read_bytes()


def _lines(handle: IO[bytes] | None, size: int | None, err: TextIO) -> Iterator[tuple[bytes, int]]:
    """Raw lines with the bytes read so far; a progress bar on a terminal for big inputs."""
    source: Iterable[bytes] = (
        handle if handle is not None else _example_bytes().splitlines(keepends=True)
    )
    done = 0
    show = err.isatty() and (size is None or size >= PROGRESS_MIN_BYTES) and handle is not None
    if not show:
        for raw in source:
            done += len(raw)
            yield raw, done
        return
    from rich.progress import Progress  # noqa: PLC0415 (only where a terminal shows it)

    with Progress(console=_rich_console(err), transient=True) as progress:
        task = progress.add_task("replaying", total=size)
        for count, raw in enumerate(source, start=1):
            done += len(raw)
            yield raw, done
            if count % 2000 == 0:
                progress.update(task, completed=done)


def _rich_console(err: TextIO) -> Any:
    from rich.console import Console  # noqa: PLC0415 (only where a terminal shows it)

    return Console(file=err)


class Replay:
    """Streams one script through a session; renderers see each step as it happens."""

    def __init__(self, path: str | None, overrides: dict[str, Any]) -> None:
        self.path = path
        self.label = path if path is not None else f"<built-in {EXAMPLE}>"
        self.reader = ScriptReader(overrides)
        self.session: Session | None = None
        self.rejected: list[StepRecord] = []
        self.outcomes: Counter[Status] = Counter()

    def run(
        self,
        err: TextIO,
        on_step: Callable[[StepRecord], None] | None = None,
        on_comment: Callable[[str], None] | None = None,
    ) -> World:
        with ExitStack() as stack:
            handle, size = (None, None) if self.path is None else _open_binary(self.path, stack)
            for number, (raw, _) in enumerate(_lines(handle, size, err), start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    item: ScriptItem | None = self.reader.bad_line(number, "not UTF-8 text")
                else:
                    if on_comment is not None and text.lstrip().startswith("//"):
                        on_comment(text.strip())
                    item = self.reader.read_line(number, text)
                if item is None:
                    continue
                record = record_of(self._session(), item)
                self.outcomes[record.status] += 1
                if record.status is Status.REJECTED:
                    self.rejected.append(record)
                if on_step is not None:
                    on_step(record)
        return self._session().world

    def _session(self) -> Session:
        if self.session is None:
            config = self.reader.config
            self.session = Session(empty_world(config))
        return self.session

    def report_rejected(self, err: TextIO) -> None:
        for record in self.rejected:
            codes = ",".join(record.codes)
            err.write(f"{self.label}:{record.line}: {codes}: {record.message}\n")


# --- replay output ---------------------------------------------------------------------------


def _book(args: argparse.Namespace, free: int | None) -> PriceBook:
    book = load_price_book(args.book)
    return book.with_free_events(free) if free is not None else book


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


# Presentation only: of the server rules in a chain, these say who an event belongs to or how
# it is billed; the others are intermediate steps (the rules live in ingestion.py).
_DECISIVE = frozenset(
    [
        "SV-01",
        "SV-02",
        "SV-07",
        "SV-10",
        "SV-11",
        "SV-12",
        "SV-13",
        "SV-14",
        "SV-15",
        "SV-16",
        "SV-23",
        "SV-25",
        "SV-26",
        "SV-29",
        "SV-30",
    ]
)


def _decided_by(record: StepRecord) -> str:
    """The client rule that chose what to send, and the last server rule that decided it."""
    vendor_rules = [rule for rule in record.rules if rule.startswith("CIO-")]
    if vendor_rules:
        return " ".join(vendor_rules) + (f" [{', '.join(record.codes)}]" if record.codes else "")
    client = next((rule for rule in record.rules if rule.startswith("CL-")), None)
    server = next((rule for rule in reversed(record.rules) if rule in _DECISIVE), None)
    decided = " -> ".join(rule for rule in (client, server) if rule) or "-"
    return decided + (f" [{', '.join(record.codes)}]" if record.codes else "")


class TextRenderer:
    COLUMNS = (
        "{line:>5}  {op:<14} {outcome:<8} {event:<22} {distinct:<16} {billed:<10} {person:<6} "
        "{rules}"
    )

    def __init__(self, out: TextIO, replay: Replay, *, explain: bool) -> None:
        self.out = out
        self.replay = replay
        self.explain = explain
        self.header_done = False
        self.pending: list[str] = []  # comments before the first step (the config may follow)

    def _header(self) -> None:
        if self.header_done:
            return
        self.header_done = True
        config = self.replay.reader.config
        settings = (
            f"vendor {config.vendor}"
            if config.vendor is Vendor.CUSTOMERIO
            else f"vendor {config.vendor}, person_profiles {config.person_profiles}, "
            f"client {config.client}"
        )
        self.out.write(f"identity-model replay {self.replay.label}\n{settings}\n\n")
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
        self.out.write(f"{'':>5}  {text}\n")

    def step(self, record: StepRecord) -> None:
        if not self.header_done:
            self._header()
            for text in self.pending:
                self.comment(text)
        event = record.event
        person = "-"
        if event is not None and event.seq is not None and self.replay.session is not None:
            key = self.replay.session.person_key_of(event.distinct_id)
            person = "-" if key is None else f"P{key}"
        billed = (
            "-" if event is None else (event.billed_as.value if event.billed_as else "not billed")
        )
        outcome = record.status.value
        self.out.write(
            self.COLUMNS.format(
                line=record.line,
                op=record.op or "?",
                outcome=outcome,
                event=event.event if event else "-",
                distinct=event.distinct_id if event else "-",
                billed=billed,
                person=person,
                rules=_decided_by(record),
            ).rstrip()
            + "\n"
        )
        if record.status is Status.REJECTED:
            self.out.write(f"{'':>7}{record.message}\n")
        if self.explain:
            documented = rules()
            for rule_id in record.rules:
                rule = documented.get(rule_id)
                sentence = rule.must if rule else "(no rule page)"
                self.out.write(f"{'':>7}{rule_id:<6} {sentence}\n")

    def finish(self, world: World, book: PriceBook) -> None:
        self._header()
        merged: dict[int, list[int]] = {}
        for key in world.graph.merged_into:
            root = key
            while root in world.graph.merged_into:
                root = world.graph.merged_into[root]
            merged.setdefault(root, []).append(key)
        groups = world.graph.distinct_ids_by_person()
        self.out.write(f"\npersons ({len(groups)})\n")
        for key, ids in sorted(groups.items(), key=lambda entry: min(entry[1])):
            person = world.graph.persons[key]
            earlier = (
                f" (earlier also {', '.join(f'P{k}' for k in sorted(merged[key]))})"
                if key in merged
                else ""
            )
            state = "identified" if person.is_identified else "not identified"
            self.out.write(f"  P{key}{earlier}: {', '.join(sorted(ids))} — {state}\n")
            nulls = 0
            for name, value in sorted(person.properties.items()):
                if value is None and name.startswith("$initial_"):
                    nulls += 1  # posthog-js sends every campaign key, null when absent
                    continue
                self.out.write(f"      {name} = {json.dumps(value, ensure_ascii=False)}\n")
            if nulls:
                self.out.write(f"      (and {nulls} $initial_* campaign keys = null)\n")
        self.out.write(
            "  Each event belongs to the final person of its distinct id (see --format json).\n"
        )
        _write_usage_and_cost(self.out, world, book)


def _write_usage_and_cost(out: TextIO, world: World, book: PriceBook) -> None:
    usage = world.usage
    out.write(
        f"\nusage: {usage.anonymous_events} anonymous + {usage.identified_events} identified "
        f"= {usage.total_events} billed events\n"
    )
    invoices = price_months(monthly_usage(world, book), book)
    total = Decimal("0.00")
    for month, invoice in invoices.items():
        total += invoice.total
        lines = ", ".join(
            f"{line.name} {_money(line.amount, invoice.currency)}" for line in invoice.lines
        )
        out.write(f"cost {month}: {_money(invoice.total, invoice.currency)} ({lines})\n")
    out.write(
        f"cost total: {_money(total, book.currency)} (book {book.name}, model base_plus_addon)\n"
    )


def _summary(world: World, replay: Replay) -> dict[str, Any]:
    if world.config.vendor is Vendor.CUSTOMERIO:
        anonymous, identified = customerio.usage_counts(world.customerio)
        persons = identified_persons = len(world.customerio.people)
    else:
        anonymous, identified = world.usage.anonymous_events, world.usage.identified_events
        persons = len(world.graph.persons)
        identified_persons = sum(
            1 for person in world.graph.persons.values() if person.is_identified
        )
    return {
        "format": "identity-model-summary/1",
        "steps": {status.value: replay.outcomes[status] for status in Status},
        "persons": persons,
        "identified_persons": identified_persons,
        "usage": {"anonymous_events": anonymous, "identified_events": identified},
    }


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if getattr(args, "person_profiles", None):
        overrides["person_profiles"] = PersonProfiles(args.person_profiles)
    if getattr(args, "vendor", None):
        overrides["vendor"] = Vendor(args.vendor)
    return overrides


def cmd_replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = None if args.file is None else args.file
    replay = Replay(path, _overrides(args))
    if args.format == "text":
        renderer = TextRenderer(out, replay, explain=args.explain)
        world = replay.run(err, on_step=renderer.step, on_comment=renderer.comment)
        if world.config.vendor is Vendor.CUSTOMERIO:
            _write_customerio_end(out, world)
        else:
            renderer.finish(world, _book(args, replay.reader.config.free_events_per_month))
    elif args.format == "json":
        records: list[StepRecord] = []
        world = replay.run(err, on_step=records.append)
        _dump(build_report(records, world), out)
    else:
        world = replay.run(err)
        _dump(_summary(world, replay), out)
    replay.report_rejected(err)
    return EXIT_FAILED if replay.rejected else EXIT_OK


def _write_customerio_end(out: TextIO, world: World) -> None:
    """Customer.io: every track judged at the end of the script, the people and the merges."""
    state = world.customerio
    parts = customerio.report_parts(state, list(range(len(state.events))))
    end = state.clock.isoformat() if state.clock else "-"
    out.write(f"\nevents, judged at the end of the script ({end})\n")
    for event, raw in zip(parts["events"], state.event_log(), strict=True):
        who = f"user {raw.user_id}" if raw.user_id else f"anonymous {raw.anonymous_id}"
        flags = ", ".join(
            name for name in ("merged", "retained", "can_trigger_campaign") if event[name]
        )
        out.write(f"  {raw.timestamp.isoformat()}  {raw.event:<22} {who:<26} {flags or '-'}\n")
    out.write(f"\npeople ({len(parts['persons'])})\n")
    for person in parts["persons"]:
        out.write(f"  {', '.join(person['distinct_ids'])}  {json.dumps(person['properties'])}\n")
    out.write(f"\nanonymous data merged ({len(parts['activity'])})\n")
    for entry in parts["activity"]:
        out.write(
            f"  {entry['person']} <- {entry['anonymous_id']}: {entry['count']} events, "
            f"oldest at unix {entry['oldest_timestamp']}\n"
        )
    usage = parts["usage"]
    out.write(
        f"\nusage: {usage['anonymous_events']} anonymous + {usage['identified_events']} identified "
        "(Customer.io pricing is not modelled)\n"
    )


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")


def cmd_example(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(_example_bytes().decode("utf-8"))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    documented = rules()
    wanted = [rule.upper() for rule in args.rules] or sorted(documented)
    missing = [rule for rule in wanted if rule not in documented]
    if missing:
        raise UsageError(f"no such rule: {', '.join(missing)} (try: identity-model explain)")
    for rule_id in wanted:
        rule = documented[rule_id]
        out.write(
            f"{rule.id}  {rule.title}\n  MUST: {rule.must}\n  source: {rule.source}\n"
            f"  page: docs/rules/{rule.page}\n\n"
        )
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    columns: dict[str, dict[str, Any]] = {}
    rejected = False
    for mode in PersonProfiles:
        replay = Replay(args.file, {"person_profiles": mode})
        world = replay.run(err)
        if world.config.vendor is not Vendor.POSTHOG:
            raise UsageError(f"{args.file}: compare needs a PostHog script (person_profiles modes)")
        rejected = rejected or bool(replay.rejected)
        book = _book(args, replay.reader.config.free_events_per_month)
        invoices = price_months(monthly_usage(world, book), book, InvoiceModel(args.model))
        columns[mode.value] = {
            "identified_events": world.usage.identified_events,
            "anonymous_events": world.usage.anonymous_events,
            "persons": len(world.graph.persons),
            "identified_persons": sum(1 for p in world.graph.persons.values() if p.is_identified),
            "cost": {month: str(invoice.total) for month, invoice in invoices.items()},
            "cost_total": str(
                sum((invoice.total for invoice in invoices.values()), Decimal("0.00"))
            ),
            "features": {
                row.feature.value: {"events": row.events, "persons": row.persons}
                for row in feature_matrix(world)
            },
        }
        if mode is PersonProfiles.IDENTIFIED_ONLY:
            replay.report_rejected(err)
    if args.format == "json":
        _dump(
            {
                "format": "identity-model-compare/1",
                "book": args.book,
                "model": args.model,
                "modes": columns,
            },
            out,
        )
    else:
        _write_comparison(out, args.file, columns, args.book)
    return EXIT_FAILED if rejected else EXIT_OK


def _write_comparison(
    out: TextIO, path: str, columns: dict[str, dict[str, Any]], book: str
) -> None:
    modes = list(columns)
    width = 16
    out.write(
        f"identity-model compare {path}: the same traffic under each person_profiles mode\n\n"
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
    out.write(f"\nevents each feature can use (persons in brackets); book {book}\n")
    for feature in columns[modes[0]]["features"]:
        cells = []
        for m in modes:
            use = columns[m]["features"][feature]
            cells.append(f"{use['events']} ({use['persons']})" if use["events"] else "unavailable")
        out.write(f"{feature:<30}" + "".join(f"{cell:>{width}}" for cell in cells) + "\n")


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The model never needs the conformance suite; only this command does.
    from spec_tests.cases import CaseFormatError, differences, load_cases  # noqa: PLC0415
    from spec_tests.protocol import AdapterLoadError, load_adapter  # noqa: PLC0415

    try:
        adapter = load_adapter(args.impl)
    except AdapterLoadError as error:
        raise UsageError(str(error)) from None
    paths = [Path(path) for path in args.cases]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    try:
        cases = load_cases(paths)
    except CaseFormatError as error:
        raise UsageError(str(error)) from None
    if not cases:
        raise UsageError("no cases found (case files are *.json; rule pages *.md)")
    failed = 0
    for case in cases:
        found = differences(case.expect, adapter(list(case.script)))
        if found:
            failed += 1
            out.write(f"FAIL {case.id} ({case.origin}): {found[0]}\n")
        else:
            out.write(f"PASS {case.id}\n")
    out.write(f"\n{len(cases) - failed} passed, {failed} failed\n")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_price(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    book = _book(args, args.free_events)
    invoice = price(
        usage_of(args.anonymous_events, args.identified_events), book, InvoiceModel(args.model)
    )
    if args.format == "json":
        _dump(invoice.as_json(), out)
    else:
        _write_invoice(out, invoice)
    return EXIT_OK


def _write_invoice(out: TextIO, invoice: Invoice) -> None:
    model = "" if invoice.model is None else f", model {invoice.model.value}"
    out.write(f"book {invoice.book}{model}\n")
    for line in invoice.lines:
        out.write(
            f"{line.name:<20} {line.quantity:>14,} events "
            f"{_money(line.amount, invoice.currency):>18}\n"
        )
        for charge in line.tiers:
            if charge.quantity:
                top = "and up" if charge.end is None else f"{charge.end:,}"
                span = f"{charge.start:>12,} - {top:<12}"
                out.write(
                    f"    {span} {charge.quantity:>12,} x {plain_amount(charge.unit_price)} "
                    f"= {plain_amount(charge.amount)}\n"
                )
    out.write(f"{'total':<20} {'':>21} {_money(invoice.total, invoice.currency):>18}\n")


# --- arguments -------------------------------------------------------------------------------


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("counts are >= 0")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="identity-model",
        description=(
            "Who each analytics event belongs to, whether it is billed anonymous or identified, "
            "what it costs, and which rule decided it (PostHog's identity rules, as code)."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, epilog: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    replay = add(
        "replay",
        "replay a script (JSON Lines, one operation a line) and show what happened",
        "examples:\n  identity-model replay                       the built-in example\n"
        "  identity-model replay my.jsonl --explain\n"
        "  identity-model replay my.jsonl --person-profiles always --format json\n"
        "  zcat big.jsonl.gz | identity-model replay - --format summary\n\n"
        'A script line is e.g. {"op": "identify", "distinct_id": "user-1"}; see\n'
        "'identity-model example' and docs/conformance-format.md.\n\n"
        "text and summary stream the file (memory holds the model's state, not the lines);\n"
        "json keeps one small record per line to print the whole report at the end.",
    )
    replay.add_argument(
        "file", nargs="?", help="the script, - for standard input; none: the built-in example"
    )
    replay.add_argument(
        "--format",
        choices=("text", "json", "summary"),
        default="text",
        help="text: a table per step (default); json: the conformance report; summary: counts only",
    )
    replay.add_argument(
        "--explain",
        action="store_true",
        help="(text) every rule that fired, with its MUST sentence",
    )
    replay.add_argument(
        "--person-profiles",
        choices=[m.value for m in PersonProfiles],
        help="override the config line",
    )
    replay.add_argument(
        "--vendor", choices=[v.value for v in Vendor], help="override the config line"
    )
    replay.add_argument(
        "--book", default=DEFAULT_BOOK, help="price book name or JSON file for the cost (text)"
    )
    replay.set_defaults(handler=cmd_replay)

    example = add(
        "example",
        "print the built-in example script (copy it to start your own)",
        "example:\n  identity-model example > my.jsonl && identity-model replay my.jsonl",
    )
    example.set_defaults(handler=cmd_example)

    explain = add(
        "explain",
        "print rules by id: title, MUST sentence and source",
        "examples:\n  identity-model explain SV-14 CL-13\n  identity-model explain      every rule",
    )
    explain.add_argument("rules", nargs="*", metavar="RULE", help="rule ids such as SV-14")
    explain.set_defaults(handler=cmd_explain)

    compare = add(
        "compare",
        "replay the same traffic under identified_only, always and never, side by side",
        "example:\n  identity-model compare my.jsonl --format json\n\n"
        "Client calls follow each mode; server 'ingest' lines are the same in all three.",
    )
    compare.add_argument(
        "file", help="the script, or - for standard input (read once per mode: use a file)"
    )
    compare.add_argument("--format", choices=("text", "json"), default="text")
    compare.add_argument(
        "--model",
        choices=[m.value for m in InvoiceModel],
        default=InvoiceModel.BASE_PLUS_ADDON.value,
    )
    compare.add_argument("--book", default=DEFAULT_BOOK, help="price book name or JSON file")
    compare.set_defaults(handler=cmd_compare)

    check = add(
        "check",
        "run conformance cases (format §4) and print pass/fail per case",
        "examples:\n  identity-model check spec_tests/cases\n  identity-model check my-case.json "
        "--impl my_package.adapter:run",
    )
    check.add_argument(
        "cases",
        nargs="+",
        metavar="CASES",
        help="case files (*.json), rule pages (*.md) or folders",
    )
    check.add_argument(
        "--impl",
        default="identity_model.conformance:run",
        help="the adapter under test, module:function",
    )
    check.set_defaults(handler=cmd_check)

    price_cmd = add(
        "price",
        "price a month of anonymous and identified events",
        "examples:\n  identity-model price --anonymous-events 10000000\n"
        "  identity-model price --anonymous-events 5_000_000 --identified-events 5_000_000 \\\n"
        "      --model docs_split --format json"
        "\n\nCounts accept 5_000_000 or 5,000,000.",
    )
    price_cmd.add_argument("--anonymous-events", type=_count, default=0, metavar="N")
    price_cmd.add_argument("--identified-events", type=_count, default=0, metavar="M")
    price_cmd.add_argument(
        "--model",
        choices=[m.value for m in InvoiceModel],
        default=InvoiceModel.BASE_PLUS_ADDON.value,
        help="base_plus_addon (PostHog's billing, default) or docs_split (the FAQ's reading)",
    )
    price_cmd.add_argument(
        "--book", default=DEFAULT_BOOK, help="shipped book name or a JSON file of your own"
    )
    price_cmd.add_argument(
        "--free-events", type=_count, default=None, metavar="N", help="resize the free first tier"
    )
    price_cmd.add_argument("--format", choices=("text", "json"), default="text")
    price_cmd.set_defaults(handler=cmd_price)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        code: int = args.handler(args, out, err)
    except UsageError as error:
        err.write(f"identity-model: {error}\n")
        return EXIT_USAGE
    except IdentityError as error:
        err.write(f"identity-model: {error.code.value}: {error.message}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        err.write("identity-model: interrupted\n")
        return 130
    return code
