"""Vendors' exports on the command line (issue #13): choosing what the inputs are, and the runner
that streams an export through the sessions like a script.

``runner_for`` decides: ``--from`` names the vendor; without it the first readable record
tells (a script line of ours, or a vendor's record); the built-in example when there is no
path. The export runner reads the records one at a time (``identity_model.importers``), shows
the bytes read of the total on a terminal, prints the first rejected records as
``FILE:LINE: code: message`` and then their count by code.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TextIO

from identity_model.cli.runner import PROGRESS_MIN_BYTES, Runner, UsageError, rich_console
from identity_model.errors import Code, IdentityError
from identity_model.importers import SCRIPT, ExportReader, ExportSource, ImportItem, detect
from identity_model.io.script import ScriptItem
from identity_model.outcome import StepRecord

REJECTED_SHOWN = 20  # rejected records printed one by one; the rest are only counted
SOURCES = [source.value for source in ExportSource]


def add_export_arguments(parser: argparse.ArgumentParser, *, paths_required: bool) -> None:
    """``PATH...``, ``--from`` and ``--no-identify-events`` (replay, compare, import)."""
    parser.add_argument(
        "paths",
        nargs="+" if paths_required else "*",
        metavar="PATH",
        help="a script or a vendor's export: a file, a directory of files, a .gz, or - for "
        "standard input" + ("" if paths_required else "; none: the built-in example"),
    )
    parser.add_argument(
        "--from",
        dest="source",
        choices=SOURCES,
        help="whose export the paths are (default: guessed from the first record; a script "
        "of ours when it looks like one)",
    )
    parser.add_argument(
        "--no-identify-events",
        dest="identify_events",
        action="store_false",
        help="Mixpanel, Amplitude: do not link a user id to a device id with an $identify the "
        "first time the pair is seen (PostHog's importer does by default)",
    )


def runner_for(args: argparse.Namespace, overrides: dict[str, Any]) -> Runner:
    """A script runner or an export runner for the command's paths."""
    paths: list[str] = list(args.paths)
    stdin = _stdin(paths)
    if paths.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    if args.source is not None:
        if not paths:
            raise UsageError(f"--from {args.source} needs the export's PATH (or - for stdin)")
        return ExportRunner(paths, ExportSource(args.source), overrides, stdin, args)
    if not paths:
        return Runner(None, overrides)
    try:
        detected = detect(paths, stdin)
    except OSError as error:
        raise UsageError(_unreadable(error)) from None
    if detected.kind is None and detected.found:
        raise UsageError(
            f'cannot tell what {detected.where} is: neither a script line of ours (no "op") '
            f"nor a record of {', '.join(SOURCES)}; for an export, name the vendor with --from"
        )
    if detected.kind is None or detected.kind == SCRIPT:
        if len(paths) > 1:
            raise UsageError("one script at a time (several paths are for exports: --from)")
        return Runner(paths[0], overrides, stdin=detected.stdin)
    return ExportRunner(paths, ExportSource(detected.kind), overrides, detected.stdin, args)


def with_progress(export: ExportReader, err: TextIO) -> Iterator[ImportItem]:
    """The export's items; on a terminal, a bar of the bytes read of the total (compressed
    bytes for ``.gz``; no total for standard input)."""
    progress = export.progress
    items = export.items()
    big = progress.total is None or progress.total >= PROGRESS_MIN_BYTES
    if not (err.isatty() and big):
        yield from items
        return
    from rich.progress import Progress  # noqa: PLC0415 (only where a terminal shows it)

    with Progress(console=rich_console(err), transient=True) as bar:
        task = bar.add_task("reading the export", total=progress.total)
        for count, item in enumerate(items, start=1):
            yield item
            if count % 2000 == 0:
                bar.update(task, completed=progress.done)


def export_source(args: argparse.Namespace) -> tuple[ExportSource, IO[bytes]]:
    """The vendor of the paths (``--from``, else guessed) and standard input to read them with;
    a script of ours or an unknown export is a usage error."""
    stdin = _stdin(list(args.paths))
    if args.source is not None:
        return ExportSource(args.source), stdin
    try:
        detected = detect(list(args.paths), stdin)
    except OSError as error:
        raise UsageError(_unreadable(error)) from None
    if detected.kind == SCRIPT:
        raise UsageError(f"{detected.where}: this is a script of ours already, not an export")
    if detected.kind is None:
        raise UsageError(
            f"cannot tell whose export this is ({detected.where}); name it with --from "
            f"{'|'.join(SOURCES)}"
        )
    return ExportSource(detected.kind), detected.stdin


def write_rejected_summary(counts: Counter[str], err: TextIO) -> None:
    total = sum(counts.values())
    if total:
        err.write(f"rejected records by code ({total}):\n")
        for code, count in counts.most_common():
            err.write(f"  {count:>10,}  {code}\n")


def _stdin(paths: Sequence[str]) -> IO[bytes]:
    """Standard input's bytes; started with ``<&-`` it is an ``io_error`` only for a ``-``
    path (a command that does not read it runs as usual, #17)."""
    if sys.stdin is not None:
        return sys.stdin.buffer
    if "-" in paths:
        raise IdentityError(Code.IO_ERROR, "standard input is closed")
    return io.BytesIO()


def _unreadable(error: OSError) -> str:
    return f"{error.filename}: cannot read: {error.strerror or error}"


class ExportRunner(Runner):
    """Streams a vendor's export through the sessions, record by record."""

    def __init__(
        self,
        paths: Sequence[str],
        source: ExportSource,
        overrides: dict[str, Any],
        stdin: IO[bytes],
        args: argparse.Namespace,
    ) -> None:
        super().__init__(None, overrides)
        try:
            self.export = ExportReader(
                paths,
                source,
                stdin=stdin,
                generate_identify_events=getattr(args, "identify_events", True),
            )
        except OSError as error:
            raise UsageError(_unreadable(error)) from None
        joined = ", ".join(paths)
        self.path = joined
        self.label = f"{joined} ({source.value} export)"
        self._joined = joined
        self.rejected_by_code: Counter[str] = Counter()
        self._current: ImportItem | None = None

    def items(self, err: TextIO, on_comment: Callable[[str], None] | None) -> Iterator[ScriptItem]:
        try:
            for item in self._with_progress(err):
                self._current = item
                yield item
        except OSError as error:
            raise UsageError(_unreadable(error)) from None

    def _with_progress(self, err: TextIO) -> Iterator[ImportItem]:
        return with_progress(self.export, err)

    def note_rejected(self, err: TextIO, record: StepRecord) -> None:
        self.rejected_by_code[",".join(record.codes)] += 1
        self.rejected += 1
        if self.report_each and self.rejected <= REJECTED_SHOWN:  # the first, when read (#17)
            file = self._current.file if self._current is not None else self._joined
            self.write_rejected(err, file, record)

    def report_rejected(self, err: TextIO) -> None:
        if self.rejected > REJECTED_SHOWN:
            err.write(f"... and {self.rejected - REJECTED_SHOWN} more rejected records\n")
        write_rejected_summary(self.rejected_by_code, err)
