"""Operations as values: one frozen dataclass per vendor-neutral operation (format §1), the
base of vendors' own operations, and the base of every config.

Time and ids come in as data: every operation carries its ``timestamp``; the script reader
fills in omitted ones (one second after the previous line) before the model sees them. Each
operation class holds its name (``OP``) and reads itself from a script line (``read``): the
one place of an operation's name and keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import Any, ClassVar, Protocol, Self, TypeAlias, TypeVar

from identity_model.fields import Fields
from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, freeze, freeze_object

DEFAULT_DEVICE = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The script's config line (format §1); it makes no step. Each vendor's config is a
    subclass with the vendor's own settings, made by the vendor's ``parse_config``."""

    vendor: str


def _freeze_fields(instance: object, *names: str) -> None:
    for name in names:
        value = getattr(instance, name)
        if value is not None:
            object.__setattr__(instance, name, freeze(value))


@cache
def keys_of(cls: Any) -> frozenset[str]:
    """The keys a script line of the operation ``cls`` may carry: ``op`` and its fields."""
    return frozenset({"op", *(item.name for item in fields(cls))})


def _client(fields: Fields) -> dict[str, Any]:
    return {
        "device": fields.string("device") or DEFAULT_DEVICE,
        "anonymous_id": fields.string("anonymous_id"),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Ingest:
    """One raw event as the ingestion pipeline receives it (server side).

    ``distinct_id`` is the raw JSON value: capture normalises it (SV-01..SV-04), so any JSON
    value, or ``None`` for a missing one, is a valid operation.
    """

    OP: ClassVar[str] = "ingest"

    distinct_id: Json
    event: str
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        if type(self.distinct_id) is not str:
            object.__setattr__(self, "distinct_id", freeze(self.distinct_id))
        object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Ingest:
        raw = fields.raw
        event, properties = raw.get("event"), raw.get("properties")
        if type(event) is str and (properties is None or type(properties) is dict):
            # The common line, read without the per-key checks below (same result).
            return cls(
                distinct_id=raw.get("distinct_id"),
                event=event,
                properties=properties or EMPTY_OBJECT,
                timestamp=timestamp,
            )
        return cls(
            distinct_id=fields.any("distinct_id"),
            event=fields.string("event", required=True) or "",
            properties=fields.obj("properties") or {},
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    OP: ClassVar[str] = "capture"

    event: str
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Capture:
        return cls(
            event=fields.string("event", required=True) or "",
            properties=fields.obj("properties") or {},
            timestamp=timestamp,
            **_client(fields),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Identify:
    """``distinct_id`` is raw: the SDK validates it (CL-07), numbers become strings."""

    OP: ClassVar[str] = "identify"

    distinct_id: Json
    timestamp: datetime
    set: JsonObject | None = None
    set_once: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "distinct_id", "set", "set_once")

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Identify:
        return cls(
            distinct_id=fields.any("distinct_id"),
            set=fields.obj("set"),
            set_once=fields.obj("set_once"),
            timestamp=timestamp,
            **_client(fields),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Alias:
    OP: ClassVar[str] = "alias"

    alias: Json
    timestamp: datetime
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "alias")

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Alias:
        return cls(alias=fields.any("alias"), timestamp=timestamp, **_client(fields))


@dataclass(frozen=True, slots=True, kw_only=True)
class Reset:
    OP: ClassVar[str] = "reset"

    timestamp: datetime
    reset_device_id: bool = False
    new_anonymous_id: str | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Reset:
        return cls(
            reset_device_id=fields.boolean("reset_device_id"),
            new_anonymous_id=fields.string("new_anonymous_id"),
            timestamp=timestamp,
            **_client(fields),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    OP: ClassVar[str] = "group"

    group_type: str
    group_key: Json
    timestamp: datetime
    properties: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "group_key", "properties")

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Group:
        return cls(
            group_type=fields.string("group_type") or "",
            group_key=fields.any("group_key"),
            properties=fields.obj("properties"),
            timestamp=timestamp,
            **_client(fields),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetPersonProperties:
    OP: ClassVar[str] = "set_person_properties"

    timestamp: datetime
    set: JsonObject | None = None
    set_once: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "set", "set_once")

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> SetPersonProperties:
        return cls(
            set=fields.obj("set"),
            set_once=fields.obj("set_once"),
            timestamp=timestamp,
            **_client(fields),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePersonProfile:
    OP: ClassVar[str] = "create_person_profile"

    timestamp: datetime
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> CreatePersonProfile:
        return cls(timestamp=timestamp, **_client(fields))


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorOperation:
    """The base of a vendor's own operations (e.g. Customer.io's ``track``): a subclass sets
    ``OP`` and is read by its vendor's ``parse_operation``."""

    OP: ClassVar[str] = ""

    timestamp: datetime


# CL-24: setPersonPropertiesForFlags is no operation: it only overrides local flag values.
ClientOperation: TypeAlias = (
    Capture | Identify | Alias | Reset | Group | SetPersonProperties | CreatePersonProfile
)
NeutralOperation: TypeAlias = Ingest | ClientOperation
Operation: TypeAlias = NeutralOperation | VendorOperation

NEUTRAL_OPERATIONS: Mapping[str, type[NeutralOperation]] = {
    cls.OP: cls
    for cls in (
        Ingest,
        Capture,
        Identify,
        Alias,
        Reset,
        Group,
        SetPersonProperties,
        CreatePersonProfile,
    )
}


class _Readable(Protocol):
    """An operation class that reads itself from a script line."""

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Self: ...


_Op = TypeVar("_Op", bound=_Readable)


def read_one_of(
    operations: Mapping[str, type[_Op]], fields: Fields, *, missing: str | None = None
) -> _Op:
    """The operation of ``operations`` named by ``fields.op``, read from its script line: keys
    checked first, then the timestamp (``missing``: why it may not be omitted), then the rest.
    """
    cls = operations.get(fields.op)
    if cls is None:
        raise fields.unknown_op(operations)
    fields.check_keys(keys_of(cls))
    return cls.read(fields, fields.timestamp(missing=missing))


def read_neutral(fields: Fields) -> NeutralOperation:
    """A vendor-neutral operation from its script line."""
    return read_one_of(NEUTRAL_OPERATIONS, fields)


def op_name(op: Operation) -> str:
    """The operation's name in the conformance format (the ``op`` key)."""
    return op.OP
