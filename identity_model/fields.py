"""The keys of one operation object, read one by one with the key's name in every error.

The script reader (``identity_model.io.script``) hands a ``Fields`` to the core's reader of
the vendor-neutral operations and to a vendor's ``parse_operation`` hook. Every reader raises
``IdentityError(invalid_operation)``; the script reader turns that into a rejected line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from identity_model.errors import Code, IdentityError
from identity_model.jsontypes import Json, JsonObject


class Fields:
    """One operation object (``raw``) on line ``line`` whose ``op`` key is ``op``."""

    __slots__ = ("_timestamp", "config", "line", "op", "raw", "vendor")

    def __init__(
        self,
        raw: Mapping[str, Any],
        line: int,
        op: str,
        vendor: str,
        timestamp: Callable[[Fields, str | None], datetime],
        config: Any = None,
    ) -> None:
        self.raw = raw
        self.line = line
        self.op = op
        self.vendor = vendor
        self._timestamp = timestamp
        self.config = config  # the script's config: a vendor's readers may depend on it

    def fail(self, message: str) -> IdentityError:
        return IdentityError(Code.INVALID_OPERATION, f"{self.op}: {message}", line=self.line)

    def unknown_op(self, expected: Iterable[str]) -> IdentityError:
        """The error for an op name this vendor does not read."""
        return IdentityError(
            Code.INVALID_OPERATION,
            f"unknown op {self.op!r} for vendor {self.vendor} "
            f"(expected one of {', '.join(expected)})",
            line=self.line,
        )

    def check_keys(self, allowed: frozenset[str]) -> None:
        """Unknown keys are an error (format §1), checked before anything is read."""
        if not self.raw.keys() <= allowed:
            unknown = sorted(set(self.raw) - allowed)
            raise self.fail(f"unknown key(s) {', '.join(map(repr, unknown))}")

    def timestamp(self, *, missing: str | None = None) -> datetime:
        """The line's time; an omitted one is one second after the previous operation line's
        (format §1), unless ``missing`` says why it may not be omitted (then it is an error)."""
        return self._timestamp(self, missing)

    def any(self, key: str) -> Json:
        value: Json = self.raw.get(key)
        return value

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key!r} is required (a string)")
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a string, not {type(value).__name__}")
        return value

    def obj(self, key: str) -> JsonObject | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"{key!r} must be an object, not {type(value).__name__}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false")
        return value
