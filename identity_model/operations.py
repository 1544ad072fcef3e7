"""Operations as values: one frozen dataclass per operation of the conformance format (§1).

Time and ids come in as data: every operation carries its ``timestamp``; the script reader
fills in omitted ones (one second after the previous line) before the model sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeAlias

from identity_model.errors import Code, IdentityError
from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, freeze, freeze_object

DEFAULT_DEVICE = "default"


class Vendor(StrEnum):
    POSTHOG = "posthog"
    CUSTOMERIO = "customerio"


class PersonProfiles(StrEnum):
    """The SDK's ``person_profiles`` setting."""

    # CL-02: identified_only is the default; the web docs list only it and always.

    IDENTIFIED_ONLY = "identified_only"
    ALWAYS = "always"
    NEVER = "never"


class ClientFlavour(StrEnum):
    """Which PostHog SDK a device behaves like (CL decisions: browser by default)."""

    BROWSER = "browser"
    MOBILE = "mobile"
    CORE = "core"


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The script's config line (format §1); it makes no step."""

    vendor: Vendor = Vendor.POSTHOG
    person_profiles: PersonProfiles = PersonProfiles.IDENTIFIED_ONLY
    free_events_per_month: int | None = None
    client: ClientFlavour = ClientFlavour.BROWSER

    def __post_init__(self) -> None:
        # Settings given as their string values become the enums; anything else is refused.
        for name, kind in (
            ("vendor", Vendor),
            ("person_profiles", PersonProfiles),
            ("client", ClientFlavour),
        ):
            value = getattr(self, name)
            if type(value) is not kind:
                try:
                    object.__setattr__(self, name, kind(value))
                except ValueError:
                    choices = ", ".join(member.value for member in kind)
                    raise _invalid("config", f"{name} {value!r} is not one of {choices}") from None
        free = self.free_events_per_month
        if free is not None and (type(free) is not int or free < 0):
            raise _invalid("config", "free_events_per_month must be a whole number >= 0")


# --- field checks (issue #17): an operation value refuses wrong fields when it is built -------


def _invalid(op: str, message: str) -> IdentityError:
    return IdentityError(Code.INVALID_OPERATION, f"{op}: {message}")


def _check_timestamp(op: str, value: object) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise _invalid(
            op,
            f"'timestamp' must be a timezone-aware datetime, not {_shown(value)} "
            "(a naive time would be billed in the host's time zone)",
        )


