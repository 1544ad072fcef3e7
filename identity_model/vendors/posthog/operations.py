"""PostHog's own operations besides the vendor-neutral ones: the mobile SDKs' capture.

The Python SDK's operations are in ``python_sdk``. Both are read by the PostHog profile's
``parse_operation`` under the config's ``client`` (format extension, issue #11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from identity_model.fields import Fields
from identity_model.jsontypes import JsonObject, freeze_object
from identity_model.operations import DEFAULT_DEVICE, Capture


@dataclass(frozen=True, slots=True, kw_only=True)
class MobileCapture(Capture):
    """``capture(event, distinctId:, properties:, userProperties:, userPropertiesSetOnce:,
    groups:)`` of the mobile SDKs (``"client": "mobile"``)."""

    user_properties: JsonObject | None = None
    user_properties_set_once: JsonObject | None = None
    groups: Mapping[str, str] | None = None
    distinct_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))
        for name in ("user_properties", "user_properties_set_once"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, freeze_object(value))
        if self.groups is not None:
            object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> MobileCapture:
        groups = fields.obj("groups")
        if groups is not None and not all(isinstance(key, str) for key in groups.values()):
            raise fields.fail("'groups' must map group types to string keys")
        return cls(
            event=fields.string("event", required=True) or "",
            properties=fields.obj("properties") or {},
            user_properties=fields.obj("user_properties"),
            user_properties_set_once=fields.obj("user_properties_set_once"),
            groups=None if groups is None else {k: str(v) for k, v in groups.items()},
            distinct_id=fields.string("distinct_id"),
            device=fields.string("device") or DEFAULT_DEVICE,
            anonymous_id=fields.string("anonymous_id"),
            timestamp=timestamp,
        )
