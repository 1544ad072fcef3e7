"""The one runner under every command: reading a script (a file, standard input or the
built-in example) line by line into sessions, with a progress bar on a terminal.

The command line and ``identity_model.io`` are the only places that read or write files.
Every error is one line on stderr with a code; exit codes: 0 ok, 1 some lines rejected or
checks failed, 2 usage error.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from decimal import Decimal
from importlib import resources
from typing import IO, Any, TextIO

from identity_model.billing.pricing import PriceBook
from identity_model.io.books import load_price_book
from identity_model.io.report import iter_records
from identity_model.io.script import ScriptItem, ScriptReader
from identity_model.operations import Config
from identity_model.outcome import Status, StepRecord
from identity_model.reducers import Session

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
PROGRESS_MIN_BYTES = 256 * 1024  # about a few thousand lines
EXAMPLE = "first-visit.jsonl"  # the built-in example (replay with no file)


def example_names() -> tuple[str, ...]:
    """The shipped example scripts by name (``identity-model example --name NAME``)."""
    folder = resources.files("identity_model") / "examples"
    return tuple(
        sorted(
            entry.name.removesuffix(".jsonl")
            for entry in folder.iterdir()
            if entry.name.endswith(".jsonl")
        )
    )


class UsageError(Exception):
    """A problem with the command itself (exit 2)."""


def example_bytes(name: str = EXAMPLE) -> bytes:
    """A shipped example script (``first-visit.jsonl`` or a name from ``example_names``)."""
    file = name if name.endswith(".jsonl") else f"{name}.jsonl"
    return (resources.files("identity_model") / "examples" / file).read_bytes()


def _open_binary(
    path: str, stack: ExitStack, stdin: IO[bytes] | None = None
) -> tuple[IO[bytes], int | None]:
    if path == "-":
        return (sys.stdin.buffer if stdin is None else stdin), None
    try:
        handle = stack.enter_context(open(path, "rb"))  # noqa: SIM115
        if path.endswith(".gz"):  # a gzipped script (issue #13 reads .gz exports too)
            unzipped: IO[bytes] = gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[assignment]
            stack.callback(unzipped.close)
            return unzipped, None
        return handle, os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None


def _lines(handle: IO[bytes] | None, size: int | None, err: TextIO) -> Iterator[bytes]:
    """Raw lines; a progress bar on a terminal for big inputs."""
    source: Iterable[bytes] = (
        handle if handle is not None else example_bytes().splitlines(keepends=True)
    )
    show = err.isatty() and (size is None or size >= PROGRESS_MIN_BYTES) and handle is not None
    if not show:
        yield from source
        return
    from rich.progress import Progress  # noqa: PLC0415 (only where a terminal shows it)

    done = 0
    with Progress(console=rich_console(err), transient=True) as progress:
        task = progress.add_task("replaying", total=size)
        for count, raw in enumerate(source, start=1):
            done += len(raw)
            yield raw
            if count % 2000 == 0:
                progress.update(task, completed=done)


def rich_console(err: TextIO) -> Any:
    from rich.console import Console  # noqa: PLC0415 (only where a terminal shows it)

    return Console(file=err)


class Runner:
    """Streams one script, read once, into the sessions ``open_sessions`` opens for its
    config; the first session's rejected lines are reported on stderr."""

    def __init__(
        self, path: str | None, overrides: dict[str, Any], *, stdin: IO[bytes] | None = None
    ) -> None:
        self.path = path
        self.stdin = stdin  # standard input already sniffed (cli/exports.py), else sys.stdin
        self.label = path if path is not None else f"<built-in {EXAMPLE}>"
        self.reader = ScriptReader(overrides)
        self.rejected: list[StepRecord] = []
        self.any_rejected = False
        self.outcomes: Counter[Status] = Counter()

    @property
    def config(self) -> Config:
        return self.reader.config

    def texts(self, err: TextIO, stack: ExitStack) -> Iterator[tuple[int, str | None]]:
        """Every line, numbered, as text (``None``: not UTF-8)."""
        handle, size = (
            (None, None) if self.path is None else _open_binary(self.path, stack, self.stdin)
        )
        for number, raw in enumerate(_lines(handle, size, err), start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None

    def items(self, err: TextIO, on_comment: Callable[[str], None] | None) -> Iterator[ScriptItem]:
        with ExitStack() as stack:
            handle, size = (
                (None, None) if self.path is None else _open_binary(self.path, stack, self.stdin)
            )
            for number, raw in enumerate(_lines(handle, size, err), start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield self.reader.bad_line(number, "not UTF-8 text")
                    continue
                if on_comment is not None and text.lstrip().startswith("//"):
                    on_comment(text.strip())
                item = self.reader.read_line(number, text)
                if item is not None:
                    yield item

    def run(
        self,
        err: TextIO,
        open_sessions: Callable[[Config], Sequence[Session]],
        *,
        on_records: Callable[[Sequence[StepRecord], Sequence[Session]], None] | None = None,
        on_comment: Callable[[str], None] | None = None,
    ) -> Sequence[Session]:
        """Feed every line to the sessions; returns them (their ``world`` is the end)."""
        opened: list[Session] = []

        def open_once(config: Config) -> Sequence[Session]:
            opened.extend(open_sessions(config))
            return opened

        for records in iter_records(self.reader, self.items(err, on_comment), open_once):
            first = records[0]
            self.outcomes[first.status] += 1
            if first.status is Status.REJECTED:
                self.note_rejected(first)
            self.any_rejected = self.any_rejected or any(
                record.status is Status.REJECTED for record in records
            )
            if on_records is not None:
                on_records(records, opened)
        return opened

    def note_rejected(self, record: StepRecord) -> None:
        """A rejected step of the first session (an export runner keeps only a few)."""
        self.rejected.append(record)

    def report_rejected(self, err: TextIO) -> None:
        for record in self.rejected:
            codes = ",".join(record.codes)
            err.write(f"{self.label}:{record.line}: {codes}: {record.message}\n")


def numbered_lines(
    runner: Runner, err: TextIO, stack: ExitStack
) -> Iterator[tuple[int, str | None]]:
    """The runner's input as numbered text lines (for engines that read the text twice)."""
    return runner.texts(err, stack)


def book(name: str, free: int | None) -> PriceBook:
    """A price book; the config's ``free_events_per_month`` resizes its free tier (PR-04)."""
    loaded = load_price_book(name)
    return loaded.with_free_events(free) if free is not None else loaded


def free_events(config: Config) -> int | None:
    """The config line's ``free_events_per_month``, for vendors whose config has one."""
    value = getattr(config, "free_events_per_month", None)
    return value if isinstance(value, int) else None


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")
