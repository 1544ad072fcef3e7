"""``identity-model import``: a vendor's export written as a script in our format, to edit, cut
down to a minimal reproduction and share (issue #13).

One ``ingest`` line per operation; each rejected record a ``// FILE:LINE: code: message``
comment. Replaying the script gives the same report as replaying the export, but for line
numbers and the rejected records.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TextIO

from identity_model.cli.exports import export_source, with_progress, write_rejected_summary
from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, UsageError
from identity_model.importers import ExportReader, ImportItem, RejectedRecord
from identity_model.importers.script import script_lines


def _counting(items: Iterable[ImportItem], counts: Counter[str]) -> Iterator[ImportItem]:
    for item in items:
        if isinstance(item, RejectedRecord):
            counts[item.code.value] += 1
        yield item


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    source, stdin = export_source(args)
    try:
        export = ExportReader(
            args.paths, source, stdin=stdin, generate_identify_events=args.identify_events
        )
    except OSError as error:
        raise UsageError(f"{error.filename}: cannot read: {error.strerror or error}") from None
    handle: TextIO | None = None
    if args.output not in (None, "-"):
        try:
            handle = open(args.output, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise UsageError(f"{args.output}: cannot write: {error.strerror or error}") from None
    target = out if handle is None else handle
    rejected: Counter[str] = Counter()
    writing = False  # issue #17: a failed write is not a failed read
    try:
        writing = True
        target.write(f"// identity-model import --from {source.value} {' '.join(args.paths)}\n")
        if args.person_profiles:
            target.write(json.dumps({"config": {"person_profiles": args.person_profiles}}) + "\n")
        writing = False
        for line in script_lines(_counting(with_progress(export, err), rejected)):
            writing = True
            target.write(line + "\n")
            writing = False
    except OSError as error:
        if writing and handle is None:
            raise  # standard output's fault: one io_error line (cli/terminal.py)
        if writing:
            raise UsageError(f"{args.output}: cannot write: {error.strerror or error}") from None
        raise UsageError(f"{error.filename or '-'}: cannot read: {error.strerror}") from None
    finally:
        if handle is not None:
            handle.close()
    write_rejected_summary(rejected, err)
    return EXIT_FAILED if rejected else EXIT_OK
