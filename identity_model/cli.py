"""The ``identity-model`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from identity_model.errors import IdentityError
from identity_model.jsonio import ScriptReader
from identity_model.reducers import Session
from identity_model.report import build_report, iter_steps, rejected_lines, usage_entry

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="identity-model",
        description=(
            "Replay analytics identity scripts: who each event belongs to and how it is billed."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    replay = commands.add_parser("replay", help="replay a script (JSON Lines) and report")
    replay.add_argument("file", help="the script, or - for standard input")
    replay.add_argument("--format", choices=("json", "summary"), default="json")
    return parser


def _open(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    return open(path, encoding="utf-8")


def _replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    reader = ScriptReader()
    sessions: list[Session] = []
    with _open(args.file) as handle:
        records = list(iter_steps(reader, reader.read(handle), on_session=sessions.append))
    world = sessions[0].world
    report: dict[str, Any]
    if args.format == "json":
        report = build_report(records, world)
    else:
        report = {
            "usage": usage_entry(world),
            "persons": len(world.graph.persons),
            "steps": len(records),
        }
    json.dump(report, out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")
    bad = rejected_lines(records)
    for record in bad:
        err.write(f"{args.file}:{record.line}: {','.join(record.codes)}: {record.message}\n")
    return EXIT_REJECTED if bad else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _replay(args, sys.stdout, sys.stderr)
    except (OSError, IdentityError) as error:
        sys.stderr.write(f"identity-model: {error}\n")
        return EXIT_USAGE
