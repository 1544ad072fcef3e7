"""The ``identity-model`` command line: replay, example, explain, compare, import, check, price.

One module per command (``cli/<command>.py``, each a ``run(args, out, err) -> int``) over one
runner (``cli/runner.py``). The only modules besides ``identity_model.io`` that read or write
files. Every error is one line on stderr with a code; exit codes: 0 ok, 1 some lines rejected
or checks failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO, assert_never

from identity_model.billing.pricing import DEFAULT_BOOK, MAX_EVENTS_PER_MONTH, InvoiceModel
from identity_model.cli.exports import add_export_arguments
from identity_model.cli.runner import (
    EXAMPLE,
    EXIT_USAGE,
    RefusedRun,
    UsageError,
    example_names,
)
from identity_model.cli.terminal import printable, run_guarded
from identity_model.errors import IdentityError
from identity_model.vendor import DEFAULT_VENDOR, PriceInput, vendor_named, vendor_names

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
  identity-model compare --vendors posthog,mixpanel,amplitude,segment my.jsonl
                                             the same traffic under each vendor, side by side
  identity-model replay --from segment logs/ --format summary    a vendor's export (also compare)
  identity-model import --from mixpanel export.jsonl > my.jsonl  an export as a script of ours
  identity-model check identity_model_spec/cases      run conformance cases
  identity-model price --anonymous-events 5000000 --identified-events 5000000
  identity-model price --vendor segment --mtu 30000

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


def _price_flag(command: argparse.ArgumentParser, item: PriceInput) -> None:
    """One ``price`` flag from a vendor's ``PriceInput`` (default None: the vendor's own)."""
    flag = "--" + item.name.replace("_", "-")
    match item.kind:
        case "meter" | "count":
            command.add_argument(flag, type=_count, metavar="N", help=item.help)
        case "decimal":
            command.add_argument(flag, type=_price, metavar="AMOUNT", help=item.help)
        case "choice":
            command.add_argument(flag, choices=item.choices or None, help=item.help)
        case "choices":
            command.add_argument(
                flag, action="append", choices=item.choices or None, help=item.help
            )
        case "text":
            command.add_argument(flag, metavar="TEXT", help=item.help)
        case _:
            assert_never(item.kind)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word that is not an option), if any."""
    return next((word for word in argv if not word.startswith("-")), None)


