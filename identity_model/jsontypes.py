"""The JSON value type used for properties and raw script values, and its deep freeze."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TypeAlias, TypeGuard

Json: TypeAlias = bool | int | float | str | Sequence["Json"] | Mapping[str, "Json"] | None
JsonObject: TypeAlias = Mapping[str, Json]

EMPTY_OBJECT: JsonObject = MappingProxyType({})

_SCALARS = frozenset({str, int, float, bool, type(None)})


def is_object(value: object) -> TypeGuard[JsonObject]:
    """``isinstance(value, Mapping)``, the common types first: the ABC check is slow, and
    every object the readers and SDKs build is a dict or a mapping proxy (#10)."""
    if value is None:
        return False
    kind = type(value)
    return kind is MappingProxyType or kind is dict or isinstance(value, Mapping)


def freeze(value: Json) -> Json:
    """A deep read-only copy: objects become mapping proxies over dicts made here, arrays
    tuples, scalars their plain type.

    Nothing is trusted as frozen already, not even a mapping proxy (a caller may hold the
    mapping under it): no outside reference can reach what ``freeze`` returns."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, Mapping):
        return freeze_object(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return tuple(freeze(item) for item in value)  # type: ignore[union-attr]


def kept(value: Json) -> Json:
    """``value`` as a rule keeps it in the state: scalars as they are, anything else frozen.

    The rules that keep a nested value (person and group properties) call this: a value
    frozen already is copied again, as ``freeze`` trusts nothing."""
    return value if type(value) in _SCALARS else freeze(value)


def freeze_object(value: JsonObject) -> JsonObject:
    """``freeze`` for an object, typed as one."""
    if not value:
        return EMPTY_OBJECT
    scalars = _SCALARS
    return MappingProxyType(
        {key: item if type(item) in scalars else freeze(item) for key, item in value.items()}
    )


def seal(value: dict[str, Json]) -> JsonObject:
    """``freeze_object`` for an object just decoded, that nobody else holds (the script
    reader's fast lane): its nested objects and arrays are frozen in place, without a copy.
    Equal to ``freeze_object(value)``; ``value`` itself must not be used afterwards."""
    for key, item in value.items():
        kind = type(item)
        if kind is dict:
            value[key] = seal(item)  # type: ignore[arg-type]
        elif kind is list:
            value[key] = _seal_array(item)  # type: ignore[arg-type]
    return MappingProxyType(value)


def _seal_array(value: list[Json]) -> tuple[Json, ...]:
    return tuple(
        seal(item) if type(item) is dict else _seal_array(item) if type(item) is list else item
        for item in value
    )


def thaw(value: Json) -> Json:
    """Plain dicts and lists again, for ``json.dumps`` and for callers that want to mutate."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    return [thaw(item) for item in value]
