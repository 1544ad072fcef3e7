"""Reading vendors' exports: inputs opened, records decoded one at a time, lines kept.

An input is a file, a directory of files (walked in name order), a ``.gz`` of either, or
``-`` for standard input. Records are decoded one at a time (JSON Lines, CSV with a header
row, or Parquet rows through ``pyarrow`` when it is installed) and carry their file and
line: the physical line for JSON Lines, the first line of the row for CSV, the 1-based row
number for Parquet. ``identity_model.importers`` maps them to operations.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from identity_model.errors import Code, IdentityError
from identity_model.io.limits import MAX_LINE_BYTES, JsonRefused, TooLong, capped_lines, loads_line


class Layout(StrEnum):
    """How the records of one file are laid out."""

    JSON_LINES = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord:
    """One decoded record: ``value`` is a JSON object (or a row as a dict), else ``problem``."""

    file: str
    line: int
    layout: Layout
    value: Mapping[str, Any] | None = None
    problem: str | None = None


# --- opening inputs --------------------------------------------------------------------------

_LAYOUTS = {
    ".jsonl": Layout.JSON_LINES,
    ".ndjson": Layout.JSON_LINES,
    ".json": Layout.JSON_LINES,
    ".csv": Layout.CSV,
    ".parquet": Layout.PARQUET,
}
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportFile:
    """One input file: its label in messages, whether gzipped, its layout (``None``: sniff)."""

    label: str
    path: Path | None  # None: standard input
    gzipped: bool
    layout: Layout | None
    size: int | None


def layout_of_name(name: str) -> tuple[bool, Layout | None]:
    """(gzipped, layout) from a file name; layout ``None`` when the extension says nothing."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    return gzipped, _LAYOUTS.get(Path(lower).suffix)


def expand(paths: Sequence[str]) -> list[ExportFile]:
    """Files to read, in order: a directory contributes its export files (by extension, in
    name order, recursively; hidden files skipped). Missing paths raise ``OSError``."""
    files: list[ExportFile] = []
    for text in paths:
        if text == "-":
            files.append(ExportFile(label="-", path=None, gzipped=False, layout=None, size=None))
            continue
        path = Path(text)
        if path.is_dir():
            found = sorted(
                entry
                for entry in path.rglob("*")
                if entry.is_file()
                and not any(part.startswith(".") for part in entry.relative_to(path).parts)
                and layout_of_name(entry.name)[1] is not None
            )
            files.extend(_file(entry) for entry in found)
        else:
            files.append(_file(path))
    return files


def _file(path: Path) -> ExportFile:
    size = path.stat().st_size  # raises OSError for a missing file
    gzipped, layout = layout_of_name(path.name)
    return ExportFile(label=str(path), path=path, gzipped=gzipped, layout=layout, size=size)


