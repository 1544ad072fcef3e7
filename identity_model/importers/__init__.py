"""Readers of vendors' exports: PostHog, Segment, Mixpanel and Amplitude (issue #13).

``ExportReader(paths, source).items()`` streams the inputs record by record into the items the
script reader yields (``ScriptOp`` / ``BadLine`` subclasses that also carry the file), so
the runner and the report take them unchanged. Memory holds one record at a time, plus, for
Mixpanel and Amplitude, the (user, device) pairs already linked. The mappings follow
PostHog's own migration code; docs/importing.md has them as tables with their sources.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from identity_model.errors import Code, IdentityError
from identity_model.importers import amplitude, mixpanel, posthog, segment
from identity_model.importers.common import (
    ExportSource,
    ImportedOp,
    ImportItem,
    RecordMapper,
    RejectedRecord,
    rejected,
)
from identity_model.io.exports import (
    ExportFile,
    Layout,
    Progress,
    RawRecord,
    expand,
    first_record,
    open_export,
    peek_first_record,
    records,
    total_size,
)

__all__ = [
    "SCRIPT",
    "Detected",
    "ExportReader",
    "ExportSource",
    "ImportItem",
    "ImportedOp",
    "RejectedRecord",
    "detect",
    "guess_source",
    "mapper_for",
]


def guess_source(record: RawRecord) -> ExportSource | None:
    """The vendor whose export a first record looks like, ``None`` if none fits."""
    value: Mapping[str, Any] = record.value or {}
    if record.layout is not Layout.JSON_LINES:
        if posthog.looks_like(value):
            return ExportSource.POSTHOG
        return ExportSource.SEGMENT if segment.looks_like_warehouse_row(value) else None
    for source, looks_like in (
        (ExportSource.SEGMENT, segment.looks_like),
        (ExportSource.AMPLITUDE, amplitude.looks_like),
        (ExportSource.MIXPANEL, mixpanel.looks_like),
        (ExportSource.POSTHOG, posthog.looks_like),
        (ExportSource.SEGMENT, segment.looks_like_warehouse_row),
    ):
        if looks_like(value):
            return source
    return None


SCRIPT: Literal["script"] = "script"


@dataclass(frozen=True, slots=True)
class Detected:
    """What the inputs are: a vendor's export, our own script, or unknown (``None``); and
    standard input, still unread, to read them with."""

    kind: ExportSource | Literal["script"] | None
    stdin: IO[bytes]
    where: str
    found: bool = True  # a readable record was found (``kind`` ``None``: nobody's)


def detect(paths: Sequence[str], stdin: IO[bytes]) -> Detected:
    """Sniff the first readable record: a script line of ours (``op`` or ``config``), or a
    vendor's record (``guess_source``). Raises ``OSError`` for an input that cannot be read."""
    files = expand(paths)
    first, stdin = peek_first_record(files, stdin)
    if first is None:
        where = files[0].label if files else "no input"
        return Detected(
            kind=None, stdin=stdin, where=f"{where}: no record could be read", found=False
        )
    where = f"{first.file}:{first.line}"
    value: Mapping[str, Any] = first.value or {}
    if first.layout is Layout.JSON_LINES and ("op" in value or "config" in value):
        return Detected(kind=SCRIPT, stdin=stdin, where=where)
    return Detected(kind=guess_source(first), stdin=stdin, where=where)


def mapper_for(source: ExportSource, *, generate_identify_events: bool = True) -> RecordMapper:
    match source:
        case ExportSource.POSTHOG:
            return posthog.PostHogMapper()
        case ExportSource.SEGMENT:
            return segment.SegmentMapper()
        case ExportSource.MIXPANEL:
            return mixpanel.MixpanelMapper(generate_identify_events=generate_identify_events)
        case ExportSource.AMPLITUDE:
            return amplitude.AmplitudeMapper(generate_identify_events=generate_identify_events)


class ExportReader:
    """Reads the inputs once, in order; ``source`` is guessed from the first record if ``None``.

    ``progress`` counts the bytes read (compressed ones for ``.gz``) of the total on disk;
    ``rejected`` counts the rejected records by code. Raises ``IdentityError`` with
    ``import_unknown_format`` when the vendor cannot be guessed, ``import_parquet_unavailable``
    for Parquet without pyarrow, and ``OSError`` for an input that cannot be read.
    """

    def __init__(
        self,
        paths: Sequence[str],
        source: ExportSource | None = None,
        *,
        stdin: IO[bytes] | None = None,
        generate_identify_events: bool = True,
    ) -> None:
        self.files: list[ExportFile] = expand(paths)
        self.source = source
        self.progress = Progress(total=total_size(self.files))
        self.rejected: Counter[Code] = Counter()
        self._stdin = stdin
        self._generate_identify_events = generate_identify_events

    def _records(self) -> Iterator[RawRecord]:
        finished = 0
        for file in self.files:
            opened = open_export(file, self.progress, self._stdin)
            try:
                yield from records(opened)
            finally:
                opened.close()
            finished += file.size or 0
            self.progress.done = max(self.progress.done, finished)  # Parquet reads by path

    def resolve_source(self) -> tuple[ExportSource, Iterator[RawRecord]]:
        """The vendor (given or guessed) and the records, none consumed."""
        stream = self._records()
        if self.source is not None:
            return self.source, stream
        first, stream = first_record(stream)
        guessed = None if first is None else guess_source(first)
        if guessed is None:
            where = "no record could be read" if first is None else f"{first.file}:{first.line}"
            raise IdentityError(
                Code.IMPORT_UNKNOWN_FORMAT,
                f"cannot tell whose export this is ({where}); name it with --from "
                f"{'|'.join(source.value for source in ExportSource)}",
            )
        self.source = guessed
        return guessed, stream

    def items(self) -> Iterator[ImportItem]:
        source, stream = self.resolve_source()
        mapper = mapper_for(source, generate_identify_events=self._generate_identify_events)
        for record in stream:
            if record.value is None:
                found = rejected(
                    record, Code.IMPORT_UNREADABLE_RECORD, record.problem or "unreadable"
                )
            else:
                found = mapper.map(record)
            for item in found:
                if isinstance(item, RejectedRecord):
                    self.rejected[item.code] += 1
                yield item
