"""The ``identity-model`` command line: replay, example, explain, compare, check, price.

One module per command (``cli/<command>.py``, each a ``run(args, out, err) -> int``) over one
runner (``cli/runner.py``). The only modules besides ``identity_model.io`` that read or write
files. Every error is one line on stderr with a code; exit codes: 0 ok, 1 some lines rejected
or checks failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from identity_model.billing.pricing import DEFAULT_BOOK, MAX_EVENTS_PER_MONTH, InvoiceModel
from identity_model.cli import check, compare, example, explain, price, replay
from identity_model.cli.runner import EXIT_USAGE, RefusedRun, UsageError
from identity_model.cli.terminal import printable, run_guarded
from identity_model.errors import IdentityError
from identity_model.vendor import DEFAULT_VENDOR, vendor_named, vendor_names

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class _VendorChoices:
    """``--vendor``'s choices, looked up only when used: finding plugin vendors reads the
    installed packages' entry points, which costs every run that does not need them."""

    def __contains__(self, name: object) -> bool:
        return name in vendor_names()

    def __iter__(self) -> Iterator[str]:
        return iter(vendor_names())


def _person_profiles() -> list[str]:
    """The default vendor's ``person_profiles`` modes (what ``--person-profiles`` overrides)."""
    current = getattr(vendor_named(DEFAULT_VENDOR).parse_config({}), "person_profiles", None)
    return [] if current is None else [str(mode) for mode in type(current)]


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
missing or unreadable file, settings that cannot run, a closed or full standard output);
141 the reader of the output went away (| head). A rejected line is reported as
FILE:LINE: code: message on stderr as soon as it is read; a line longer than 64 MiB is one.
"""


_COUNT = re.compile(r"[0-9]+(?:_[0-9]+)*|[0-9]{1,3}(?:,[0-9]{3})+")  # 5_000_000, 5,000,000


def _count(text: str) -> int:
    """A whole number of events: digits, ``_`` between digits, or ``,`` every three digits
    (``1,000,00`` is refused, not read as 100000; #17)."""
    if text.startswith("-") and _COUNT.fullmatch(text[1:].strip()):
        raise argparse.ArgumentTypeError("counts are >= 0")
    if not _COUNT.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number (5000000, 5_000_000 or 5,000,000)"
        )
    digits = text.strip().replace("_", "").replace(",", "")
    if len(digits.lstrip("0")) > len(str(MAX_EVENTS_PER_MONTH)):  # before int(): no huge ints
        raise argparse.ArgumentTypeError(f"{text!r} is more than {MAX_EVENTS_PER_MONTH:,}")
    value = int(digits)
    if value > MAX_EVENTS_PER_MONTH:
        raise argparse.ArgumentTypeError(f"{text!r} is more than {MAX_EVENTS_PER_MONTH:,}")
    return value


_AMOUNT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,12})?")  # issue #17: no 1e999999, NaN or 1_0


def _price(text: str) -> Decimal:
    """A money amount such as 0.049 (issue #14: Amplitude Plus): plain decimal notation, at
    most 9 digits before the point and 12 after, so that every amount stays exact (#17)."""
    if text.strip().startswith("-"):
        raise argparse.ArgumentTypeError("amounts are >= 0")
    if not _AMOUNT.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a decimal amount such as 0.049 "
            "(at most 9 digits before the point and 12 after)"
        )
    return Decimal(text.strip())


