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
from typing import IO, Any, TextIO

from identity_model.billing.pricing import PriceBook
from identity_model.cli.terminal import is_unicode, printable
from identity_model.errors import Code, IdentityError
from identity_model.io.books import load_price_book
from identity_model.io.limits import TooLong, capped_lines
from identity_model.io.report import iter_records, record_of, record_of_step
from identity_model.io.script import ScriptItem, ScriptOp, ScriptReader
from identity_model.operations import Config, Operation
from identity_model.outcome import Status, Step, StepRecord
from identity_model.reducers import Session

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
PROGRESS_MIN_BYTES = 256 * 1024  # about a few thousand lines
EXAMPLE = "first-visit.jsonl"  # the built-in example (replay with no file)


def example_names() -> tuple[str, ...]:
    """The shipped example scripts by name (``identity-model example --name NAME``)."""
    from importlib import resources  # noqa: PLC0415 (slow to import: only where used, #10)

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


class RefusedRun(Exception):
    """A script whose settings cannot run at all (a refused config line, a free allowance
    the book cannot hold): ``FILE:LINE: code: message`` on stderr, nothing replayed, exit 2."""


def example_bytes(name: str = EXAMPLE) -> bytes:
    """A shipped example script (``first-visit.jsonl`` or a name from ``example_names``)."""
    from importlib import resources  # noqa: PLC0415 (slow to import: only where used, #10)

    file = name if name.endswith(".jsonl") else f"{name}.jsonl"
    return (resources.files("identity_model") / "examples" / file).read_bytes()


def _open_binary(
    path: str, stack: ExitStack, stdin: IO[bytes] | None = None
) -> tuple[IO[bytes], int | None]:
    if path == "-":
        if stdin is None and sys.stdin is None:  # started with <&- (#17)
            raise IdentityError(Code.IO_ERROR, "standard input is closed")
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


def _lines(handle: IO[bytes] | None, size: int | None, err: TextIO) -> Iterator[bytes | TooLong]:
    """Raw lines, a line past 64 MiB as ``TooLong`` (never held whole); a progress bar on a
    terminal for big inputs."""
    if handle is None:
        return iter(example_bytes().splitlines(keepends=True))
    if err.isatty() and (size is None or size >= PROGRESS_MIN_BYTES):
        return _with_progress(capped_lines(handle), size, err)
    return capped_lines(handle)  # (no generator around it: one resume less per line, #10)


