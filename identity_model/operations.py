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
from datetime import UTC, datetime
from functools import cache
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, Self, TypeAlias, TypeVar

from identity_model.errors import Code, IdentityError
from identity_model.fields import Fields
from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, freeze, freeze_object, seal

DEFAULT_DEVICE = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The script's config line (format §1); it makes no step. Each vendor's config is a
    subclass with the vendor's own settings, made by the vendor's ``parse_config``."""

    vendor: str


# --- field checks (issue #17): an operation value refuses wrong fields when it is built -------
# Vendors' own operations use them too. Each raises IdentityError(invalid_operation).


def invalid(op: str, message: str) -> IdentityError:
    return IdentityError(Code.INVALID_OPERATION, f"{op}: {message}")


def check_timestamp(op: str, value: object) -> None:
    """An aware ``datetime``: a naive one would be billed in the host's time zone."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        shown = "a naive datetime" if isinstance(value, datetime) else type(value).__name__
        raise invalid(
            op,
            f"'timestamp' must be a timezone-aware datetime, not {shown} "
            "(a naive time would be billed in the host's time zone)",
        )


def check_string(op: str, name: str, value: object, *, optional: bool, empty: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        wanted = "a string or None" if optional else "a string"
        raise invalid(op, f"{name!r} must be {wanted}, not {type(value).__name__}")
    if not empty and not value:
        raise invalid(op, f"{name!r} must not be empty")


def check_object(op: str, name: str, value: object, *, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, Mapping):
        raise invalid(op, f"{name!r} must be a JSON object (a mapping), not {type(value).__name__}")


def check_json(op: str, name: str, value: object) -> None:
    if value is None or isinstance(value, str | int | float | Mapping | list | tuple):
        return
    raise invalid(op, f"{name!r} must be a JSON value, not {type(value).__name__}")


_OBJECT_TYPES = frozenset({dict, MappingProxyType})  # the common objects, checked no further


def check_client(op: str, device: object, anonymous_id: object) -> None:
    check_string(op, "device", device, optional=False, empty=False)
    check_string(op, "anonymous_id", anonymous_id, optional=True, empty=True)


# --- end of the field checks ---


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
    device = fields.string("device")
    if device == "":  # never silently the default device (#17)
        raise fields.fail("'device' must not be empty (omit it for the default device)")
    return {
        "device": DEFAULT_DEVICE if device is None else device,
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
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("ingest", self.timestamp)
        if type(self.event) is not str:
            check_string("ingest", "event", self.event, optional=False, empty=True)
        if type(self.properties) not in _OBJECT_TYPES:
            check_object("ingest", "properties", self.properties, optional=False)
        if type(self.distinct_id) is not str:
            check_json("ingest", "distinct_id", self.distinct_id)
            object.__setattr__(self, "distinct_id", freeze(self.distinct_id))
        object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read_plain(
        cls,
        distinct_id: Json,
        event: str,
        timestamp: datetime,
        properties: dict[str, Json] | None,
        *,
        nested: bool,
    ) -> Ingest:
        """An ``ingest`` read from a script line by the reader's fast lane (``io.fastread``):
        the fields are checked already (an aware UTC timestamp, a string event, JSON values
        decoded from the line) and ``properties`` is a dict nobody else holds. When it holds
        no object or array (not ``nested``) a read-only view of it is frozen already (no
        copy); otherwise it is frozen through, as ``Ingest(...)`` freezes it: the operation,
        and the ``sent`` of the events it makes, can be handed to anyone. Equal to
        ``Ingest(...)`` of the same values (whose arrays become tuples)."""
        op = object.__new__(cls)
        _SET_INGEST_ID(op, distinct_id if type(distinct_id) is str else freeze(distinct_id))
        _SET_INGEST_EVENT(op, event)
        _SET_INGEST_TIMESTAMP(op, timestamp)
        if not properties:
            _SET_INGEST_PROPERTIES(op, EMPTY_OBJECT)
        elif nested:
            _SET_INGEST_PROPERTIES(op, seal(properties))
        else:
            _SET_INGEST_PROPERTIES(op, MappingProxyType(properties))
        return op

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


# ``Ingest``'s slots, written directly by ``read_plain`` (one per line of the fast lane, #10)
_SET_INGEST_ID, _SET_INGEST_EVENT, _SET_INGEST_TIMESTAMP, _SET_INGEST_PROPERTIES = (
    Ingest.__dict__[name].__set__ for name in ("distinct_id", "event", "timestamp", "properties")
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
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("capture", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("capture", self.device, self.anonymous_id)
        if type(self.event) is not str:
            check_string("capture", "event", self.event, optional=False, empty=True)
        if type(self.properties) not in _OBJECT_TYPES:
            check_object("capture", "properties", self.properties, optional=False)
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
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("identify", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("identify", self.device, self.anonymous_id)
        check_json("identify", "distinct_id", self.distinct_id)
        check_object("identify", "set", self.set, optional=True)
        check_object("identify", "set_once", self.set_once, optional=True)
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
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("alias", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("alias", self.device, self.anonymous_id)
        check_json("alias", "alias", self.alias)
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

    def __post_init__(self) -> None:
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("reset", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("reset", self.device, self.anonymous_id)
        if not isinstance(self.reset_device_id, bool):
            raise invalid("reset", "'reset_device_id' must be True or False")
        check_string("reset", "new_anonymous_id", self.new_anonymous_id, optional=True, empty=True)

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
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("group", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("group", self.device, self.anonymous_id)
        check_string("group", "group_type", self.group_type, optional=False, empty=True)
        check_json("group", "group_key", self.group_key)
        check_object("group", "properties", self.properties, optional=True)
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
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("set_person_properties", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("set_person_properties", self.device, self.anonymous_id)
        check_object("set_person_properties", "set", self.set, optional=True)
        check_object("set_person_properties", "set_once", self.set_once, optional=True)
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

    def __post_init__(self) -> None:
        if type(self.timestamp) is not datetime or self.timestamp.tzinfo is not UTC:
            check_timestamp("create_person_profile", self.timestamp)
        if (
            type(self.device) is not str
            or not self.device
            or (self.anonymous_id is not None and type(self.anonymous_id) is not str)
        ):
            check_client("create_person_profile", self.device, self.anonymous_id)

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> CreatePersonProfile:
        return cls(timestamp=timestamp, **_client(fields))


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorOperation:
    """The base of a vendor's own operations (e.g. Customer.io's ``track``): a subclass sets
    ``OP`` and is read by its vendor's ``parse_operation``."""

    OP: ClassVar[str] = ""

    timestamp: datetime

    def __post_init__(self) -> None:
        # A subclass with its own __post_init__ calls check_timestamp itself.
        check_timestamp(self.OP or type(self).__name__, self.timestamp)


# CL-24: setPersonPropertiesForFlags is no operation: it only overrides local flag values.
ClientOperation: TypeAlias = (
    Capture | Identify | Alias | Reset | Group | SetPersonProperties | CreatePersonProfile
)
# The same union as a tuple, for ``isinstance`` (a vendor's dispatch of every SDK call).
CLIENT_OPERATIONS = (
    Capture,
    Identify,
    Alias,
    Reset,
    Group,
    SetPersonProperties,
    CreatePersonProfile,
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
