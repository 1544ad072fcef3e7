"""Segment messages (a Segment archive, or any file of Segment spec messages).

Mapped the way PostHog's own Segment destination maps them (PostHog/posthog-segment,
``index.js``): each message is one event sent to PostHog's capture, so one ``ingest``.

- the distinct id is ``userId || anonymousId`` (JavaScript ``||``: an empty or zero userId
  falls back to the anonymous id); ``timestamp`` is the message's own;
- ``track`` keeps its event name; ``page`` is ``$pageview``; ``screen`` is ``$screen`` with
  ``$screen_name``; ``identify`` is ``$identify`` (with ``$anon_distinct_id`` = anonymousId
  when both ids are there) or ``$set`` when there is no userId, the traits in ``$set``;
  ``alias`` is ``$create_alias`` with ``alias`` = previousId; ``group`` is
  ``$groupidentify`` for group type ``segment_group``;
- ``context`` becomes properties: ``$ip``, ``$current_url``, ``$pathname``, ``$os``, ... the
  campaign as ``utm_*``, ``context.groupId`` as ``$groups``, and every context key again as
  ``segment_<key>``; ``$lib`` is ``Segment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from identity_model.errors import Code
from identity_model.importers.common import (
    ImportItem,
    accepted,
    as_utc,
    js_truthy,
    parse_iso,
    rejected,
)
from identity_model.io.exports import RawRecord
from identity_model.operations import Ingest

TYPES = frozenset({"track", "page", "screen", "identify", "alias", "group"})
_ID_KEYS = ("anonymousId", "userId", "messageId", "previousId")

# index.js contextMapping: context path -> PostHog property.
_CONTEXT_MAPPING = tuple(
    (tuple(path.split(".")), name)
    for path, name in (
        ("ip", "$ip"),
        ("page.url", "$current_url"),
        ("page.path", "$pathname"),
        ("os.name", "$os"),
        ("page.referrer", "$referrer"),
        ("screen.width", "$screen_width"),
        ("screen.height", "$screen_height"),
        ("device.type", "$device_type"),
    )
)


def looks_like(value: Mapping[str, Any]) -> bool:
    """A Segment spec message: a known ``type`` and one of its id keys."""
    return value.get("type") in TYPES and any(key in value for key in _ID_KEYS)


# --- Segment-to-warehouse rows (segment-docs src/connections/storage/warehouses/schema.md) ---

WAREHOUSE_TABLES = {
    "tracks": "track",
    "pages": "page",
    "screens": "screen",
    "identifies": "identify",
    "groups": "group",
    "aliases": "alias",
}
_WAREHOUSE_IDS = (
    ("anonymous_id", "anonymousId"),
    ("user_id", "userId"),
    ("previous_id", "previousId"),
    ("group_id", "groupId"),
    ("timestamp", "timestamp"),
)
_WAREHOUSE_RESERVED = frozenset(
    {
        "type",
        "id",
        "anonymous_id",
        "user_id",
        "previous_id",
        "group_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "uuid",
        "uuid_ts",
        "loaded_at",
        "event",
        "event_text",
    }
)
# Flattened context columns back to the context paths parseContext reads.
_WAREHOUSE_CONTEXT = {
    "ip": ("ip",),
    "page_url": ("page", "url"),
    "page_path": ("page", "path"),
    "page_referrer": ("page", "referrer"),
    "os_name": ("os", "name"),
    "screen_width": ("screen", "width"),
    "screen_height": ("screen", "height"),
    "device_type": ("device", "type"),
    "group_id": ("groupId",),
}


def looks_like_warehouse_row(value: Mapping[str, Any]) -> bool:
    """A row of a Segment warehouse table: snake_case ids and a ``timestamp``, no ``type``."""
    return "timestamp" in value and ("anonymous_id" in value or "user_id" in value)


def _snake_case_ids(value: Mapping[str, Any]) -> bool:
    """A warehouse row: ``anonymous_id``/``user_id`` and none of a message's camelCase ids."""
    return ("anonymous_id" in value or "user_id" in value) and not any(
        key in value for key in _ID_KEYS
    )


def warehouse_table(file: str) -> str:
    """The warehouse table a file holds, from its name (``identifies.csv.gz`` -> identifies)."""
    name = file.replace("\\", "/").rsplit("/", 1)[-1].lower()
    name = name.removesuffix(".gz")
    return name.rsplit(".", 1)[0] if "." in name else name


def warehouse_message(row: Mapping[str, Any], table: str) -> dict[str, Any]:
    """A warehouse row as the Segment message it was: ``type`` from a column or the table
    (an event's own table is a track), ids and ``timestamp`` renamed, ``context_*`` columns
    back into ``context``, the other columns the traits (identify, group) or properties."""

    def present(value: object) -> bool:
        return value is not None and value != ""  # an empty CSV cell is a missing value

    kind = row.get("type") if present(row.get("type")) else WAREHOUSE_TABLES.get(table, "track")
    message: dict[str, Any] = {"type": kind}
    for column, key in _WAREHOUSE_IDS:
        if present(row.get(column)):
            message[key] = row[column]
    if kind == "track":
        event = row.get("event_text") if present(row.get("event_text")) else row.get("event")
        if present(event):
            message["event"] = event
    context: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for column, value in row.items():
        if not present(value) or column in _WAREHOUSE_RESERVED:
            continue
        if column.startswith("context_"):
            key = column[len("context_") :]
            if key.startswith("campaign_"):
                context.setdefault("campaign", {})[key[len("campaign_") :]] = value
                continue
            path = _WAREHOUSE_CONTEXT.get(key, (key,))
            target = context
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
        elif column == "name" and kind in ("page", "screen"):
            message["name"] = value
        else:
            rest[column] = value
    if context:
        message["context"] = context
    if kind in ("identify", "group"):
        message["traits"] = rest
    elif kind != "alias":
        message["properties"] = rest
    return message


