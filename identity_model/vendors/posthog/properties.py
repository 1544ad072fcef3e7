"""Person property updates carried by one event: ``$set``, ``$set_once``, ``$unset`` (SV-18).

Persons keep their properties in a persistent map, so an update copies nothing but the
changed paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from immutables import Map
from msgspec import Struct

from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, is_object, kept

PersonProperties = Map[str, Json]
EMPTY_PROPERTIES: PersonProperties = Map()

UPDATE_KEYS = ("$set", "$set_once", "$unset")


class PropertyUpdates(Struct, frozen=True, kw_only=True, gc=False):
    """What one event asks of its person's properties."""

    set: JsonObject = EMPTY_OBJECT
    set_once: JsonObject = EMPTY_OBJECT
    unset: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.set or self.set_once or self.unset)


NO_UPDATES = PropertyUpdates()


def _object(value: Json) -> JsonObject:
    # Decision: `$set`/`$set_once` values that are not objects are ignored.
    return value if is_object(value) else EMPTY_OBJECT


def _unset_keys(value: Json) -> tuple[str, ...]:
    # Decision: `$unset` is a list of strings or an object whose keys are removed.
    if isinstance(value, Mapping):
        return tuple(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(key for key in value if isinstance(key, str))
    return ()


# PostHog's event-to-person list, in its order: `EVENT_TO_PERSON_PROPERTIES` then
# `CAMPAIGN_PROPERTIES` (nodejs/src/worker/ingestion/persons/person-property-utils.ts).
EVENT_TO_PERSON_PROPERTIES = (
    "$app_build", "$app_name", "$app_namespace", "$app_version", "$browser", "$browser_version",
    "$device_type", "$current_url", "$pathname", "$os", "$os_version", "$referring_domain",
    "$referrer", "$screen_height", "$screen_width", "$viewport_height", "$viewport_width",
    "$raw_user_agent",
    "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_name", "utm_term", "gclid",
    "gad_source", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "twclid",
    "li_fat_id", "mc_cid", "igshid", "ttclid", "rdt_cid", "irclid", "_kx", "epik", "qclid", "sccid",
)  # fmt: skip
_INITIAL_KEYS = {key: "$initial_" + key.replace("$", "", 1) for key in EVENT_TO_PERSON_PROPERTIES}
_LIFTED_KEYS = frozenset(EVENT_TO_PERSON_PROPERTIES)
_SERVER_HOST_KEYS = frozenset({"$os", "$os_version"})
# `FILTERED_PERSON_UPDATE_PROPERTIES`: a change of these alone never rewrites a person.
FILTERED_PROPERTIES = frozenset(
    {
        "$current_url", "$pathname", "$referring_domain", "$referrer", "$screen_height",
        "$screen_width", "$viewport_height", "$viewport_width", "$browser", "$browser_version",
        "$device_type", "$raw_user_agent", "$os", "$os_name", "$os_version",
        "$geoip_postal_code", "$geoip_time_zone", "$geoip_latitude", "$geoip_longitude",
        "$geoip_accuracy_radius", "$geoip_subdivision_1_code", "$geoip_subdivision_1_name",
        "$geoip_subdivision_2_code", "$geoip_subdivision_2_name", "$geoip_subdivision_3_code",
        "$geoip_subdivision_3_name", "$geoip_city_confidence", "$geoip_country_confidence",
        "$geoip_postal_code_confidence", "$geoip_subdivision_1_confidence",
        "$geoip_subdivision_2_confidence",
    }
)  # fmt: skip


def lift_event_properties(properties: JsonObject) -> JsonObject:
    """``personInitialAndUTMProperties``: listed event properties into `$set` (unless there)
    and, when not null, into `$set_once` as `$initial_<name>` (unless there)."""
    if _LIFTED_KEYS.isdisjoint(properties):  # the common event: none of them (one C call)
        return properties
    found = [key for key in EVENT_TO_PERSON_PROPERTIES if key in properties]
    if properties.get("$is_server") is True:  # a server SDK's host OS is not the user's
        found = [key for key in found if key not in _SERVER_HOST_KEYS]
    if not found:
        return properties
    set_ = dict(_object(properties.get("$set")))
    set_once = dict(_object(properties.get("$set_once")))
    for key in found:
        value = properties[key]
        set_.setdefault(key, value)
        if value is not None:
            set_once.setdefault(_INITIAL_KEYS[key], value)
    return {**properties, "$set": set_, "$set_once": set_once}


def js_same(a: Json, b: Json) -> bool:
    """JavaScript ``a === b`` for JSON values: objects and arrays are never the same."""
    kind = type(a)
    if kind is type(b) and (kind is str or kind is int or kind is float):
        return a == b  # the common pair, before the slower checks below (the same answer)
    if isinstance(a, Mapping | list | tuple) or isinstance(b, Mapping | list | tuple):
        return False
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) and a == b
    return a == b


def worth_writing(current: PersonProperties, updates: PropertyUpdates) -> bool:
    """``getPersonUpdateOutcome`` for an ordinary event on an existing person: a new key, a
    changed value of a key outside ``FILTERED_PROPERTIES``, or an `$unset` of a present key."""
    for key in updates.unset:
        if key in current:
            return True
    for key in updates.set_once:
        if key not in current:
            return True
    for key, value in updates.set.items():
        if key not in current:
            return True
        if key not in FILTERED_PROPERTIES and not js_same(current[key], value):
            return True
    return False


def updates_of(properties: JsonObject) -> PropertyUpdates:
    """The updates an event's (normalised, lifted) properties carry."""
    if not ("$set" in properties or "$set_once" in properties or "$unset" in properties):
        return NO_UPDATES
    unset = properties.get("$unset")
    return PropertyUpdates(
        set=_object(properties.get("$set")),
        set_once=_object(properties.get("$set_once")),
        unset=() if unset is None else _unset_keys(unset),
    )


def apply_updates(current: PersonProperties, updates: PropertyUpdates) -> PersonProperties:
    """SV-18: `$set_once` only for absent keys, then `$set`, then `$unset` of keys present before.

    A new person is ``apply_updates(EMPTY_PROPERTIES, ...)``, i.e. ``{...$set_once, ...$set}``.
    """
    if updates.is_empty:
        return current
    if not updates.set_once and not updates.unset and len(updates.set) == 1:
        ((key, value),) = updates.set.items()  # the common update: one `$set` key
        return current.set(key, kept(value))
    result = current.mutate()
    # The values are kept: frozen here (an operation read from a script freezes only its top
    # level, see ``jsontypes.kept``).
    for key, value in updates.set_once.items():
        if key not in current:
            result[key] = kept(value)
    for key, value in updates.set.items():
        result[key] = kept(value)
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
