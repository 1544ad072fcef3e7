"""Customer.io's own operations (format §1, vendor ``customerio``): track, identify, advance.

Customer.io accepts none of the vendor-neutral operations, and every line needs an explicit
timestamp (our decision: "now" is never a clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TypeAlias

from identity_model.fields import Fields
from identity_model.jsontypes import EMPTY_OBJECT, JsonObject, freeze_object
from identity_model.operations import (
    VendorOperation,
    check_object,
    check_string,
    check_timestamp,
    invalid,
    read_one_of,
)

NEEDS_TIME = "every Customer.io operation needs an explicit 'timestamp'"


@dataclass(frozen=True, slots=True, kw_only=True)
class Track(VendorOperation):
    """An event from the API or the JS snippet, for exactly one of an anonymous id or a
    person's user id."""

    OP: ClassVar[str] = "track"

    event: str
    anonymous_id: str | None = None
    user_id: str | None = None
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        check_timestamp("track", self.timestamp)
        check_string("track", "event", self.event, optional=False, empty=True)
        check_string("track", "anonymous_id", self.anonymous_id, optional=True, empty=False)
        check_string("track", "user_id", self.user_id, optional=True, empty=False)
        if (self.anonymous_id is None) == (self.user_id is None):
            raise invalid("track", "exactly one of 'anonymous_id' and 'user_id' is required")
        check_object("track", "properties", self.properties, optional=False)
        object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Track:
        anonymous_id = fields.string("anonymous_id")
        user_id = fields.string("user_id")
        if (anonymous_id is None) == (user_id is None):
            raise fields.fail("exactly one of 'anonymous_id' and 'user_id' is required")
        return cls(
            event=fields.string("event", required=True) or "",
            anonymous_id=anonymous_id,
            user_id=user_id,
            properties=fields.obj("properties") or {},
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CioIdentify(VendorOperation):
    """Add or update a person; an ``anonymous_id`` links that id to them."""

    OP: ClassVar[str] = "identify"

    user_id: str
    anonymous_id: str | None = None
    attributes: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        check_timestamp("identify", self.timestamp)
        check_string("identify", "user_id", self.user_id, optional=False, empty=False)
        check_string("identify", "anonymous_id", self.anonymous_id, optional=True, empty=False)
        check_object("identify", "attributes", self.attributes, optional=False)
        object.__setattr__(self, "attributes", freeze_object(self.attributes))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> CioIdentify:
        user_id = fields.string("user_id", required=True)
        if not user_id:
            raise fields.fail("'user_id' must not be empty")
        return cls(
            user_id=user_id,
            anonymous_id=fields.string("anonymous_id"),
            attributes=fields.obj("attributes") or {},
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Advance(VendorOperation):
    """Nothing happens but time passes (retention, windows)."""

    OP: ClassVar[str] = "advance"

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Advance:
        return cls(timestamp=timestamp)


CustomerioOperation: TypeAlias = Track | CioIdentify | Advance

OPERATIONS: Mapping[str, type[CustomerioOperation]] = {
    cls.OP: cls for cls in (Track, CioIdentify, Advance)
}


def read_operation(fields: Fields) -> CustomerioOperation:
    """A Customer.io operation from its script line; any other op name is unknown."""
    return read_one_of(OPERATIONS, fields, missing=NEEDS_TIME)