def _check_string(op: str, name: str, value: object, *, optional: bool, empty: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        wanted = "a string or None" if optional else "a string"
        raise _invalid(op, f"{name!r} must be {wanted}, not {type(value).__name__}")
    if not empty and not value:
        raise _invalid(op, f"{name!r} must not be empty")


def _check_object(op: str, name: str, value: object, *, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, Mapping):
        raise _invalid(op, f"{name!r} must be a JSON object (a mapping), not {_shown(value)}")


def _check_json(op: str, name: str, value: object) -> None:
    if value is None or isinstance(value, str | int | float | Mapping | list | tuple):
        return
    raise _invalid(op, f"{name!r} must be a JSON value, not {type(value).__name__}")


def _check_client(op: str, device: object, anonymous_id: object) -> None:
    _check_string(op, "device", device, optional=False, empty=False)
    _check_string(op, "anonymous_id", anonymous_id, optional=True, empty=True)


def _shown(value: object) -> str:
    return "a naive datetime" if isinstance(value, datetime) else type(value).__name__


def _freeze_fields(instance: object, *names: str) -> None:
    for name in names:
        value = getattr(instance, name)
        if value is not None:
            object.__setattr__(instance, name, freeze(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class Ingest:
    """One raw event as the ingestion pipeline receives it (server side).

    ``distinct_id`` is the raw JSON value: capture normalises it (SV-01..SV-04), so any JSON
    value, or ``None`` for a missing one, is a valid operation.
    """

    distinct_id: Json
    event: str
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        _check_timestamp("ingest", self.timestamp)
        _check_string("ingest", "event", self.event, optional=False, empty=True)
        _check_object("ingest", "properties", self.properties, optional=False)
        if type(self.distinct_id) is not str:
            _check_json("ingest", "distinct_id", self.distinct_id)
            object.__setattr__(self, "distinct_id", freeze(self.distinct_id))
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    event: str
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("capture", self.timestamp)
        _check_client("capture", self.device, self.anonymous_id)
        _check_string("capture", "event", self.event, optional=False, empty=True)
        _check_object("capture", "properties", self.properties, optional=False)
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class Identify:
    """``distinct_id`` is raw: the SDK validates it (CL-07), numbers become strings."""

    distinct_id: Json
    timestamp: datetime
    set: JsonObject | None = None
    set_once: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("identify", self.timestamp)
        _check_client("identify", self.device, self.anonymous_id)
        _check_json("identify", "distinct_id", self.distinct_id)
        _check_object("identify", "set", self.set, optional=True)
        _check_object("identify", "set_once", self.set_once, optional=True)
        _freeze_fields(self, "distinct_id", "set", "set_once")


@dataclass(frozen=True, slots=True, kw_only=True)
class Alias:
    alias: Json
    timestamp: datetime
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("alias", self.timestamp)
        _check_client("alias", self.device, self.anonymous_id)
        _check_json("alias", "alias", self.alias)
        _freeze_fields(self, "alias")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reset:
    timestamp: datetime
    reset_device_id: bool = False
    new_anonymous_id: str | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("reset", self.timestamp)
        _check_client("reset", self.device, self.anonymous_id)
        if not isinstance(self.reset_device_id, bool):
            raise _invalid("reset", "'reset_device_id' must be True or False")
        _check_string("reset", "new_anonymous_id", self.new_anonymous_id, optional=True, empty=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    group_type: str
    group_key: Json
    timestamp: datetime
    properties: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("group", self.timestamp)
        _check_client("group", self.device, self.anonymous_id)
        _check_string("group", "group_type", self.group_type, optional=False, empty=True)
        _check_json("group", "group_key", self.group_key)
        _check_object("group", "properties", self.properties, optional=True)
        _freeze_fields(self, "group_key", "properties")


@dataclass(frozen=True, slots=True, kw_only=True)
class SetPersonProperties:
    timestamp: datetime
    set: JsonObject | None = None
    set_once: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("set_person_properties", self.timestamp)
        _check_client("set_person_properties", self.device, self.anonymous_id)
        _check_object("set_person_properties", "set", self.set, optional=True)
        _check_object("set_person_properties", "set_once", self.set_once, optional=True)
        _freeze_fields(self, "set", "set_once")


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePersonProfile:
    timestamp: datetime
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _check_timestamp("create_person_profile", self.timestamp)
        _check_client("create_person_profile", self.device, self.anonymous_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Track:
    """Customer.io: an event from the API or the JS snippet, for exactly one of an anonymous id
    or a person's user id."""

    event: str
    timestamp: datetime
    anonymous_id: str | None = None
    user_id: str | None = None
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        _check_timestamp("track", self.timestamp)
        _check_string("track", "event", self.event, optional=False, empty=True)
        _check_string("track", "anonymous_id", self.anonymous_id, optional=True, empty=False)
        _check_string("track", "user_id", self.user_id, optional=True, empty=False)
        if (self.anonymous_id is None) == (self.user_id is None):
            raise _invalid("track", "exactly one of 'anonymous_id' and 'user_id' is required")
        _check_object("track", "properties", self.properties, optional=False)
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class CioIdentify:
    """Customer.io: add or update a person; an ``anonymous_id`` links that id to them."""

    user_id: str
    timestamp: datetime
    anonymous_id: str | None = None
    attributes: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        _check_timestamp("identify", self.timestamp)
        _check_string("identify", "user_id", self.user_id, optional=False, empty=False)
        _check_string("identify", "anonymous_id", self.anonymous_id, optional=True, empty=False)
        _check_object("identify", "attributes", self.attributes, optional=False)
        object.__setattr__(self, "attributes", freeze_object(self.attributes))


@dataclass(frozen=True, slots=True, kw_only=True)
class Advance:
    """Customer.io: nothing happens but time passes (retention, windows)."""

    timestamp: datetime

    def __post_init__(self) -> None:
        _check_timestamp("advance", self.timestamp)


CustomerioOperation: TypeAlias = Track | CioIdentify | Advance

# CL-24: setPersonPropertiesForFlags is no operation: it only overrides local flag values.
ClientOperation: TypeAlias = (
    Capture | Identify | Alias | Reset | Group | SetPersonProperties | CreatePersonProfile
)
Operation: TypeAlias = Ingest | ClientOperation | CustomerioOperation

OP_NAMES: dict[type[Operation], str] = {
    Ingest: "ingest",
    Capture: "capture",
    Identify: "identify",
    Alias: "alias",
    Reset: "reset",
    Group: "group",
    SetPersonProperties: "set_person_properties",
    CreatePersonProfile: "create_person_profile",
    Track: "track",
    CioIdentify: "identify",
    Advance: "advance",
}


def op_name(op: Operation) -> str:
    """The operation's name in the conformance format (the ``op`` key)."""
    return OP_NAMES[type(op)]
