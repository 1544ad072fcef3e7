"""Operations as values: one frozen dataclass per operation of the conformance format (§1).

Time and ids come in as data: every operation carries its ``timestamp``; the script reader
fills in omitted ones (one second after the previous line) before the model sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TypeAlias

from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, freeze, freeze_object
from identity_model.python_sdk import PYTHON_OPERATION_TYPES, PythonOperation, python_op_name

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
    PYTHON = "python"  # the Python server SDK: its own operations (issue #11)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The script's config line (format §1); it makes no step."""

    vendor: Vendor = Vendor.POSTHOG
    person_profiles: PersonProfiles = PersonProfiles.IDENTIFIED_ONLY
    free_events_per_month: int | None = None
    client: ClientFlavour = ClientFlavour.BROWSER
    reuse_anonymous_id: bool = False  # mobile only: identify links nothing, reset keeps the id
    person_processing_opt_out: bool = False  # the team setting: every event is personless


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
        if type(self.distinct_id) is not str:
            object.__setattr__(self, "distinct_id", freeze(self.distinct_id))
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """``user_properties``, ``user_properties_set_once``, ``groups`` and ``distinct_id`` are the
    mobile SDKs' capture arguments (format extension, issue #11)."""

    event: str
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None
    user_properties: JsonObject | None = None
    user_properties_set_once: JsonObject | None = None
    groups: Mapping[str, str] | None = None
    distinct_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))
        _freeze_fields(self, "user_properties", "user_properties_set_once")
        if self.groups is not None:
            object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))


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
        _freeze_fields(self, "distinct_id", "set", "set_once")


@dataclass(frozen=True, slots=True, kw_only=True)
class Alias:
    alias: Json
    timestamp: datetime
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "alias")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reset:
    timestamp: datetime
    reset_device_id: bool = False
    new_anonymous_id: str | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    group_type: str
    group_key: Json
    timestamp: datetime
    properties: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "group_key", "properties")


@dataclass(frozen=True, slots=True, kw_only=True)
class SetPersonProperties:
    timestamp: datetime
    set: JsonObject | None = None
    set_once: JsonObject | None = None
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, "set", "set_once")


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePersonProfile:
    timestamp: datetime
    device: str = DEFAULT_DEVICE
    anonymous_id: str | None = None


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
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class CioIdentify:
    """Customer.io: add or update a person; an ``anonymous_id`` links that id to them."""

    user_id: str
    timestamp: datetime
    anonymous_id: str | None = None
    attributes: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", freeze_object(self.attributes))


@dataclass(frozen=True, slots=True, kw_only=True)
class Advance:
    """Customer.io: nothing happens but time passes (retention, windows)."""

    timestamp: datetime


CustomerioOperation: TypeAlias = Track | CioIdentify | Advance

# CL-24: setPersonPropertiesForFlags is no operation: it only overrides local flag values.
ClientOperation: TypeAlias = (
    Capture | Identify | Alias | Reset | Group | SetPersonProperties | CreatePersonProfile
)
Operation: TypeAlias = Ingest | ClientOperation | CustomerioOperation | PythonOperation

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
    if isinstance(op, PYTHON_OPERATION_TYPES):
        return python_op_name(op)
    return OP_NAMES[type(op)]
