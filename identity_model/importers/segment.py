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
