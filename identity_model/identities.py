"""The identity keys of vendor-neutral operations, for partitioning a replay by identity.

Two operations can influence each other only through an identity they share. These keys are
deliberately *coarse*: every way a vendor may read an id (PostHog's stringification and
200-character cut, Mixpanel's ``$device:`` prefix, case and whitespace) maps equal ids to a
shared key, so a partition never separates what a vendor would join; a coarse key may only join
more (which costs parallelism, never correctness). A vendor whose own operations or linking
fields are not covered here overrides ``VendorProfile.identity_keys``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from identity_model.jsontypes import is_object, thaw

PREFIX_LENGTH = 64  # shorter than any vendor's cut (PostHog: 200), so a cut id keeps its key
DEVICE = "device\x00"
_DEVICE_ID = re.compile(r"^(.*)-anon-\d+$", re.DOTALL)  # format §1: <device>-anon-<n>
ID_FIELDS = ("device", "distinct_id", "anonymous_id", "alias", "new_anonymous_id", "user_id")
TRAIT_FIELDS = ("set", "set_once")  # traits may carry identifiers (Segment: email)
TRAIT_PROPERTIES = ("$set", "$set_once")
TRAIT_IDENTIFIERS = ("email",)
LINKING_PROPERTIES = (
    "distinct_id",
    "$anon_distinct_id",
    "alias",
    "$device_id",
    "$user_id",
    "$identified_id",
    "$anon_id",
    "$distinct_ids",
)


def _renderings(value: Any) -> Iterator[str]:
    """Every text a vendor may make of an id value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        yield json.dumps(value)
    elif isinstance(value, int | float):
        yield json.dumps(value)
        if float(value).is_integer() and abs(value) < 1e21:
            yield str(int(value))
        yield repr(value)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _renderings(item)
        yield json.dumps(thaw(value), separators=(",", ":"), ensure_ascii=False, default=str)
    else:
        yield json.dumps(thaw(value), separators=(",", ":"), ensure_ascii=False, default=str)


def coarse_keys(value: Any) -> Iterator[str]:
    """The keys of one id value (and of the device a ``<device>-anon-<n>`` id names)."""
    for text in _renderings(value):
        key = text.replace("\x00", "\ufffd").strip().lower().removeprefix("$device:")
        yield key[:PREFIX_LENGTH]  # "" too: a vendor may take an empty id as one identity
        if key:
            # the device of the id as given and of the id without "$device:" (Mixpanel's
            # "$device:<device>-anon-<n>" names the SDK's device too)
            for named in (text, key):
                device = _DEVICE_ID.match(named)
                if device:
                    yield DEVICE + device.group(1).strip().lower()[:PREFIX_LENGTH]


@cache
def _named(kind: Any, names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of ``names`` an operation type can have (a field, a slot, a class attribute or a
    property): the others are not looked up on each operation (a missing attribute is slow)."""
    if dataclasses.is_dataclass(kind):
        fields = {item.name for item in dataclasses.fields(kind)}
    else:
        fields = set(getattr(kind, "__struct_fields__", ()))
        if not fields and not hasattr(kind, "__slots__"):
            return names  # an instance may have any attribute: look each one up
    return tuple(name for name in names if name in fields or hasattr(kind, name))


_LINKING = frozenset(LINKING_PROPERTIES)


def neutral_identity_keys(op: Any) -> tuple[str, ...]:
    """The keys of an operation: its device, its id fields, the linking keys of its
    ``properties``, the identifier traits it sets; ``()`` when it names no identity (it can
    only move time)."""
    kind: Any = type(op)  # (a class: hashable, as the cache wants)
    keys: list[str] = []
    for name in _named(kind, ID_FIELDS):
        value = getattr(op, name, None)
        if value is None:
            continue
        if name == "device":
            keys.append(DEVICE + str(value).strip().lower()[:PREFIX_LENGTH])
        else:
            keys.extend(coarse_keys(value))
    traits = [getattr(op, name, None) for name in _named(kind, TRAIT_FIELDS)]
    properties = getattr(op, "properties", None) if _named(kind, ("properties",)) else None
    if is_object(properties):
        if not _LINKING.isdisjoint(properties):  # (most events carry none of them)
            for name in LINKING_PROPERTIES:
                value = properties.get(name)
                if value is not None:
                    keys.extend(coarse_keys(value))
        traits += [properties.get(name) for name in TRAIT_PROPERTIES]
    for found in traits:
        if is_object(found):
            for name in TRAIT_IDENTIFIERS:
                value = found.get(name)
                if value is not None:
                    keys.extend(coarse_keys(value))
    return tuple(dict.fromkeys(keys))