def _engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and the Dask engine's flags (replay, compare; checked by
    ``cli/dask_engine.py``)."""
    engine = parser.add_argument_group(
        "engine",
        "past one machine: --engine dask folds the script on Dask, partitioned by identity\n"
        "component, and prints the same report; docs/scale.md",
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


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; what costs imports (every vendor's price flags, the registered vendors'
    names, which read the entry points) is built only for the ``command`` that needs it, so
    ``replay`` under one vendor loads no other (#10: start-up time)."""
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
        "replay a script (JSON Lines, one operation a line) or a vendor's export and show what "
        "happened",
        "examples:\n  identity-model replay                       the built-in example\n"
        "  identity-model replay my.jsonl --explain\n"
        "  identity-model replay my.jsonl --person-profiles always --format json\n"
        "  zcat big.jsonl.gz | identity-model replay - --format summary\n"
        "  identity-model replay --from segment segment-logs/ --format summary\n"
        "  identity-model replay export.jsonl.gz        a vendor's export, the vendor guessed\n\n"
        'A script line is e.g. {"op": "identify", "distinct_id": "user-1"}; see\n'
        "'identity-model example' and docs/conformance-format.md.\n\n"
        "Every format streams the file: memory holds the model's state (persons, ids), not\n"
        "the lines; json keeps one small record per line in a temporary file and writes the\n"
        "report as it is made (each event's person is its final one, known at the end).",
    )
    add_export_arguments(replay_cmd, paths_required=False)
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
    _engine_arguments(replay_cmd)
    replay_cmd.set_defaults(handler="replay")

    example_cmd = add(
        "example",
        "print the built-in example script (copy it to start your own)",
        "example:\n  identity-model example > my.jsonl && identity-model replay my.jsonl",
    )
    example_cmd.add_argument(
        "--name",
        choices=example_names() if command == "example" else None,  # (read from the package)
        default=EXAMPLE.removesuffix(".jsonl"),
        help="which example (vendors: the cross-vendor worked example, for compare --vendors)",
    )
    example_cmd.set_defaults(handler="example")

    explain_cmd = add(
        "explain",
        "print rules by id: title, MUST sentence and source",
        "examples:\n  identity-model explain SV-14 CL-13\n  identity-model explain      every rule",
    )
    explain_cmd.add_argument("rules", nargs="*", metavar="RULE", help="rule ids such as SV-14")
    explain_cmd.set_defaults(handler="explain")

    compare_cmd = add(
        "compare",
        "replay the same traffic under identified_only, always and never (or, with --vendors,\n"
        "under each vendor), side by side",
        "examples:\n  identity-model compare my.jsonl --format json\n"
        "  identity-model compare --vendors posthog,mixpanel,amplitude,segment my.jsonl\n"
        "  identity-model example --name vendors | identity-model compare --vendors "
        "posthog,mixpanel,amplitude,segment -\n\n"
        "Client calls follow each mode; server 'ingest' lines are the same in all three.\n"
        "With --vendors the vendor the config line names keeps its settings; every other vendor\n"
        "starts from its own defaults (--person-profiles still sets PostHog's mode).",
    )
    add_export_arguments(compare_cmd, paths_required=True)
    compare_cmd.add_argument("--format", choices=("text", "json"), default="text")
    compare_cmd.add_argument(
        "--model",
        choices=[m.value for m in InvoiceModel],
        default=None,
        help=f"PostHog's invoice reading (default {InvoiceModel.BASE_PLUS_ADDON.value})",
    )
    compare_cmd.add_argument(
        "--book",
        default=None,
        help=f"PostHog's price book name or JSON file (default {DEFAULT_BOOK})",
    )
    # --- the cross-vendor what-if (issue #14) ---
    compare_cmd.add_argument(
        "--vendors",
        metavar="V1,V2,...",
        help="compare vendors instead of modes (registered: "
        + (", ".join(vendor_names()) if command == "compare" else "see identity-model compare -h")
        + ")",
    )
    compare_cmd.add_argument(
        "--person-profiles",
        choices=_person_profiles(),
        help="with --vendors: PostHog's mode (default: the config line's, else its default)",
    )
    compare_cmd.add_argument(
        "--bill",
        action="append",
        metavar="VENDOR.OPTION=VALUE",
        help="with --vendors: one vendor's bill setting, repeatable (segment.plan=free, "
        "mixpanel.addon=group_analytics, amplitude.plan=plus, amplitude.unit_price=0.049, "
        "amplitude.purchased_mtus=1000); default: each book's default plan",
    )
    # --- end the cross-vendor what-if ---
    _engine_arguments(compare_cmd)
    compare_cmd.set_defaults(handler="compare")

    # --- import (issue #13): a vendor's export as a script of ours -------------------------
    import_cmd = add(
        "import",
        "write a vendor's export (PostHog, Segment, Mixpanel, Amplitude) as a script of ours",
        "examples:\n  identity-model import --from segment segment-logs/ > repro.jsonl\n"
        "  identity-model import export.json.gz -o repro.jsonl     the vendor guessed\n\n"
        "One ingest line per operation; a rejected record is a // FILE:LINE: code: message\n"
        "comment. Replaying the script gives the export's report (docs/importing.md).",
    )
    add_export_arguments(import_cmd, paths_required=True)
    import_cmd.add_argument("-o", "--output", help="the script file (default: standard output)")
    import_cmd.add_argument(
        "--person-profiles",
        choices=_person_profiles(),
        help="write a config line with this person_profiles mode",
    )
    import_cmd.set_defaults(handler="imports")
    # --- end of import ------------------------------------------------------------------

    check_cmd = add(
        "check",
        "run conformance cases (format §4) and print pass/fail per case",
        "examples:\n  identity-model check identity_model_spec/cases\n"
        "  identity-model check my-case.json "
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
    check_cmd.set_defaults(handler="check")

    price_cmd = add(
        "price",
        "price a month of a vendor's meters with its book, each invoice line explained",
        "examples:\n  identity-model price --anonymous-events 10000000\n"
        "  identity-model price --anonymous-events 5_000_000 --identified-events 5_000_000 \\\n"
        "      --model docs_split --format json\n"
        "  identity-model price --vendor segment --mtu 30000\n"
        "  identity-model price --vendor amplitude --plan plus --unit-price 0.049 "
        "--purchased-mtus 1000 --mtu 1200"
        "\n\nCounts accept 5_000_000 or 5,000,000. Each flag says which vendors read it; a flag\n"
        "the chosen vendor does not read is a usage error.",
    )
    # --- vendor books (issue #14): the flags are the priced vendors' price_inputs ---
    if command == "price":  # (every vendor is imported to know its flags)
        from identity_model.cli import price  # noqa: PLC0415

        price_cmd.add_argument(
            "--vendor",
            choices=price.priced_vendors(),
            default=DEFAULT_VENDOR,
            help=f"whose book (default {DEFAULT_VENDOR})",
        )
        for item in price.all_inputs().values():
            _price_flag(price_cmd, item)
    # --- end vendor books ---
    price_cmd.add_argument("--format", choices=("text", "json"), default="text")
    price_cmd.set_defaults(handler="price")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser(_command_of(sys.argv[1:] if argv is None else argv))

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
        # The command's module is imported only now: one command's imports, not all of them.
        handler = importlib.import_module(f"identity_model.cli.{args.handler}").run
        code: int = handler(args, out, err)
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