class _Parser(argparse.ArgumentParser):
    """argparse, except that a help or usage text that cannot be written is an error (#17):
    argparse itself drops it silently (``--help > /dev/full`` exited 0)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (file or sys.stderr).write(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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

    replay_cmd = add(
        "replay",
        "replay a script (JSON Lines, one operation a line) and show what happened",
        "examples:\n  identity-model replay                       the built-in example\n"
        "  identity-model replay my.jsonl --explain\n"
        "  identity-model replay my.jsonl --person-profiles always --format json\n"
        "  zcat big.jsonl.gz | identity-model replay - --format summary\n\n"
        'A script line is e.g. {"op": "identify", "distinct_id": "user-1"}; see\n'
        "'identity-model example' and docs/conformance-format.md.\n\n"
        "Every format streams the file: memory holds the model's state (persons, ids), not\n"
        "the lines; json keeps one small record per line in a temporary file and writes the\n"
        "report as it is made (each event's person is its final one, known at the end).",
    )
    replay_cmd.add_argument(
        "file", nargs="?", help="the script, - for standard input; none: the built-in example"
    )
    replay_cmd.add_argument(
        "--format",
        choices=("text", "json", "summary"),
        default="text",
        help="text: a table per step (default); json: the conformance report; summary: counts only",
    )
    replay_cmd.add_argument(
        "--explain",
        action="store_true",
        help="(text) every rule that fired, with its MUST sentence",
    )
    replay_cmd.add_argument(
        "--person-profiles",
        choices=_person_profiles(),
        help="override the config line",
    )
    replay_cmd.add_argument(
        "--vendor",
        choices=_VendorChoices(),
        metavar="VENDOR",  # (argparse would list the choices when the parser is built)
        help="override the config line: one of %(choices)s",
    )
    replay_cmd.add_argument(
        "--book", help="price book name or JSON file for the cost (text; default: the vendor's)"
    )
    engine = replay_cmd.add_argument_group(
        "engine",
        "past one machine: --engine dask folds the script on Dask, partitioned by identity\n"
        "component, and prints the same report (json, summary); docs/scale.md",
    )
    engine.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: this process (default); dask: a Dask cluster ([dask] extra)",
    )
    engine.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="(dask) a running scheduler, e.g. tcp://10.0.0.5:8786; default: a LocalCluster",
    )
    engine.add_argument(
        "--workers", type=int, metavar="N", help="(dask) LocalCluster workers (default: cores)"
    )
    engine.add_argument(
        "--partitions", type=int, metavar="N", help="(dask) partitions (default: 2 per core)"
    )
    engine.add_argument(
        "--spill-dir",
        metavar="DIR",
        help="(dask) where the partitions are written; a shared folder on a real cluster",
    )
    replay_cmd.set_defaults(handler=replay.run)

    example_cmd = add(
        "example",
        "print the built-in example script (copy it to start your own)",
        "example:\n  identity-model example > my.jsonl && identity-model replay my.jsonl",
    )
    example_cmd.set_defaults(handler=example.run)

    explain_cmd = add(
        "explain",
        "print rules by id: title, MUST sentence and source",
        "examples:\n  identity-model explain SV-14 CL-13\n  identity-model explain      every rule",
    )
    explain_cmd.add_argument("rules", nargs="*", metavar="RULE", help="rule ids such as SV-14")
    explain_cmd.set_defaults(handler=explain.run)

    compare_cmd = add(
        "compare",
        "replay the same traffic under identified_only, always and never, side by side",
        "example:\n  identity-model compare my.jsonl --format json\n\n"
        "Client calls follow each mode; server 'ingest' lines are the same in all three.",
    )
    compare_cmd.add_argument(
        "file", help="the script, or - for standard input (read once, all modes at a time)"
    )
    compare_cmd.add_argument("--format", choices=("text", "json"), default="text")
    compare_cmd.add_argument(
        "--model",
        choices=[m.value for m in InvoiceModel],
        default=InvoiceModel.BASE_PLUS_ADDON.value,
    )
    compare_cmd.add_argument("--book", default=DEFAULT_BOOK, help="price book name or JSON file")
    compare_cmd.set_defaults(handler=compare.run)

    check_cmd = add(
        "check",
        "run conformance cases (format §4) and print pass/fail per case",
        "examples:\n  identity-model check spec_tests/cases\n  identity-model check my-case.json "
        "--impl my_package.adapter:run",
    )
    check_cmd.add_argument(
        "cases",
        nargs="+",
        metavar="CASES",
        help="case files (*.json), rule pages (*.md) or folders",
    )
    check_cmd.add_argument(
        "--impl",
        default="identity_model.conformance:run",
        help="the adapter under test, module:function (the current directory is importable)",
    )
    check_cmd.set_defaults(handler=check.run)

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
    # --- vendor books (issue #14) ---
    price_cmd.add_argument(
        "--vendor",
        choices=("posthog", "amplitude", "mixpanel"),
        default="posthog",
        help="whose book (amplitude reads --plan, --mtu, --events, --unit-price, --purchased-mtus;"
        " mixpanel reads --plan, --events, --addon)",
    )
    price_cmd.add_argument(
        "--plan",
        choices=("starter", "plus", "free", "growth", "mtu"),
        default=None,
        help="amplitude: starter (default) or plus; mixpanel: free, growth (default) or mtu",
    )
    price_cmd.add_argument(
        "--addon",
        action="append",
        choices=("data_pipelines", "group_analytics"),
        default=[],
        help="mixpanel: an add-on bought on growth (repeatable)",
    )
    price_cmd.add_argument("--mtu", type=_count, default=0, metavar="N", help="unique MTUs")
    price_cmd.add_argument("--events", type=_count, default=0, metavar="M")
    price_cmd.add_argument(
        "--unit-price", type=_price, default=None, metavar="USD", help="Plus: your price per MTU"
    )
    price_cmd.add_argument(
        "--purchased-mtus", type=_count, default=None, metavar="N", help="Plus: MTUs bought"
    )
    # --- end vendor books ---
    price_cmd.add_argument("--format", choices=("text", "json"), default="text")
    price_cmd.set_defaults(handler=price.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()

    def command(out: TextIO, err: TextIO) -> int:
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help, or an argument error (usage on stderr)
            out.flush()  # the help on a full standard output is an io_error too
            return done.code if isinstance(done.code, int) else EXIT_USAGE
        return _run(args, out, err)

    # Standard output's faults (closed, full, a broken pipe) are run_guarded's (#17).
    return run_guarded(command)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        code: int = args.handler(args, out, err)
    except UsageError as error:
        err.write(f"identity-model: {printable(str(error))}\n")
        return EXIT_USAGE
    except RefusedRun as error:
        err.write(f"{printable(str(error))}\n")
        return EXIT_USAGE
    except IdentityError as error:
        err.write(f"identity-model: {error.code.value}: {printable(error.message)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("identity-model: interrupted\n")
        return 130
    return code