def _with_progress(
    source: Iterator[bytes | TooLong], size: int | None, err: TextIO
) -> Iterator[bytes | TooLong]:
    from rich.progress import Progress  # noqa: PLC0415 (only where a terminal shows it)

    done = 0
    with Progress(console=rich_console(err), transient=True) as progress:
        task = progress.add_task("replaying", total=size)
        for count, raw in enumerate(source, start=1):
            done += raw.size if isinstance(raw, TooLong) else len(raw)
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
        self.rejected = 0  # lines the first session rejected, each reported when read (#17)
        self.report_each = True  # False: the command reports rejected lines itself
        self.any_rejected = False
        self.outcomes: Counter[Status] = Counter()

    @property
    def config(self) -> Config:
        return self.reader.config

    def raw_lines(
        self, err: TextIO, stack: ExitStack, settings: Callable[[Config], object] | None = None
    ) -> Iterator[tuple[int, bytes | TooLong]]:
        """Every line, numbered, as read (``TooLong``: past 64 MiB), for engines that read the
        lines with this runner's reader (``ScriptReader.read_bytes``: the fast lane, and a
        bad line for what is not UTF-8). A refused config line stops the run when the next
        line is asked for; ``settings(config)`` runs once every line is read, before anything
        is replayed (#17)."""
        handle, size = (
            (None, None) if self.path is None else _open_binary(self.path, stack, self.stdin)
        )
        for number, raw in enumerate(self._read(handle, size, err), start=1):
            self._refuse_a_refused_config()
            yield number, raw
        self._refuse_a_refused_config()
        if settings is not None:
            self._checked(settings)

    def items(self, err: TextIO, on_comment: Callable[[str], None] | None) -> Iterator[ScriptItem]:
        with ExitStack() as stack:
            handle, size = (
                (None, None) if self.path is None else _open_binary(self.path, stack, self.stdin)
            )
            reader = self.reader
            for number, raw in enumerate(self._read(handle, size, err), start=1):
                # (a line that starts with "{" is no comment: the fast lane may read it, #10)
                if type(raw) is bytes and (on_comment is None or raw[:1] == b"{"):
                    item = reader.read_bytes(number, raw)
                else:
                    item = self._item(number, raw, on_comment)
                if item is None:
                    continue
                if reader.config_error is not None:
                    self._refuse_a_refused_config()
                yield item

    def _read(
        self, handle: IO[bytes] | None, size: int | None, err: TextIO
    ) -> Iterator[bytes | TooLong]:
        """The input's lines; a read that fails midway is an ``io_error`` naming the input."""
        try:
            # (an error of whoever reads these lines is never raised in here: only reading's)
            yield from _lines(handle, size, err)
        except OSError as error:
            where = "standard input" if self.path == "-" else self.label
            raise IdentityError(
                Code.IO_ERROR, f"{where}: cannot read: {error.strerror or error}"
            ) from None

    def _item(
        self, number: int, raw: bytes | TooLong, on_comment: Callable[[str], None] | None
    ) -> ScriptItem | None:
        if isinstance(raw, TooLong):
            return self.reader.too_long(number)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self.reader.bad_line(number, "not UTF-8 text")
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte order mark, before a comment too
        if on_comment is not None and text.lstrip().startswith("//"):
            on_comment(text.strip())
        return self.reader.read_line(number, text)

    def _refuse_a_refused_config(self) -> None:
        refused = self.reader.config_error
        if refused is not None:  # never the script under the defaults (#17)
            raise RefusedRun(
                f"{self.label}:{refused.line}: {refused.code.value}: {refused.message}"
            )

    def _checked(self, settings: Callable[[Config], object]) -> None:
        try:
            settings(self.reader.config)
        except IdentityError as error:
            line = self.reader.config_line
            where = self.label if line is None else f"{self.label}:{line}"
            raise RefusedRun(f"{where}: {error.code.value}: {error.message}") from None

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
            # Every setting is checked here, before the first line is replayed (#17).
            self._checked(lambda _: opened.extend(open_sessions(config)))
            return opened

        if on_records is None:
            return self._count(err, open_once, on_comment)
        for records in iter_records(self.reader, self.items(err, on_comment), open_once):
            self._records(records, err)
            on_records(records, opened)
        return opened

    def _records(self, records: Sequence[StepRecord], err: TextIO) -> None:
        """Count one line's records; the first session's rejection is noted at once."""
        first = records[0]
        self.outcomes[first.status] += 1
        if first.status is Status.REJECTED:
            self.note_rejected(err, first)
        self.any_rejected = self.any_rejected or any(
            record.status is Status.REJECTED for record in records
        )

    def _count(
        self,
        err: TextIO,
        open_once: Callable[[Config], Sequence[Session]],
        on_comment: Callable[[str], None] | None,
    ) -> Sequence[Session]:
        """``run`` when nobody reads the records (summaries): the same steps, counts and
        rejected lines, but a step record is made only for a rejected step (the hot path of
        ``--format summary``, #10)."""
        sessions: Sequence[Session] | None = None
        apply: Callable[[Operation], Step] | None = None  # the one session's, when only one
        counts = dict.fromkeys(Status, 0)
        rejected = Status.REJECTED
        for item in self.items(err, on_comment):
            if sessions is None:
                sessions = open_once(self.config)
                apply = sessions[0].trusted_apply() if len(sessions) == 1 else None
            if type(item) is ScriptOp and apply is not None:
                step = apply(item.op)
                status = step.status
                counts[status] += 1
                if status is rejected:
                    self.any_rejected = True
                    self.note_rejected(err, record_of_step(item, step))
                continue
            self._records([record_of(session, item) for session in sessions], err)
        if sessions is None:
            sessions = open_once(self.config)
        self.outcomes.update({status: count for status, count in counts.items() if count})
        return sessions

    def note_rejected(self, err: TextIO, record: StepRecord) -> None:
        """A rejected step of the first session, reported as soon as it is read (#17: what
        ``| head`` cuts short keeps its messages); an export runner shows only a few."""
        self.rejected += 1
        if self.report_each:
            self.write_rejected(err, self.label, record)

    def report(self, err: TextIO, records: Iterable[StepRecord]) -> None:
        """Rejected lines an engine learnt of at the end (the Dask engine)."""
        for record in records:
            self.note_rejected(err, record)

    def report_rejected(self, err: TextIO) -> None:
        """After the run: what was not reported line by line (nothing, for a script)."""

    @staticmethod
    def write_rejected(err: TextIO, where: str, record: StepRecord) -> None:
        """One ``FILE:LINE: code: message`` line, escaped for a terminal."""
        codes = ",".join(record.codes) or "rejected"
        message = record.message or "rejected (no message)"
        err.write(printable(f"{where}:{record.line}: {codes}: {message}") + "\n")


def numbered_lines(
    runner: Runner,
    err: TextIO,
    stack: ExitStack,
    settings: Callable[[Config], object] | None = None,
) -> Iterator[tuple[int, bytes | TooLong]]:
    """The runner's input as numbered raw lines (for engines that read the lines twice)."""
    return runner.raw_lines(err, stack, settings)


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
    """JSON on ``out``; ``\\uXXXX`` escapes where ``out`` cannot encode a character (#17)."""
    json.dump(data, out, indent=2, sort_keys=True, ensure_ascii=not is_unicode(out))
    out.write("\n")
