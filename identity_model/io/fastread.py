"""The fast lane of the script reader (#10): one ``ingest`` line decoded by msgspec, checked
cheaply on its bytes, and taken only when the careful reader (``io.limits.loads_line`` and the
operation readers) would read exactly the same value.

``plain_ingest(raw)`` returns the decoded line when it

- starts with ``{`` (no blank, comment, byte order mark or other value), is at most
  ``FAST_MAX_BYTES`` long, and has no backslash (no escapes: what is between two quotes is
  the string itself, so no lone surrogate can hide in an escape);
- opens at most ``MAX_DEPTH`` objects and arrays in all (so it cannot nest deeper);
- decodes with msgspec: strict JSON, valid UTF-8, no NaN or Infinity, no float out of range,
  no integer of more than ``MAX_INT_DIGITS`` digits (msgspec refuses all of them), and no
  number that would silently become zero or infinity: every float goes through the careful
  reader's own ``json_float`` (msgspec's ``float_hook``), which refuses both;
- is an ``ingest`` object with only the ``ingest`` keys, a string ``event``, an object or no
  ``properties`` and a string or no ``timestamp`` (msgspec checks all of it, decoding into
  ``PlainIngest``);
- has no duplicate key: the colons of the line equal those of the decoded value encoded again
  (without escapes, a line has one colon per key plus those inside its strings; the decoded
  value keeps one key per name and drops the strings of the values it drops; a key given as
  ``null`` is not encoded again, so such a line goes the careful way too).

Anything else returns ``None`` and goes the careful way, which says exactly what is wrong: the
fast lane changes no behaviour and no code, only how fast the common line is read.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from identity_model.io.limits import MAX_DEPTH, json_float

FAST_MAX_BYTES = 1024 * 1024  # longer lines are rare: they go the careful way


class PlainIngest(
    msgspec.Struct,
    forbid_unknown_fields=True,
    omit_defaults=True,
    frozen=True,
    kw_only=True,
    gc=False,
):
    """An ``ingest`` line as msgspec decodes it (any other shape is a decoding error)."""

    op: Literal["ingest"]
    event: str
    distinct_id: Any = None
    properties: dict[str, Any] | None = None
    timestamp: str | None = None


_DEPTH_BYTES = 2 * MAX_DEPTH  # a shorter line cannot open more than MAX_DEPTH levels


_decode = msgspec.json.Decoder(PlainIngest, float_hook=json_float).decode
_encode = msgspec.json.Encoder().encode


def plain_ingest(raw: bytes) -> PlainIngest | None:
    """The decoded line if it is a plain ``ingest`` line (see the module), else ``None``."""
    size = len(raw)
    if (
        not raw.startswith(b"{")
        or size > FAST_MAX_BYTES
        or b"\\" in raw
        or (size > _DEPTH_BYTES and raw.count(b"{") + raw.count(b"[") > MAX_DEPTH)
    ):
        return None
    try:
        value = _decode(raw)
    except msgspec.MsgspecError:  # (json_float's refusals included)
        return None
    if raw.count(b":") != _encode(value).count(b":"):
        return None  # a duplicate key, or a key given as null: the careful way
    return value