def _get(context: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """lodash ``_.get``: ``None`` where a step is missing (JSON objects are dicts)."""
    value: Any = context
    for part in path:
        if type(value) is not dict:
            return None
        value = value.get(part)
    return value


def parse_context(context: object) -> dict[str, Any]:
    """index.js ``parseContext``: mapped keys, ``utm_*``, ``$groups``, ``segment_<key>``."""
    if type(context) is not dict or not context:
        return {}
    result: dict[str, Any] = {}
    if js_truthy(context.get("groupId")):
        result["$groups"] = {"segment_group": context["groupId"]}
    rest = dict(context)
    campaign = rest.pop("campaign", None)
    if js_truthy(campaign) and isinstance(campaign, Mapping):
        for key, value in campaign.items():
            result["utm_" + ("campaign" if key == "name" else key)] = value
    elif campaign is not None:
        rest["campaign"] = campaign  # index.js deletes it only when it is truthy
    for path, name in _CONTEXT_MAPPING:
        value = _get(context, path)
        if value is not None:  # JSON.stringify drops the undefined ones
            result[name] = value
    for key, value in rest.items():
        result["segment_" + key] = value
    return result


class SegmentMapper:
    """Stateless: one message, one ``ingest``."""

    def map(self, record: RawRecord) -> list[ImportItem]:
        message = record.value
        assert message is not None
        if _snake_case_ids(message):
            message = warehouse_message(message, warehouse_table(record.file))
        kind = message.get("type")
        if kind is None or kind == "":
            return rejected(record, Code.IMPORT_MISSING_FIELD, "no 'type' (track, identify, ...)")
        if kind not in TYPES:
            return rejected(
                record,
                Code.IMPORT_UNSUPPORTED_TYPE,
                f"type {kind!r} is not one of {', '.join(sorted(TYPES))}",
            )
        raw_time = message.get("timestamp")
        timestamp = parse_iso(raw_time) if isinstance(raw_time, str) else None
        if timestamp is None and hasattr(raw_time, "tzinfo"):
            timestamp = as_utc(raw_time)  # type: ignore[arg-type]
        if timestamp is None:
            return rejected(
                record,
                Code.IMPORT_INVALID_TIMESTAMP,
                f"'timestamp' {raw_time!r} is not an ISO 8601 time",
            )
        given = message.get("properties")
        if given is not None and not isinstance(given, Mapping):
            return rejected(record, Code.IMPORT_INVALID_FIELD, "'properties' is not an object")
        properties: dict[str, Any] = dict(given or {})
        user_id = message.get("userId")
        anonymous_id = message.get("anonymousId")
        match kind:
            case "track" | "page":
                event = message.get("event", "$pageview" if kind == "page" else None)
                if event is None or event == "":
                    return rejected(record, Code.IMPORT_MISSING_FIELD, "a track has no 'event'")
                if not isinstance(event, str):
                    return rejected(record, Code.IMPORT_INVALID_FIELD, "'event' is not text")
            case "screen":
                event = "$screen"
                properties["$screen_name"] = message.get("name")
            case "identify":
                if "traits" in message:
                    properties["$set"] = message["traits"]
                if js_truthy(user_id):
                    event = "$identify"
                    if js_truthy(anonymous_id):
                        properties["$anon_distinct_id"] = anonymous_id
                else:
                    event = "$set"
            case "alias":
                event = "$create_alias"
                properties = {"alias": message.get("previousId")}
            case _:  # group
                event = "$groupidentify"
                properties = {
                    "$geoip_disable": True,
                    "$group_type": "segment_group",
                    "$group_key": message.get("groupId"),
                    "$group_set": message.get("traits"),
                }
        _track_properties(properties, message.get("context"))
        distinct_id = user_id if js_truthy(user_id) else anonymous_id
        context = parse_context(message.get("context"))
        return accepted(
            record,
            Ingest(
                distinct_id=distinct_id,
                event=event,
                properties={**context, **properties, "$lib": "Segment"},
                timestamp=timestamp,
            ),
        )


def _track_properties(properties: dict[str, Any], context: object) -> None:
    """index.js ``onTrack``: ``url``, ``utm_name``, ``browser`` and ``context.groupId``."""
    if js_truthy(properties.get("url")):
        properties["$current_url"] = properties.pop("url")
    if js_truthy(properties.get("utm_name")):
        properties["utm_campaign"] = properties["utm_name"]
    if js_truthy(properties.get("browser")):
        properties["$browser"] = properties["browser"]
    if isinstance(context, Mapping) and js_truthy(context.get("groupId")):
        properties["$groups"] = {"segment_group": context["groupId"]}
