"""Writing imported records as a script in our format (conformance format §1), to edit and share.

Each operation becomes one ``ingest`` line with its RFC 3339 time; each rejected record a
``// FILE:LINE: code: message`` comment, so the script replays to the same report as the
export, but for line numbers and the rejected records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from identity_model.importers.common import ImportItem, RejectedRecord
from identity_model.jsontypes import thaw
from identity_model.operations import Ingest, Operation


def rfc3339(moment: datetime) -> str:
    """UTC with a ``Z``; microseconds only when there are some."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def operation_line(op: Operation) -> dict[str, Any]:
    """The script line of an imported operation (the importers make only ``ingest``)."""
    if not isinstance(op, Ingest):
        raise TypeError(f"importers make ingest operations, not {type(op).__name__}")
    return {
        "op": "ingest",
        "distinct_id": thaw(op.distinct_id),
        "event": op.event,
        "properties": thaw(op.properties),
        "timestamp": rfc3339(op.timestamp),
    }


def script_lines(items: Iterable[ImportItem]) -> Iterator[str]:
    """One line of text (no newline) per item."""
    for item in items:
        if isinstance(item, RejectedRecord):
            message = " ".join(item.message.split())
            yield f"// {item.file}:{item.line}: {item.code.value}: {message}"
        else:
            yield json.dumps(operation_line(item.op), ensure_ascii=False, separators=(", ", ": "))
