"""Mixpanel's ids: the ``$device:`` prefix, the refused values and the UUIDv4 test."""

from __future__ import annotations

import re

DEVICE_PREFIX = "$device:"  # a device's distinct_id is "$device:" + $device_id (MIX-02)

# The refused values of /import (MIX-17), matched case-insensitively (D-MIX-5); an empty
# distinct id is accepted as "no user"; no truncation.
REFUSED_VALUES: frozenset[str] = frozenset(
    {
        "00000000-0000-0000-0000-000000000000",
        "anon",
        "anonymous",
        "nil",
        "none",
        "null",
        "n/a",
        "na",
        "undefined",
        "unknown",
        "<nil>",
        "0",
        "-1",
        "true",
        "false",
        "[]",
        "{}",
    }
)

_UUID4 = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.IGNORECASE
)


def is_refused(value: str) -> bool:
    return value.lower() in REFUSED_VALUES


def is_device(distinct_id: str) -> bool:
    return distinct_id.startswith(DEVICE_PREFIX)


def device_distinct_id(device_id: str) -> str:
    return DEVICE_PREFIX + device_id


def is_uuid4(value: str) -> bool:
    """UUIDv4-shaped, case-insensitive (D-MIX-3, the literal test)."""
    return _UUID4.fullmatch(value) is not None


def anon_id_is_uuid(anon_id: str, *, from_sdk: bool) -> bool:
    """D-MIX-3: the ``$device:`` prefix is stripped; an SDK device's own id counts as a UUIDv4."""
    if is_device(anon_id):
        return from_sdk or is_uuid4(anon_id.removeprefix(DEVICE_PREFIX))
    return is_uuid4(anon_id)


def names_a_user(distinct_id: str) -> bool:
    """A non-empty distinct id without the device prefix (billed ``identified``, D-MIX-8)."""
    return distinct_id != "" and not is_device(distinct_id)
