"""Person property updates carried by one event: ``$set``, ``$set_once``, ``$unset`` (SV-18).

Persons keep their properties in a persistent map, so an update copies nothing but the
changed paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from immutables import Map

from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject

PersonProperties = Map[str, Json]
EMPTY_PROPERTIES: PersonProperties = Map()

UPDATE_KEYS = ("$set", "$set_once", "$unset")


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyUpdates:
    """What one event asks of its person's properties."""

    set: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    set_once: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    unset: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.set or self.set_once or self.unset)


NO_UPDATES = PropertyUpdates()


def _object(value: Json) -> JsonObject:
    # Decision: `$set`/`$set_once` values that are not objects are ignored.
    return value if isinstance(value, Mapping) else EMPTY_OBJECT


def _unset_keys(value: Json) -> tuple[str, ...]:
    # Decision: `$unset` is a list of strings or an object whose keys are removed.
    if isinstance(value, Mapping):
        return tuple(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(key for key in value if isinstance(key, str))
    return ()


def updates_of(properties: JsonObject) -> PropertyUpdates:
    """The updates an event's (normalised) properties carry."""
    # SV-20: only these three keys change a person; event properties ($browser, utm_*) never do.
    if not ("$set" in properties or "$set_once" in properties or "$unset" in properties):
        return NO_UPDATES
    return PropertyUpdates(
        set=_object(properties.get("$set")),
        set_once=_object(properties.get("$set_once")),
        unset=_unset_keys(properties.get("$unset")),
    )


def apply_updates(current: PersonProperties, updates: PropertyUpdates) -> PersonProperties:
    """SV-18: `$set_once` only for absent keys, then `$set`, then `$unset` of keys present before.

    A new person is ``apply_updates(EMPTY_PROPERTIES, ...)``, i.e. ``{...$set_once, ...$set}``.
    """
    if updates.is_empty:
        return current
    result = current.mutate()
    for key, value in updates.set_once.items():
        if key not in current:
            result[key] = value
    for key, value in updates.set.items():
        result[key] = value
    for key in updates.unset:
        if key in current and key in result:
            del result[key]
    return result.finish()


def merge_properties(source: PersonProperties, target: PersonProperties) -> PersonProperties:
    """SV-14: ``{...source, ...target}``: the target person's values win."""
    if len(source) > len(target):
        result = source.mutate()
        for key, value in target.items():
            result[key] = value
        return result.finish()
    result = target.mutate()
    for key, value in source.items():
        if key not in target:
            result[key] = value
    return result.finish()
