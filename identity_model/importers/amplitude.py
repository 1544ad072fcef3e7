"""Amplitude export lines (the Export API's JSON, one event a line).

Mapped the way PostHog's batch importer maps them (``rust/batch-import-worker/src/parse/
content/amplitude.rs`` and ``amplitude/identify.rs`` in PostHog/posthog; docs/importing.md,
"Amplitude"):

- the distinct id is ``user_id`` when non-empty, else ``device_id``; neither: PostHog makes
  up a random UUID (here: rejected, ``import_missing_id``, the model has no randomness);
- ``event_time``, else ``client_event_time``, else ``server_received_time``, each
  ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in UTC; none readable: PostHog uses the import's wall
  clock (here: rejected, ``import_invalid_timestamp``);
- ``session_start`` is dropped (here: rejected, ``import_skipped_event``); ``[Amplitude] Page
  Viewed`` is ``$pageview``; ``[Amplitude] Element Clicked``/``Changed`` are ``$autocapture``;
  other names pass through, ``$identify`` included (with no ``$anon_distinct_id``);
- the first time a (``user_id``, ``device_id``) pair is seen, an ``$identify`` from the
  trimmed user id with ``$anon_distinct_id`` = the trimmed device id goes first
  (``generate_identify_events``, default true in ``posthog/api/batch_imports.py``);
- ``event_properties`` are the properties, with ``$amplitude_*`` ids, ``$device_id``, geo,
  device and page properties added; some of them also go to ``$set``, the ``initial_*`` user
  properties (not ``"EMPTY"``) to ``$set_once``; ``groups`` become ``$groups``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from identity_model.errors import Code
from identity_model.importers.common import (
    ImportItem,
    accepted,
    is_number,
    parse_iso,
    rejected,
)
from identity_model.io.exports import RawRecord
from identity_model.operations import Ingest, Operation

_RENAMED = {
    "session_start": None,
    "[Amplitude] Page Viewed": "$pageview",
    "[Amplitude] Element Clicked": "$autocapture",
    "[Amplitude] Element Changed": "$autocapture",
}
_STRING_FIELDS = (
    "user_id",
    "device_id",
    "event_type",
    "event_time",
    "client_event_time",
    "server_received_time",
    "country",
    "city",
    "region",
    "os_name",
    "os_version",
    "device_type",
    "ip_address",
)
_PAGE_PROPERTIES = (
    ("[Amplitude] Page URL", "$current_url"),
    ("[Amplitude] Page Domain", "$host"),
    ("[Amplitude] Page Path", "$pathname"),
    ("[Amplitude] Viewport Height", "$viewport_height"),
    ("[Amplitude] Viewport Width", "$viewport_width"),
    ("referrer", "$referrer"),
    ("referring_domain", "$referring_domain"),
)
_SET_FROM_PAGE = (
    ("[Amplitude] Page URL", "$current_url"),
    ("[Amplitude] Page Path", "$pathname"),
    ("referrer", "$referrer"),
    ("referring_domain", "$referring_domain"),
)
_INITIAL = (
    "initial_referrer",
    "initial_referring_domain",
    "initial_utm_source",
    "initial_utm_medium",
    "initial_utm_campaign",
    "initial_utm_content",
)
_DEVICE_KIND = {"Windows": "Desktop", "Linux": "Desktop", "iOS": "Mobile", "Android": "Mobile"}
_TIME_FIELDS = ("event_time", "client_event_time", "server_received_time")


def looks_like(value: Mapping[str, Any]) -> bool:
    """An ``event_type`` key (Amplitude's name for the event name)."""
    return "event_type" in value


_AMPLITUDE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$")


def _amplitude_time(text: str) -> datetime | None:
    """amplitude.rs ``parse_timestamp_string``: ``%Y-%m-%d %H:%M:%S%.f``, no offset, UTC."""
    return parse_iso(text) if _AMPLITUDE_TIME.match(text) else None


class AmplitudeMapper:
    """Remembers the (user, device) pairs already linked by an ``$identify``."""

    def __init__(self, *, generate_identify_events: bool = True) -> None:
        self.generate_identify_events = generate_identify_events
        self._linked: set[tuple[str, str]] = set()

    def map(self, record: RawRecord) -> list[ImportItem]:
        amp = record.value
        assert amp is not None
        for key in _STRING_FIELDS:
            if amp.get(key) is not None and not isinstance(amp[key], str):
                return rejected(
                    record,
                    Code.IMPORT_INVALID_FIELD,
                    f"'{key}' is {type(amp[key]).__name__}: PostHog's importer reads it as a "
                    "string",
                )
        for key in ("event_properties", "user_properties", "groups"):
            if amp.get(key) is not None and not isinstance(amp[key], Mapping):
                return rejected(record, Code.IMPORT_INVALID_FIELD, f"'{key}' is not an object")
        raw_type: str | None = amp.get("event_type")
        if raw_type is None:
            return rejected(
                record,
                Code.IMPORT_MISSING_FIELD,
                "no 'event_type' (PostHog's importer skips the event)",
            )
        if raw_type in _RENAMED and _RENAMED[raw_type] is None:
            return rejected(
                record, Code.IMPORT_SKIPPED_EVENT, f"PostHog's importer drops {raw_type!r} events"
            )
        event = _RENAMED.get(raw_type) or raw_type
        user_id: str | None = amp.get("user_id")
        device_id: str | None = amp.get("device_id")
        distinct_id = user_id or device_id
        if not distinct_id:
            return rejected(
                record,
                Code.IMPORT_MISSING_ID,
                "neither user_id nor device_id (PostHog's importer makes up a random id)",
            )
        timestamp = next(
            (
                parsed
                for key in _TIME_FIELDS
                if isinstance(amp.get(key), str)
                and (parsed := _amplitude_time(amp[key])) is not None
            ),
            None,
        )
        if timestamp is None:
            return rejected(
                record,
                Code.IMPORT_INVALID_TIMESTAMP,
                "no readable event_time, client_event_time or server_received_time "
                "(YYYY-MM-DD HH:MM:SS[.ffffff]); PostHog's importer would use the current time",
            )
        ops: list[Operation] = []
        if self.generate_identify_events and user_id is not None and device_id is not None:
            pair = (user_id, device_id)
            if pair not in self._linked:
                user, device = user_id.strip(), device_id.strip()
                if not user or not device:
                    return rejected(
                        record,
                        Code.IMPORT_MISSING_ID,
                        "a blank user_id or device_id: PostHog's importer fails the $identify",
                    )
                self._linked.add(pair)
                ops.append(
                    Ingest(
                        distinct_id=user,
                        event="$identify",
                        properties={
                            "$anon_distinct_id": device,
                            "$amplitude_user_id": user,
                            "$amplitude_device_id": device,
                            "historical_migration": True,
                            "analytics_source": "amplitude",
                        },
                        timestamp=timestamp,
                    )
                )
        ops.append(
            Ingest(
                distinct_id=distinct_id,
                event=event,
                properties=_properties(amp),
                timestamp=timestamp,
            )
        )
        return accepted(record, *ops)


def _properties(amp: Mapping[str, Any]) -> dict[str, Any]:
    """amplitude.rs: the event properties, the added ones, ``$set`` and ``$set_once``."""
    given: Mapping[str, Any] = amp.get("event_properties") or {}
    properties = dict(given)
    user_id, device_id = amp.get("user_id"), amp.get("device_id")
    if user_id is not None:
        properties["$amplitude_user_id"] = user_id
    if device_id is not None:
        properties["$amplitude_device_id"] = device_id
        properties["$device_id"] = device_id
    for key, name in (("event_id", "$amplitude_event_id"), ("session_id", "$amplitude_session_id")):
        value = amp.get(key)
        if is_number(value) and value != 0:
            properties[name] = value
    kind = _DEVICE_KIND.get(amp.get("device_type") or "")
    person_set: dict[str, Any] = {}
    for key, name in (
        ("country", "$geoip_country_name"),
        ("city", "$geoip_city_name"),
        ("region", "$geoip_subdivision_1_name"),
        ("os_name", "$browser"),
        ("device_type", "$os"),
    ):
        if amp.get(key) is not None:
            properties[name] = amp[key]
            person_set[name] = amp[key]
    os_version = amp.get("os_version")
    if os_version is not None:
        properties["$browser_version"] = int(os_version) if _is_integer(os_version) else os_version
        person_set["$browser_version"] = os_version
    if kind is not None:
        properties["$device_type"] = kind
        person_set["$device_type"] = kind
    if amp.get("ip_address") is not None:
        properties["$ip"] = amp["ip_address"]
    for key, name in _PAGE_PROPERTIES:
        if key in given:
            properties[name] = given[key]
    for key, name in _SET_FROM_PAGE:
        if key in given:
            person_set[name] = given[key]
    user_properties: Mapping[str, Any] = amp.get("user_properties") or {}
    set_once = {
        f"${key}": user_properties[key]
        for key in _INITIAL
        if user_properties.get(key) is not None and user_properties[key] != "EMPTY"
    }
    properties["historical_migration"] = True
    properties["analytics_source"] = "amplitude"
    groups: Mapping[str, Any] = amp.get("groups") or {}
    firsts = {
        kind_: values[0]
        for kind_, values in groups.items()
        if isinstance(values, list) and values and isinstance(values[0], str)
    }
    if firsts:
        properties["$groups"] = firsts
    if person_set:
        properties["$set"] = {**_object(properties.get("$set")), **person_set}
    if set_once:
        properties["$set_once"] = {**_object(properties.get("$set_once")), **set_once}
    return properties


def _object(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _is_integer(text: str) -> bool:
    """Rust's ``str::parse::<i64>``: an optional sign and ASCII digits."""
    body = text[1:] if text[:1] in "+-" else text
    return body.isascii() and body.isdigit()
