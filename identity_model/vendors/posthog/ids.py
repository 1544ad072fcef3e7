"""Distinct ids: what capture accepts (SV-01..SV-04), which ids may never merge (SV-06), and the
JavaScript conversions the ingestion code applies to merge ids (SV-08)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeGuard

from msgspec import Struct

from identity_model.errors import Code
from identity_model.jsontypes import Json, JsonObject, thaw
from identity_model.rules import RuleId

MAX_DISTINCT_ID_LENGTH = 200

# Unicode White_Space, what Rust's str::trim removes (capture, SV-02).
_RUST_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# ECMAScript WhiteSpace + LineTerminator, what String.prototype.trim removes (SV-06).
_JS_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

_RUST_TRIM = "".join(_RUST_WHITESPACE)
_JS_TRIM = "".join(_JS_WHITESPACE)


def _quoted(words: set[str]) -> frozenset[str]:
    return frozenset(words | {f"'{w}'" for w in words} | {f'"{w}"' for w in words})


_ILLEGAL_CASE_INSENSITIVE = _quoted(
    {
        "anonymous",
        "guest",
        "distinctid",
        "distinct_id",
        "id",
        "not_authenticated",
        "email",
        "undefined",
        "true",
        "false",
    }
)
_ILLEGAL_CASE_SENSITIVE = _quoted(
    {"[object Object]", "NaN", "None", "none", "null", "0", "undefined"}
)


def is_distinct_id_illegal(distinct_id: str) -> bool:
    """Ids that PostHog refuses to merge (blank, or a generic placeholder)."""
    # SV-06: blank after JS trim, or a case-insensitive / case-sensitive generic id, quoted too.
    return (
        distinct_id.strip(_JS_TRIM) == ""
        or distinct_id.lower() in _ILLEGAL_CASE_INSENSITIVE
        or distinct_id in _ILLEGAL_CASE_SENSITIVE
    )


class CapturedId(Struct, frozen=True, kw_only=True, gc=False):
    """The distinct id capture derived from a raw event, or why it refused the event."""

    distinct_id: str | None
    codes: tuple[Code, ...]
    rules: tuple[RuleId, ...]


PLAIN_ID_RULES: tuple[RuleId, ...] = ("SV-01",)


def is_plain_distinct_id(raw: Json) -> TypeGuard[str]:
    """A root id that capture takes as it is (SV-01 only): a string, not blank at its start,
    no NUL, not too long. ``capture_distinct_id`` of it is the id itself, with no code."""
    return (
        type(raw) is str
        and 0 < len(raw) <= MAX_DISTINCT_ID_LENGTH
        and raw[0] not in _RUST_WHITESPACE
        and "\x00" not in raw
    )


def capture_distinct_id(raw: Json, properties: JsonObject) -> CapturedId:
    """SV-01..SV-04: the root id, else ``properties.distinct_id``; stringified, cleaned, cut."""
    if is_plain_distinct_id(raw):
        return CapturedId(distinct_id=raw, codes=(), rules=PLAIN_ID_RULES)
    rules: list[RuleId] = [*PLAIN_ID_RULES]
    value: object = raw
    if value is None:
        value = properties.get("distinct_id")
    if value is None:
        return CapturedId(distinct_id=None, codes=(Code.MISSING_DISTINCT_ID,), rules=tuple(rules))
    text = (
        value
        if isinstance(value, str)
        else json.dumps(thaw(value), separators=(",", ":"), ensure_ascii=False)  # type: ignore[arg-type]
    )
    if text.strip(_RUST_TRIM) == "":
        rules.append("SV-02")
        return CapturedId(distinct_id=None, codes=(Code.MISSING_DISTINCT_ID,), rules=tuple(rules))
    if not isinstance(value, str) or "\x00" in text:
        rules.append("SV-03")
        text = text.replace("\x00", "\ufffd")
    codes: tuple[Code, ...] = ()
    if len(text) > MAX_DISTINCT_ID_LENGTH:
        rules.append("SV-04")
        text = text[:MAX_DISTINCT_ID_LENGTH]
        codes = (Code.DISTINCT_ID_TRUNCATED,)
    return CapturedId(distinct_id=text, codes=codes, rules=tuple(rules))


def js_string(value: Json) -> str:
    """JavaScript ``String(value)`` for a JSON value (SV-08 passes merge ids through it)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return ",".join("" if item is None else js_string(item) for item in value)


def _js_number(value: float) -> str:
    """ECMAScript Number::toString(10): plain digits for 1e-7 < |x| < 1e21, else exponential."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"  # String(-0) is "0"
    if value < 0:
        return "-" + _js_number(-value)
    # repr gives the shortest round-tripping digits, as ECMAScript requires; n is where the
    # decimal point goes relative to those digits (value = 0.digits * 10**n).
    _, digits_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple))
    k, n = len(digits), int(exponent) + len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    power = f"e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return (digits if k == 1 else f"{digits[0]}.{digits[1:]}") + power


def js_truthy(value: Json) -> bool:
    """JavaScript truthiness: ``""``, ``0``, ``NaN``, ``false``, ``null`` are false; ``[]``,
    ``{}`` true."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    return True


def _is_array_index(key: str) -> bool:
    return key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1


def js_key_order(value: Json) -> Json:
    """Objects in JavaScript's own key order (``JSON.stringify``): integer-like keys ascending,
    then the others as inserted; arrays and scalars as they are."""
    if isinstance(value, Mapping):
        index = sorted((key for key in value if _is_array_index(key)), key=int)
        rest = [key for key in value if not _is_array_index(key)]
        return {key: js_key_order(value[key]) for key in (*index, *rest)}
    if isinstance(value, list | tuple):
        return [js_key_order(item) for item in value]
    return value