class _Counting(io.RawIOBase):
    """A raw stream that counts the bytes read through it (compressed bytes for ``.gz``)."""

    def __init__(self, inner: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._inner = inner
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self._on_read(count)
        return count


@dataclass(slots=True)
class Progress:
    """Bytes read of the total (on disk; ``None`` total when standard input is among them)."""

    total: int | None
    done: int = 0

    def add(self, count: int) -> None:
        self.done += count


def parquet_module() -> Any:
    """``pyarrow.parquet``, or the ``import_parquet_unavailable`` error."""
    try:
        return importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise IdentityError(
            Code.IMPORT_PARQUET_UNAVAILABLE,
            "reading Parquet needs pyarrow: python -m pip install 'identity-model[parquet]'",
        ) from None


@dataclass(slots=True)
class Opened:
    """One input opened for reading: a buffered binary stream and its layout."""

    file: ExportFile
    stream: IO[bytes]
    layout: Layout
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


def open_export(file: ExportFile, progress: Progress, stdin: IO[bytes] | None = None) -> Opened:
    """Open one input, counting the bytes read; gzip and layout sniffed when not named."""
    if file.path is None:
        raw: IO[bytes] = stdin if stdin is not None else sys.stdin.buffer
        closers: list[Callable[[], None]] = []
    else:
        raw = open(file.path, "rb")  # noqa: SIM115 (closed by Opened.close)
        closers = [raw.close]
    counted = io.BufferedReader(_Counting(raw, progress.add), buffer_size=1 << 16)
    head = counted.peek(4)[:4]
    stream: IO[bytes] = counted
    if file.gzipped or head[:2] == GZIP_MAGIC:
        zipped = gzip.GzipFile(fileobj=counted, mode="rb")
        closers.append(zipped.close)
        stream = io.BufferedReader(zipped, buffer_size=1 << 16)
        head = stream.peek(4)[:4]
    layout = file.layout
    if layout is None:
        peeked: bytes = stream.peek(1 << 16)  # type: ignore[attr-defined]
        layout = Layout.PARQUET if head == PARQUET_MAGIC else _sniff_layout(peeked)
    return Opened(file=file, stream=stream, layout=layout, closers=closers)


def _sniff_layout(head: bytes) -> Layout:
    """JSON Lines unless the first meaningful line (not blank, not ``//``) looks like a CSV
    header: no ``{`` or ``[`` first, and a comma."""
    for line in head.splitlines():
        text = line.strip()
        if not text or text.startswith(b"//"):
            continue
        if text[:1] in (b"{", b"[") or b"," not in text:
            return Layout.JSON_LINES
        return Layout.CSV
    return Layout.JSON_LINES


# --- decoding records ------------------------------------------------------------------------


def records(opened: Opened) -> Iterator[RawRecord]:
    match opened.layout:
        case Layout.JSON_LINES:
            return _json_lines(opened)
        case Layout.CSV:
            return _csv_rows(opened)
        case Layout.PARQUET:
            return _parquet_rows(opened)


def _json_lines(opened: Opened) -> Iterator[RawRecord]:
    label = opened.file.label
    # issue #17: a record is held to the limits of a script line (64 MiB, nesting, huge
    # integers, NaN, lone surrogates, duplicate keys): a problem record, never a crash.
    for number, raw in enumerate(capped_lines(opened.stream), start=1):
        if isinstance(raw, TooLong):
            message = f"line longer than {MAX_LINE_BYTES} bytes (64 MiB)"
            yield _problem(label, number, Layout.JSON_LINES, message)
            continue
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield _problem(label, number, Layout.JSON_LINES, "not UTF-8 text")
            continue
        try:
            value = loads_line(text.strip().removeprefix("\ufeff" if number == 1 else ""))
        except json.JSONDecodeError as error:
            yield _problem(label, number, Layout.JSON_LINES, f"not JSON: {error.msg}")
            continue
        except JsonRefused as error:
            yield _problem(label, number, Layout.JSON_LINES, error.message)
            continue
        if type(value) is not dict:
            yield _problem(label, number, Layout.JSON_LINES, "not a JSON object")
            continue
        yield RawRecord(file=label, line=number, layout=Layout.JSON_LINES, value=value)


def _problem(label: str, line: int, layout: Layout, message: str) -> RawRecord:
    return RawRecord(file=label, line=line, layout=layout, problem=message)


def _csv_rows(opened: Opened) -> Iterator[RawRecord]:
    label = opened.file.label
    bad_lines: set[int] = set()
    long_lines: set[int] = set()  # past 64 MiB: never held whole (#17)

    def decoded() -> Iterator[str]:
        for number, raw in enumerate(capped_lines(opened.stream), start=1):
            if isinstance(raw, TooLong):
                long_lines.add(number)
                yield "-\n"  # a row of its own, reported below
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                bad_lines.add(number)
                yield raw.decode("utf-8", errors="replace")

    reader = csv.reader(decoded())
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        yield _problem(label, 1, Layout.CSV, f"not CSV: {error}")
        return
    names = [name.strip().lstrip("\ufeff") for name in header]
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield _problem(label, start, Layout.CSV, f"not CSV: {error}")
            start = reader.line_num + 1
            continue
        end = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            start = end + 1
            continue
        if any(start <= line <= end for line in long_lines):
            yield _problem(label, start, Layout.CSV, f"line longer than {MAX_LINE_BYTES} bytes")
        elif any(start <= line <= end for line in bad_lines):
            yield _problem(label, start, Layout.CSV, "not UTF-8 text")
        elif len(row) != len(names):
            yield _problem(
                label, start, Layout.CSV, f"{len(row)} cells, the header has {len(names)}"
            )
        else:
            yield RawRecord(
                file=label, line=start, layout=Layout.CSV, value=dict(zip(names, row, strict=True))
            )
        start = end + 1


def _parquet_rows(opened: Opened) -> Iterator[RawRecord]:
    parquet = parquet_module()
    if opened.file.path is None or opened.file.gzipped:
        data = opened.stream.read()  # pyarrow needs random access: standard input, .gz
        source: Any = parquet.ParquetFile(io.BytesIO(data))
    else:
        source = parquet.ParquetFile(opened.file.path)
    label = opened.file.label
    number = 0
    for batch in source.iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            number += 1
            yield RawRecord(file=label, line=number, layout=Layout.PARQUET, value=row)


# --- guessing --------------------------------------------------------------------------------


def first_record(stream: Iterable[RawRecord]) -> tuple[RawRecord | None, Iterator[RawRecord]]:
    """The first decodable record (to guess the vendor from) and all records, unconsumed."""
    buffered: list[RawRecord] = []
    iterator = iter(stream)
    for record in iterator:
        buffered.append(record)
        if record.value is not None:
            return record, _chain(buffered, iterator)
    return None, iter(buffered)


def _chain(head: list[RawRecord], tail: Iterator[RawRecord]) -> Iterator[RawRecord]:
    yield from head
    yield from tail


def total_size(files: Sequence[ExportFile]) -> int | None:
    """The bytes on disk of all inputs, ``None`` when standard input is one of them."""
    total = 0
    for file in files:
        if file.size is None:
            return None
        total += file.size
    return total


class _Replaying(io.RawIOBase):
    """Bytes already read from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, inner: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Recording(io.RawIOBase):
    """A stream that keeps a copy of what is read from it, to replay it after a sniff."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.seen = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.seen += data
        return len(data)


def peek_first_record(
    files: Sequence[ExportFile], stdin: IO[bytes]
) -> tuple[RawRecord | None, IO[bytes]]:
    """The first readable record of the inputs (the first file's, or standard input's) and a
    standard input that still yields everything, for reading the inputs again afterwards."""
    if not files:
        return None, stdin
    file = files[0]
    recording = _Recording(stdin) if file.path is None else None
    source: IO[bytes] = io.BufferedReader(recording) if recording is not None else stdin
    opened = open_export(file, Progress(total=None), source)
    try:
        first, _ = first_record(records(opened))
    except IdentityError:
        first = None  # e.g. Parquet without pyarrow: the real read reports it
    finally:
        if file.path is not None:
            opened.close()
    if recording is None:
        return first, stdin
    return first, io.BufferedReader(_Replaying(bytes(recording.seen), recording.inner))
