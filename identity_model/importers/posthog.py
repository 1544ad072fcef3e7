"""PostHog's own events, as exported: each row is an event PostHog already captured.

Every record becomes one ``ingest`` operation (docs/importing.md, "PostHog"): the event name,
the raw ``distinct_id`` (capture's rules then apply, SV-01..SV-04: numbers become strings, a
missing root id falls back to ``properties.distinct_id``), the properties and the timestamp.
The ``set`` / ``set_once`` columns of a batch export are merged into ``properties.$set`` /
``$set_once`` the way the ingestion pipeline's ``normalizeEvent`` merges an event's top-level
``$set`` (the column wins). A CSV export may spread properties over ``properties.<name>``
columns; a ``properties`` cell (CSV, Parquet) holds a JSON object as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from identity_model.errors import Code
from identity_model.importers.common import (
    MILLISECONDS_ABOVE,
    ImportItem,
    accepted,
    as_utc,
    from_unix,
    is_number,
    parse_iso,
    rejected,
)
from identity_model.io.exports import Layout, RawRecord
from identity_model.io.limits import JsonRefused, loads_line
from identity_model.operations import Ingest

_PROPERTY_COLUMN = "properties."


def looks_like(value: Mapping[str, Any]) -> bool:
    """An event row: a top-level ``event`` and ``distinct_id`` or ``uuid``."""
    return "event" in value and ("distinct_id" in value or "uuid" in value)


class PostHogMapper:
    """Stateless: one record, one ``ingest``."""

    def map(self, record: RawRecord) -> list[ImportItem]:
        row = record.value
        assert row is not None
        tabular = record.layout is not Layout.JSON_LINES
        event = row.get("event")
        if event is None or event == "":
            return rejected(record, Code.IMPORT_MISSING_FIELD, "no 'event' (the event name)")
        if not isinstance(event, str):
            return rejected(
                record, Code.IMPORT_INVALID_FIELD, f"'event' is {type(event).__name__}, not text"
            )
        properties = _object(row.get("properties"))
        if properties is None:
            return rejected(record, Code.IMPORT_INVALID_FIELD, "'properties' is not a JSON object")
        if tabular:
            for name, cell in row.items():
                if name.startswith(_PROPERTY_COLUMN) and cell not in (None, ""):
                    properties[name[len(_PROPERTY_COLUMN) :]] = cell
        for column, key in (("set", "$set"), ("set_once", "$set_once")):
            extra = _object(row.get(column))
            if extra is None:
                return rejected(record, Code.IMPORT_INVALID_FIELD, f"'{column}' is not an object")
            if extra:
                current = properties.get(key)
                merged = dict(current) if isinstance(current, Mapping) else {}
                merged.update(extra)
                properties[key] = merged
        timestamp = _timestamp(row.get("timestamp"))
        if timestamp is None:
            return rejected(
                record,
                Code.IMPORT_INVALID_TIMESTAMP,
                f"'timestamp' {row.get('timestamp')!r} is not an ISO 8601 time",
            )
        distinct_id = row.get("distinct_id")
        if tabular and distinct_id == "":
            distinct_id = None  # an empty cell is a missing value
        return accepted(
            record,
            Ingest(
                distinct_id=distinct_id, event=event, properties=properties, timestamp=timestamp
            ),
        )


def _object(value: object) -> dict[str, Any] | None:
    """A JSON object given as an object or as its text; missing or empty is ``{}``."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = loads_line(value)  # the limits of a script line (#17)
        except (json.JSONDecodeError, JsonRefused):
            return None
    if isinstance(value, Mapping):
        return dict(value)
    return None


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str):
        return parse_iso(value)
    if is_number(value):
        number = float(value)  # type: ignore[arg-type]
        return from_unix(number, milliseconds=number > MILLISECONDS_ABOVE)
    return None
