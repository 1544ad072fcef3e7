"""What every export mapping shares: the items it yields, the vendor names, timestamps.

The mappings turn records (``identity_model.io.exports`` reads them) into the same items the
script reader yields (``ScriptOp`` / ``BadLine``, here with the file added), so the runner and
the report take them unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeAlias

from identity_model.errors import Code
from identity_model.io.exports import RawRecord
from identity_model.io.script import BadLine, ScriptOp
from identity_model.operations import Operation


class ExportSource(StrEnum):
    """Whose export a file is (``--from``)."""

    POSTHOG = "posthog"
    SEGMENT = "segment"
    MIXPANEL = "mixpanel"
    AMPLITUDE = "amplitude"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedOp(ScriptOp):
    """An operation made from one record of an export; several may share a record."""

    file: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedRecord(BadLine):
    """A record the reader cannot map: a rejected step with its file, line and code."""

    file: str


ImportItem: TypeAlias = ImportedOp | RejectedRecord


class RecordMapper(Protocol):
    """One vendor's mapping, record by record (it may keep state, e.g. pairs already linked)."""

    def map(self, record: RawRecord) -> list[ImportItem]: ...


def accepted(record: RawRecord, *ops: Operation) -> list[ImportItem]:
    return [ImportedOp(file=record.file, line=record.line, op=op) for op in ops]


def rejected(record: RawRecord, code: Code, message: str) -> list[ImportItem]:
    return [RejectedRecord(file=record.file, line=record.line, op=None, code=code, message=message)]


# --- timestamps ------------------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?"
    r" ?([Zz]|UTC|[+-]\d{2}(?::?\d{2})?)?$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Mixpanel's importer: a value above this is milliseconds, else seconds (mixpanel.rs).
MILLISECONDS_ABOVE = 10_000_000_000


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 / RFC 3339 date-time, ``T`` or space; no offset means UTC. ``None`` if not."""
    match = _ISO.match(text.strip())
    if match is None:
        return None
    date, time, fraction, offset = match.groups()
    time = time or "00:00:00"
    if len(time) == 5:
        time += ":00"
    digits = (fraction or ".0")[1:7]
    if offset in (None, "Z", "z", "UTC"):
        offset = "+00:00"
    elif len(offset) == 3:
        offset += ":00"
    elif ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    try:
        parsed = datetime.fromisoformat(f"{date}T{time}.{digits:0<6}{offset}")
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def from_unix(value: float, *, milliseconds: bool) -> datetime | None:
    """Seconds or milliseconds since the epoch, ``None`` when out of range."""
    try:
        return (
            _EPOCH + timedelta(milliseconds=value)
            if milliseconds
            else _EPOCH + timedelta(seconds=value)
        )
    except (OverflowError, ValueError):
        return None


def js_truthy(value: object) -> bool:
    """JavaScript truthiness of a JSON value: ``""``, ``0``, ``false``, ``null`` are false."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):
        return value != 0
    return True


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_utc(value: datetime) -> datetime:
    """A datetime read from Parquet: naive means UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
