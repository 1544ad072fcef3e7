"""The Segment config line: ``{"vendor": "segment", "unify": {...} | false}`` (format extension).

``unify`` is optional: absent means Unify with the default identity resolution settings;
``false`` means a workspace with Connections only (no profiles, SEG-04).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from immutables import Map

from identity_model.errors import Code, IdentityError
from identity_model.operations import Config

VENDOR = "segment"


class IdType(StrEnum):
    """The identifier types the model promotes (SEG-06); the others are not modelled."""

    USER_ID = "user_id"
    EMAIL = "email"
    ANONYMOUS_ID = "anonymous_id"


# The default priority (SEG-08): user_id 1, email 2, then the other types alphabetically.
DEFAULT_PRIORITY: tuple[IdType, ...] = (IdType.USER_ID, IdType.EMAIL, IdType.ANONYMOUS_ID)


class Window(StrEnum):
    """How far back a limit counts (D-SEG-1: days of 24 h; ``ever``: no window)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ANNUALLY = "annually"
    EVER = "ever"

    @property
    def days(self) -> int | None:
        return _WINDOW_DAYS[self]


_WINDOW_DAYS = {
    Window.DAILY: 1,
    Window.WEEKLY: 7,
    Window.MONTHLY: 30,
    Window.ANNUALLY: 365,
    Window.EVER: None,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit:
    count: int
    window: Window = Window.EVER


# The default limits (SEG-07): 1 user_id and 5 of every other type, ever (D-SEG-1).
DEFAULT_LIMITS: Map[IdType, Limit] = Map(
    {
        IdType.USER_ID: Limit(count=1),
        IdType.EMAIL: Limit(count=5),
        IdType.ANONYMOUS_ID: Limit(count=5),
    }
)

RECOMMENDED = "$recommended"
RECOMMENDED_EXACT = frozenset({"-1", "null", "anonymous"})
RECOMMENDED_PATTERN = "^[0-]*$"
REGEX_PREFIX = "regex:"


@dataclass(frozen=True, slots=True, kw_only=True)
class Blocklist:
    """Blocked values: exact matches and patterns (``re.search``)."""

    exact: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()

    def blocks(self, value: str) -> bool:
        return value in self.exact or any(pattern.search(value) for pattern in self.patterns)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnifySettings:
    """A space's identity resolution settings."""

    limits: Map[IdType, Limit] = field(default_factory=lambda: DEFAULT_LIMITS)
    priority: tuple[IdType, ...] = DEFAULT_PRIORITY  # highest first, every type once
    blocked: Blocklist = field(default_factory=Blocklist)

    def rank(self, kind: IdType) -> int:
        return self.priority.index(kind)

    def __str__(self) -> str:
        limits = ", ".join(
            f"{kind.value} {self.limits[kind].count} {self.limits[kind].window.value}"
            for kind in self.priority
        )
        blocked = len(self.blocked.exact) + len(self.blocked.patterns)
        return f"limits {limits} (priority order), {blocked} blocked values"


DEFAULT_UNIFY = UnifySettings()


_KINDS = tuple(kind.value for kind in IdType)


def _fail(message: str, line: int | None) -> IdentityError:
    return IdentityError(Code.INVALID_OPERATION, f"config: unify: {message}", line=line)


def _id_type(value: object, where: str, line: int | None) -> IdType:
    if isinstance(value, str) and value in _KINDS:
        return IdType(value)
    kinds = ", ".join(_KINDS)
    raise _fail(f"{where}: {value!r} is not an identifier type ({kinds})", line)


def _count(value: object, line: int | None) -> int:
    if type(value) is not int or value < 1:
        raise _fail(f"a limit is a whole number >= 1, not {value!r}", line)
    return value


def _limits(raw: object, line: int | None) -> Map[IdType, Limit]:
    if not isinstance(raw, dict):
        raise _fail("limits is an object", line)
    limits = DEFAULT_LIMITS.mutate()
    for key, value in raw.items():
        kind = _id_type(key, "limits", line)
        if isinstance(value, dict):
            if not value.keys() <= {"count", "window"} or "count" not in value:
                raise _fail('a limit object is {"count": N, "window": ...}', line)
            try:
                window = Window(value.get("window", Window.EVER))
            except ValueError:
                windows = ", ".join(window.value for window in Window)
                raise _fail(f"window is one of {windows}", line) from None
            limits[kind] = Limit(count=_count(value["count"], line), window=window)
        else:
            limits[kind] = Limit(count=_count(value, line))
    return limits.finish()


def _priority(raw: object, line: int | None) -> tuple[IdType, ...]:
    if not isinstance(raw, list):
        raise _fail("priority is a list of identifier types", line)
    listed = [_id_type(value, "priority", line) for value in raw]
    if len(set(listed)) != len(listed):
        raise _fail("priority names a type twice", line)
    return (*listed, *(kind for kind in DEFAULT_PRIORITY if kind not in listed))


def _blocked(raw: object, line: int | None) -> Blocklist:
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        raise _fail("blocked_values is a list of strings", line)
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for value in raw:
        if value == RECOMMENDED:
            # The suggested list (SEG-09) applies only when opted into.
            exact |= RECOMMENDED_EXACT
            patterns.append(re.compile(RECOMMENDED_PATTERN))
        elif value.startswith(REGEX_PREFIX):
            try:
                patterns.append(re.compile(value.removeprefix(REGEX_PREFIX)))
            except re.error as error:
                raise _fail(f"{value!r} is not a regular expression: {error}", line) from None
        else:
            exact.add(value)
    return Blocklist(exact=frozenset(exact), patterns=tuple(patterns))


def parse_unify(raw: Any, *, line: int | None = None) -> UnifySettings | None:
    """The config's ``unify`` value: settings, or ``None`` for ``false`` (Connections only)."""
    if raw is False:
        return None
    if not isinstance(raw, Mapping):
        raise _fail("unify is an object or false", line)
    unknown = sorted(set(raw) - {"limits", "priority", "blocked_values"})
    if unknown:
        raise _fail(f"unknown key(s) {', '.join(map(repr, unknown))}", line)
    return UnifySettings(
        limits=_limits(raw.get("limits", {}), line),
        priority=_priority(raw.get("priority", []), line),
        blocked=_blocked(raw.get("blocked_values", []), line),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentConfig(Config):
    """The config line: ``unify`` is ``None`` for Connections only (``"unify": false``)."""

    vendor: str = VENDOR
    unify: UnifySettings | None = DEFAULT_UNIFY


def parse_config(raw: Mapping[str, Any]) -> SegmentConfig:
    """The config line's body (without ``vendor``): only ``unify`` is known."""
    unknown = sorted(set(raw) - {"vendor", "unify"})
    if unknown:
        raise IdentityError(
            Code.INVALID_OPERATION, f"config: unknown key(s) {', '.join(map(repr, unknown))}"
        )
    return SegmentConfig(unify=parse_unify(raw.get("unify", {})))
