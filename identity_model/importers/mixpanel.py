"""Mixpanel raw export lines: ``{"event": ..., "properties": {"time", "distinct_id", ...}}``.

Mapped the way PostHog's batch importer maps them (``rust/batch-import-worker/src/parse/
content/mixpanel.rs`` in PostHog/posthog; docs/importing.md, "Mixpanel"):

- the distinct id is ``properties.distinct_id``, except that ``$distinct_id_before_identity``
  wins when the distinct id looks like a Mixpanel device id (``$device:...``, or upper-case
  hex and dashes with at least one letter); without either, ``$user_id`` then ``$device_id``;
  no id at all: PostHog skips the event (here: rejected, ``import_missing_id``);
- ``time`` is Unix seconds, or milliseconds when above 10^10, cut to whole seconds;
- ``$mp_web_page_view`` is ``$pageview``; other names (``$identify``, ``$merge``,
  ``$create_alias`` included) pass through with their properties, so PostHog's ingestion
  rules apply to them (``$identify`` with ``$anon_distinct_id`` merges, ``$create_alias``
  with ``alias`` merges, ``$merge`` is an ordinary event);
- the first time a (``$user_id``, ``$device_id``) pair is seen, an ``$identify`` from the
  user id with ``$anon_distinct_id`` = the device id goes first (``generate_identify_events``,
  default true in ``posthog/api/batch_imports.py``);
- geo properties are renamed, Mixpanel's own bookkeeping properties dropped, the
  browser/OS/geo/URL ones copied to ``$set`` and the ``$initial_*`` ones to ``$set_once``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from identity_model.errors import Code
from identity_model.importers.common import (
    MILLISECONDS_ABOVE,
    ImportItem,
    accepted,
    from_unix,
    rejected,
)
from identity_model.io.exports import RawRecord
from identity_model.operations import Ingest, Operation

_GEOIP = (
    ("$city", "$geoip_city_name"),
    ("$region", "$geoip_subdivision_1_name"),
    ("mp_country_code", "$geoip_country_code"),
)
_DROPPED = ("$mp_api_endpoint", "mp_processing_time_ms", "$insert_id", "$geo_source")
_DROPPED_TOO = ("$mp_api_timestamp_ms",)
_PERSON_SET = (
    "$browser",
    "$browser_version",
    "$os",
    "$os_version",
    "$device",
    "$device_type",
    "$current_url",
    "$referrer",
    "$referring_domain",
    "$geoip_city_name",
    "$geoip_subdivision_1_name",
    "$geoip_country_code",
    "$geoip_country_name",
)
_PERSON_SET_ONCE = (
    "$initial_referrer",
    "$initial_referring_domain",
    "$initial_utm_source",
    "$initial_utm_medium",
    "$initial_utm_campaign",
    "$initial_utm_content",
    "$initial_utm_term",
)


def looks_like(value: Mapping[str, Any]) -> bool:
    """``event`` and a ``properties`` object holding ``time``; no top-level distinct id."""
    properties = value.get("properties")
    return (
        "event" in value
        and "distinct_id" not in value
        and isinstance(properties, Mapping)
        and "time" in properties
    )


def _text(value: object) -> str | None:
    """mixpanel.rs ``non_empty``: a non-empty string, else nothing."""
    return value if isinstance(value, str) and value else None


def _is_device_id(value: str) -> bool:
    """Upper-case hex with dashes and at least one letter (mixpanel.rs)."""
    return any("A" <= c <= "Z" for c in value) and all(
        "A" <= c <= "Z" or "0" <= c <= "9" or c == "-" for c in value
    )


def distinct_id_of(properties: Mapping[str, Any]) -> str | None:
    """mixpanel.rs ``get_distinct_id``/``resolve_distinct_id``."""
    distinct_id = _text(properties.get("distinct_id"))
    before = _text(properties.get("$distinct_id_before_identity"))
    if before is not None and (
        distinct_id is None or distinct_id.startswith("$device:") or _is_device_id(distinct_id)
    ):
        return before
    if distinct_id is not None:
        return distinct_id
    return _text(properties.get("$user_id")) or _text(properties.get("$device_id"))


class MixpanelMapper:
    """Remembers the (user, device) pairs already linked by an ``$identify``."""

    def __init__(self, *, generate_identify_events: bool = True) -> None:
        self.generate_identify_events = generate_identify_events
        self._linked: set[tuple[str, str]] = set()

    def map(self, record: RawRecord) -> list[ImportItem]:
        line = record.value
        assert line is not None
        event = line.get("event")
        given = line.get("properties")
        if not isinstance(event, str):
            code = Code.IMPORT_MISSING_FIELD if event is None else Code.IMPORT_INVALID_FIELD
            return rejected(record, code, "'event' must be a string (the event name)")
        if not isinstance(given, Mapping):
            code = Code.IMPORT_MISSING_FIELD if given is None else Code.IMPORT_INVALID_FIELD
            return rejected(record, code, "'properties' must be an object holding 'time'")
        for key in ("distinct_id", "$user_id", "$device_id"):
            if given.get(key) is not None and not isinstance(given[key], str):
                return rejected(
                    record,
                    Code.IMPORT_INVALID_FIELD,
                    f"properties.{key} is {type(given[key]).__name__}: PostHog's importer reads "
                    "it as a string",
                )
        timestamp = _time(given.get("time"))
        if timestamp is None:
            return rejected(
                record,
                Code.IMPORT_INVALID_TIMESTAMP,
                f"properties.time {given.get('time')!r} is not whole Unix seconds or milliseconds",
            )
        distinct_id = distinct_id_of(given)
        if distinct_id is None:
            return rejected(
                record,
                Code.IMPORT_MISSING_ID,
                "no distinct_id, $distinct_id_before_identity, $user_id or $device_id "
                "(PostHog's importer skips the event)",
            )
        user_id = _text(given.get("$user_id"))
        device_id = _text(given.get("$device_id"))
        properties = {key: value for key, value in given.items() if key != "time"}
        properties.pop("distinct_id", None)
        for old, new in _GEOIP:
            if old in properties:
                properties[new] = properties.pop(old)
        for key in _DROPPED + _DROPPED_TOO:
            properties.pop(key, None)
        properties.pop("$user_id", None)
        properties.pop("$device_id", None)
        if user_id is not None:
            properties["$mixpanel_user_id"] = user_id
        if device_id is not None:
            properties["$mixpanel_device_id"] = device_id
        person_set = {key: properties[key] for key in _PERSON_SET if key in properties}
        set_once = {key: properties[key] for key in _PERSON_SET_ONCE if key in properties}
        properties["historical_migration"] = True
        properties["analytics_source"] = "mixpanel"
        if person_set:
            properties["$set"] = {**_object(properties.get("$set")), **person_set}
        if set_once:
            properties["$set_once"] = {**_object(properties.get("$set_once")), **set_once}
        ops: list[Operation] = []
        if self.generate_identify_events and user_id is not None and device_id is not None:
            pair = (user_id, device_id)
            if pair not in self._linked:
                self._linked.add(pair)
                ops.append(
                    Ingest(
                        distinct_id=user_id,
                        event="$identify",
                        properties={
                            "$anon_distinct_id": device_id,
                            "$mixpanel_user_id": user_id,
                            "$mixpanel_device_id": device_id,
                            "historical_migration": True,
                            "analytics_source": "mixpanel",
                        },
                        timestamp=timestamp,
                    )
                )
        event_name = "$pageview" if event == "$mp_web_page_view" else event
        ops.append(
            Ingest(
                distinct_id=distinct_id,
                event=event_name,
                properties=properties,
                timestamp=timestamp,
            )
        )
        return accepted(record, *ops)


def _object(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _time(value: object) -> datetime | None:
    """mixpanel.rs: an integer; above 10^10 milliseconds, else seconds; whole seconds only."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    seconds = value // 1000 if value > MILLISECONDS_ABOVE else value
    return from_unix(seconds, milliseconds=False)
