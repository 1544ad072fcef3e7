"""What a script line may hold: strict JSON within documented limits (issue #17).

A line is refused, with a code, when it is longer than ``MAX_LINE_BYTES``, nests deeper than
``MAX_DEPTH``, holds an integer of more than ``MAX_INT_DIGITS`` digits or a number that no
64-bit float holds (``limit_exceeded``), or when it is not strict JSON text: ``NaN``,
``Infinity``, ``-Infinity``, a lone UTF-16 surrogate in a string, or an object with a duplicate
key (``invalid_operation``). The same checks apply to scripts given as decoded Python values.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from identity_model.errors import Code

MAX_LINE_BYTES = 64 * 1024 * 1024  # 64 MiB: a longer line is one rejected step
MAX_DEPTH = 128  # objects and arrays nested in a line, the line's own object counting as 1
MAX_INT_DIGITS = 4300  # Python's default int/str conversion limit (sys.int_max_str_digits)
_INT_BOUND = 10**MAX_INT_DIGITS
_NONZERO = re.compile("[1-9]")
_BACKSLASH_U = "\\u"  # a backslash and a u: the start of a JSON \uXXXX escape


class JsonRefused(ValueError):
    """A line or value outside what a script may hold: ``code`` and a one-line ``message``."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _constant(name: str) -> Any:
    raise JsonRefused(Code.INVALID_OPERATION, f"not JSON: {name} is not a JSON number")


def json_float(text: str) -> float:
    """A JSON number with a fraction or exponent, refused (``limit_exceeded``) when a 64-bit
    float cannot hold it: infinity, or zero for a number that is not zero."""
    value = float(text)
    # 1e999 would be infinity, 1e-999 zero: never a silently different number.
    if math.isinf(value) or (value == 0 and _NONZERO.search(text.lower().partition("e")[0])):
        raise JsonRefused(
            Code.LIMIT_EXCEEDED, f"number {_clip(text)} is out of range of a 64-bit float"
        )
    return value


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonRefused(Code.INVALID_OPERATION, f"duplicate key {_clip(repr(key))}")
            seen.add(key)
    return result


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


# One decoder for every line: json.loads with hooks would build a new one per call.
_DECODER = json.JSONDecoder(
    parse_constant=_constant, parse_float=json_float, object_pairs_hook=_pairs
)


def loads_line(text: str) -> Any:
    """One script line's JSON value; ``json.JSONDecodeError`` or ``JsonRefused`` when refused."""
    if len(text) > MAX_LINE_BYTES:  # characters: the caller caps bytes before decoding
        raise JsonRefused(Code.LIMIT_EXCEEDED, f"line longer than {MAX_LINE_BYTES} bytes (64 MiB)")
    try:
        value = _DECODER.decode(text)  # NaN, Infinity, 1e999 and duplicate keys refused
    except RecursionError:
        raise _too_deep() from None
    except (json.JSONDecodeError, JsonRefused):
        raise
    except ValueError as error:  # int(): more digits than sys.int_max_str_digits
        raise _too_long_integer() from error
    # The walk over the value (nesting, lone surrogates, integer digits) is needed only when
    # the text could hold one of them: ASCII text without a backslash-u escape holds no
    # surrogate, no more levels than brackets, and no integer longer than itself.
    if not (
        len(text) <= MAX_INT_DIGITS
        and text.isascii()
        and _BACKSLASH_U not in text
        and text.count("{") + text.count("[") <= MAX_DEPTH
    ):
        _check(value, 1)
    return value


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_value(value: Any) -> None:
    """Raise ``JsonRefused`` unless ``value`` is JSON data (mappings with str keys, lists or
    tuples, str, int, float, bool, None) within the limits above."""
    _check(value, 1)


def _check(item: Any, depth: int) -> None:
    # Exact types first (what json.loads makes): the common line costs one pass, no call per
    # scalar. Recursion is bounded: a level past MAX_DEPTH is refused before descending.
    kind = type(item)
    if kind is dict:
        if depth > MAX_DEPTH:
            raise _too_deep()
        for key, child in item.items():
            if type(key) is not str or not key.isascii():
                _check_key(key)
            child_kind = type(child)
            if child_kind is str:
                if not child.isascii():
                    _check_text(child)
            elif child_kind is int:
                if not -_INT_BOUND < child < _INT_BOUND:
                    raise _too_long_integer()
            elif child_kind is not bool and child is not None:
                _check(child, depth + 1)
    elif kind is list or kind is tuple:
        if depth > MAX_DEPTH:
            raise _too_deep()
        for child in item:
            _check(child, depth + 1)
    elif kind is str:
        if not item.isascii():
            _check_text(item)
    else:
        _check_other(item, depth)


def _check_other(item: Any, depth: int) -> None:
    """Scalars, and subclasses of the JSON types (an ``IntEnum``, a mapping proxy)."""
    if item is None or isinstance(item, bool):
        return
    if isinstance(item, str):
        _check_text(item)
    elif isinstance(item, int):
        if not -_INT_BOUND < item < _INT_BOUND:
            raise _too_long_integer()
    elif isinstance(item, float):
        if not math.isfinite(item):
            raise JsonRefused(Code.INVALID_OPERATION, f"not JSON: {item!r} is not a JSON number")
    elif isinstance(item, Mapping):
        if depth > MAX_DEPTH:
            raise _too_deep()
        for key, child in item.items():
            _check_key(key)
            _check(child, depth + 1)
    elif isinstance(item, list | tuple):
        _check(list(item), depth)
    else:
        raise JsonRefused(
            Code.INVALID_OPERATION, f"not JSON: a value of type {type(item).__name__}"
        )


def _check_key(key: Any) -> None:
    if not isinstance(key, str):
        raise JsonRefused(
            Code.INVALID_OPERATION, f"not JSON: object key {_clip(repr(key))} is not a string"
        )
    _check_text(key)


def _check_text(text: str) -> None:
    if not text.isascii() and _has_surrogate(text):
        raise JsonRefused(
            Code.INVALID_OPERATION,
            f"not JSON text: a lone surrogate in the string {_clip(ascii(text))}",
        )


def _too_deep() -> JsonRefused:
    return JsonRefused(Code.LIMIT_EXCEEDED, f"nesting deeper than {MAX_DEPTH} levels")


def _too_long_integer() -> JsonRefused:
    return JsonRefused(Code.LIMIT_EXCEEDED, f"an integer of more than {MAX_INT_DIGITS} digits")


class TooLong:
    """Stands for a line longer than ``MAX_LINE_BYTES`` (its bytes are skipped, not kept)."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size  # bytes read for it, newline included


def capped_lines(handle: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[bytes | TooLong]:
    """The lines of a binary stream, keeping ends; a line of more than ``limit`` bytes (its
    newline not counted) comes as a ``TooLong`` and never sits in memory whole."""
    readline = handle.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = readline(1024 * 1024)
            if not line:
                break
            size += len(line)
        yield TooLong(size)
