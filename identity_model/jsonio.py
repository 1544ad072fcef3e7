"""Reading scripts: JSON Lines in the conformance format (§1) into operations, line numbers kept.

Nothing is dropped: every operation line becomes either a ``ScriptOp`` or a ``BadLine`` that
says why (code ``invalid_operation``) and where. Blank lines, ``//`` comments and the config
line make no step but count for line numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

from identity_model.errors import Code, IdentityError
from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject
from identity_model.operations import (
    DEFAULT_DEVICE,
    Advance,
    Alias,
    Capture,
    CioIdentify,
    ClientFlavour,
    Config,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Operation,
    PersonProfiles,
    Reset,
    SetPersonProperties,
    Track,
    Vendor,
)
from identity_model.python_sdk import (
    EndContext,
    IdentifyContext,
    NewContext,
    PyAlias,
    PyCapture,
    PyGroupIdentify,
    PySet,
    Tag,
)

FIRST_DEFAULT_TIME = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_TIME_STEP = timedelta(seconds=1)

_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptOp:
    line: int
    op: Operation


@dataclass(frozen=True, slots=True, kw_only=True)
class BadLine:
    """A line that makes a rejected step: ``op`` is its op name when it had one."""

    line: int
    op: str | None
    code: Code
    message: str


ScriptItem: TypeAlias = ScriptOp | BadLine


def parse_timestamp(value: object, *, line: int | None = None) -> datetime:
    """An RFC 3339 timestamp (with an offset), as an aware UTC datetime."""
    if not isinstance(value, str):
        raise IdentityError(
            Code.INVALID_OPERATION, "timestamp must be an RFC 3339 string", line=line
        )
    match = _RFC3339.match(value)
    if match is None:
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"timestamp {value!r} is not RFC 3339 (e.g. 2026-01-01T00:00:00Z)",
            line=line,
        )
    date, time, fraction, offset = match.groups()
    fraction = (fraction or "")[:7]
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        parsed = datetime.fromisoformat(f"{date}T{time}{fraction}{offset}")
    except ValueError as error:
        raise IdentityError(
            Code.INVALID_OPERATION, f"timestamp {value!r}: {error}", line=line
        ) from None
    return parsed.astimezone(UTC)


# --- field readers: each raises IdentityError(invalid_operation) with the key's name ---------


class _Fields:
    """The keys of one operation object, consumed one by one; leftovers are unknown keys."""

    def __init__(
        self,
        raw: Mapping[str, Any],
        line: int,
        op: str,
        vendor: Vendor,
        client: ClientFlavour = ClientFlavour.BROWSER,
    ) -> None:
        self.raw = raw
        self.line = line
        self.op = op
        self.vendor = vendor
        self.client = client

    def fail(self, message: str) -> IdentityError:
        return IdentityError(Code.INVALID_OPERATION, f"{self.op}: {message}", line=self.line)

    def any(self, key: str) -> Json:
        value: Json = self.raw.get(key)
        return value

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key!r} is required (a string)")
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a string, not {type(value).__name__}")
        return value

    def obj(self, key: str) -> JsonObject | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"{key!r} must be an object, not {type(value).__name__}")
        return value

    def python_id(self, key: str, *, required: bool = False) -> str | int | float | None:
        """A Python SDK id: a string or a number (``str()`` converts it later), or missing."""
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key!r} is required (a string or a number)")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(f"{key!r} must be a string or a number")
        return value

    def groups(self, key: str) -> dict[str, str] | None:
        value = self.obj(key)
        if value is None:
            return None
        if not all(isinstance(item, str) for item in value.values()):
            raise self.fail(f"{key!r} must map group types to string keys")
        return {name: str(item) for name, item in value.items()}

    def boolean(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false")
        return value

    def check_keys(self) -> None:
        """Unknown keys are an error (format §1), checked before anything is read."""
        table = (
            _CUSTOMERIO_KEYS
            if self.vendor is Vendor.CUSTOMERIO
            else _PYTHON_KEYS
            if self.client is ClientFlavour.PYTHON
            else _MOBILE_KEYS
            if self.client is ClientFlavour.MOBILE
            else _ALLOWED_KEYS
        )
        allowed = table.get(self.op)
        if allowed is None:
            raise IdentityError(
                Code.INVALID_OPERATION,
                f"unknown op {self.op!r} for vendor {self.vendor.value} "
                f"(expected one of {', '.join(table)})",
                line=self.line,
            )
        if not self.raw.keys() <= allowed:
            unknown = sorted(set(self.raw) - allowed)
            raise self.fail(f"unknown key(s) {', '.join(map(repr, unknown))}")


def _client_common(fields: _Fields) -> dict[str, Any]:
    return {
        "device": fields.string("device") or DEFAULT_DEVICE,
        "anonymous_id": fields.string("anonymous_id"),
    }


def _build_customerio(fields: _Fields, timestamp: datetime) -> Operation:
    match fields.op:
        case "track":
            anonymous_id = fields.string("anonymous_id")
            user_id = fields.string("user_id")
            if (anonymous_id is None) == (user_id is None):
                raise fields.fail("exactly one of 'anonymous_id' and 'user_id' is required")
            return Track(
                event=fields.string("event", required=True) or "",
                anonymous_id=anonymous_id,
                user_id=user_id,
                properties=fields.obj("properties") or {},
                timestamp=timestamp,
            )
        case "identify":
            user_id = fields.string("user_id", required=True)
            if not user_id:
                raise fields.fail("'user_id' must not be empty")
            return CioIdentify(
                user_id=user_id,
                anonymous_id=fields.string("anonymous_id"),
                attributes=fields.obj("attributes") or {},
                timestamp=timestamp,
            )
        case "advance":
            return Advance(timestamp=timestamp)
    raise AssertionError(f"check_keys lets no unknown op through: {fields.op!r}")


def _build_python(fields: _Fields, timestamp: datetime) -> Operation:
    device = fields.string("device") or DEFAULT_DEVICE
    match fields.op:
        case "capture":
            return PyCapture(
                event=fields.string("event", required=True) or "",
                properties=fields.obj("properties") or {},
                distinct_id=fields.python_id("distinct_id"),
                timestamp=timestamp,
                device=device,
            )
        case "set" | "set_once":
            return PySet(
                once=fields.op == "set_once",
                properties=fields.obj("properties") or {},
                distinct_id=fields.python_id("distinct_id"),
                timestamp=timestamp,
                device=device,
            )
        case "alias":
            return PyAlias(
                previous_id=fields.python_id("previous_id"),
                distinct_id=fields.python_id("distinct_id"),
                timestamp=timestamp,
                device=device,
            )
        case "group_identify":
            return PyGroupIdentify(
                group_type=fields.string("group_type") or "",
                group_key=fields.python_id("group_key"),
                properties=fields.obj("properties"),
                distinct_id=fields.python_id("distinct_id"),
                timestamp=timestamp,
                device=device,
            )
        case "new_context":
            return NewContext(fresh=fields.boolean("fresh"), timestamp=timestamp, device=device)
        case "end_context":
            return EndContext(timestamp=timestamp, device=device)
        case "identify_context":
            return IdentifyContext(
                distinct_id=fields.python_id("distinct_id", required=True) or "",
                timestamp=timestamp,
                device=device,
            )
        case "tag":
            return Tag(
                key=fields.string("key", required=True) or "",
                value=fields.any("value"),
                timestamp=timestamp,
                device=device,
            )
    raise AssertionError(f"check_keys lets no unknown op through: {fields.op!r}")


def _build(fields: _Fields, timestamp: datetime) -> Operation:
    if fields.vendor is Vendor.CUSTOMERIO:
        return _build_customerio(fields, timestamp)
    if fields.client is ClientFlavour.PYTHON and fields.op != "ingest":
        return _build_python(fields, timestamp)
    op = fields.op
    raw = fields.raw
    if op == "ingest" and type(raw.get("event")) is str and type(raw.get("properties", {})) is dict:
        # The common line, read without the per-key checks below (same result).
        return Ingest(
            distinct_id=raw.get("distinct_id"),
            event=raw["event"],
            properties=raw.get("properties") or EMPTY_OBJECT,
            timestamp=timestamp,
        )
    match op:
        case "ingest":
            return Ingest(
                distinct_id=fields.any("distinct_id"),
                event=fields.string("event", required=True) or "",
                properties=fields.obj("properties") or {},
                timestamp=timestamp,
            )
        case "capture":
            return Capture(
                event=fields.string("event", required=True) or "",
                properties=fields.obj("properties") or {},
                user_properties=fields.obj("user_properties"),
                user_properties_set_once=fields.obj("user_properties_set_once"),
                groups=fields.groups("groups"),
                distinct_id=fields.string("distinct_id"),
                timestamp=timestamp,
                **_client_common(fields),
            )
        case "identify":
            return Identify(
                distinct_id=fields.any("distinct_id"),
                set=fields.obj("set"),
                set_once=fields.obj("set_once"),
                timestamp=timestamp,
                **_client_common(fields),
            )
        case "alias":
            return Alias(alias=fields.any("alias"), timestamp=timestamp, **_client_common(fields))
        case "reset":
            return Reset(
                reset_device_id=fields.boolean("reset_device_id"),
                new_anonymous_id=fields.string("new_anonymous_id"),
                timestamp=timestamp,
                **_client_common(fields),
            )
        case "group":
            return Group(
                group_type=fields.string("group_type") or "",
                group_key=fields.any("group_key"),
                properties=fields.obj("properties"),
                timestamp=timestamp,
                **_client_common(fields),
            )
        case "set_person_properties":
            return SetPersonProperties(
                set=fields.obj("set"),
                set_once=fields.obj("set_once"),
                timestamp=timestamp,
                **_client_common(fields),
            )
        case "create_person_profile":
            return CreatePersonProfile(timestamp=timestamp, **_client_common(fields))
    raise AssertionError(f"check_keys lets no unknown op through: {op!r}")


_CLIENT_KEYS = {"op", "device", "anonymous_id", "timestamp"}
_ALLOWED_KEYS: dict[str, frozenset[str]] = {
    "ingest": frozenset({"op", "distinct_id", "event", "properties", "timestamp"}),
    "capture": frozenset(_CLIENT_KEYS | {"event", "properties"}),
    "identify": frozenset(_CLIENT_KEYS | {"distinct_id", "set", "set_once"}),
    "alias": frozenset(_CLIENT_KEYS | {"alias"}),
    "reset": frozenset(_CLIENT_KEYS | {"reset_device_id", "new_anonymous_id"}),
    "group": frozenset(_CLIENT_KEYS | {"group_type", "group_key", "properties"}),
    "set_person_properties": frozenset(_CLIENT_KEYS | {"set", "set_once"}),
    "create_person_profile": frozenset(_CLIENT_KEYS),
}
_MOBILE_KEYS: dict[str, frozenset[str]] = {
    **_ALLOWED_KEYS,
    "capture": _ALLOWED_KEYS["capture"]
    | {"user_properties", "user_properties_set_once", "groups", "distinct_id"},
}
_PYTHON_COMMON = {"op", "device", "timestamp"}
_PYTHON_KEYS: dict[str, frozenset[str]] = {
    "ingest": _ALLOWED_KEYS["ingest"],
    "capture": frozenset(_PYTHON_COMMON | {"event", "properties", "distinct_id"}),
    "set": frozenset(_PYTHON_COMMON | {"properties", "distinct_id"}),
    "set_once": frozenset(_PYTHON_COMMON | {"properties", "distinct_id"}),
    "alias": frozenset(_PYTHON_COMMON | {"previous_id", "distinct_id"}),
    "group_identify": frozenset(
        _PYTHON_COMMON | {"group_type", "group_key", "properties", "distinct_id"}
    ),
    "new_context": frozenset(_PYTHON_COMMON | {"fresh"}),
    "end_context": frozenset(_PYTHON_COMMON),
    "identify_context": frozenset(_PYTHON_COMMON | {"distinct_id"}),
    "tag": frozenset(_PYTHON_COMMON | {"key", "value"}),
}
OPERATION_NAMES = tuple(_ALLOWED_KEYS)
_CUSTOMERIO_KEYS: dict[str, frozenset[str]] = {
    "track": frozenset({"op", "event", "properties", "timestamp", "anonymous_id", "user_id"}),
    "identify": frozenset({"op", "user_id", "anonymous_id", "attributes", "timestamp"}),
    "advance": frozenset({"op", "timestamp"}),
}


def parse_config(raw: Mapping[str, Any], *, line: int | None = None) -> Config:
    """The config line's object (format §1)."""
    if set(raw) != {"config"} or not isinstance(raw["config"], dict):
        raise IdentityError(Code.INVALID_OPERATION, 'a config line is {"config": {...}}', line=line)
    body: dict[str, Any] = raw["config"]
    known = {"vendor", "person_profiles", "free_events_per_month", "client"}
    known |= {"reuse_anonymous_id", "person_processing_opt_out"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"config: unknown key(s) {', '.join(map(repr, unknown))}",
            line=line,
        )
    try:
        vendor = Vendor(body.get("vendor", Vendor.POSTHOG))
        profiles = PersonProfiles(body.get("person_profiles", PersonProfiles.IDENTIFIED_ONLY))
        client = ClientFlavour(body.get("client", ClientFlavour.BROWSER))
    except ValueError as error:
        raise IdentityError(Code.INVALID_OPERATION, f"config: {error}", line=line) from None
    free = body.get("free_events_per_month")
    if free is not None and (not isinstance(free, int) or isinstance(free, bool) or free < 0):
        raise IdentityError(
            Code.INVALID_OPERATION,
            "config: free_events_per_month must be a whole number >= 0",
            line=line,
        )
    flags = {}
    for key in ("reuse_anonymous_id", "person_processing_opt_out"):
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise IdentityError(
                Code.INVALID_OPERATION, f"config: {key} must be true or false", line=line
            )
        flags[key] = value
    if flags["reuse_anonymous_id"] and client is not ClientFlavour.MOBILE:
        raise IdentityError(
            Code.INVALID_OPERATION,
            'config: reuse_anonymous_id is valid only with "client": "mobile"',
            line=line,
        )
    return Config(
        vendor=vendor,
        person_profiles=profiles,
        free_events_per_month=free,
        client=client,
        reuse_anonymous_id=flags["reuse_anonymous_id"],
        person_processing_opt_out=flags["person_processing_opt_out"],
    )


class ScriptReader:
    """Parses a script line by line. ``config`` is known once the first operation is read.

    Timestamps omitted on a line default to one second after the previous operation line's
    time (the first to 2026-01-01T00:00:00Z); lines that fail to parse do not move the clock.
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self._overrides = dict(overrides or {})
        self.config: Config = replace(Config(), **self._overrides)
        self._seen_operation = False
        self._last_time: datetime | None = None

    def read(self, lines: Iterable[str]) -> Iterator[ScriptItem]:
        for number, text in enumerate(lines, start=1):
            item = self.read_line(number, text)
            if item is not None:
                yield item

    def bad_line(self, number: int, message: str) -> BadLine:
        """A line that cannot be read at all (e.g. not UTF-8): a rejected step, never skipped."""
        self._seen_operation = True
        return BadLine(line=number, op=None, code=Code.INVALID_OPERATION, message=message)

    def read_objects(self, objects: Iterable[Any]) -> Iterator[ScriptItem]:
        """The same for a script given as decoded JSON values (line n is ``objects[n-1]``)."""
        for number, raw in enumerate(objects, start=1):
            item = self.read_object(number, raw)
            if item is not None:
                yield item

    def read_line(self, number: int, text: str) -> ScriptItem | None:
        stripped = text.strip()
        if not stripped or stripped.startswith("//"):
            return None
        try:
            raw = json.loads(stripped)
        except json.JSONDecodeError as error:
            self._seen_operation = True
            return BadLine(
                line=number, op=None, code=Code.INVALID_OPERATION, message=f"not JSON: {error.msg}"
            )
        return self.read_object(number, raw)

    def read_object(self, number: int, raw: Any) -> ScriptItem | None:
        """One decoded line: an operation, a bad line, or ``None`` for the config line."""
        if not isinstance(raw, dict):
            self._seen_operation = True
            return BadLine(
                line=number, op=None, code=Code.INVALID_OPERATION, message="not a JSON object"
            )
        if "config" in raw and "op" not in raw:
            return self._config_line(number, raw)
        self._seen_operation = True
        name = raw.get("op")
        op_name = name if isinstance(name, str) else None
        try:
            if op_name is None:
                raise IdentityError(
                    Code.INVALID_OPERATION, 'every operation has an "op" string', line=number
                )
            fields = _Fields(raw, number, op_name, self.config.vendor, self.config.client)
            fields.check_keys()
            timestamp = self._timestamp(fields)
            op = _build(fields, timestamp)
        except IdentityError as error:
            return BadLine(line=number, op=op_name, code=error.code, message=error.message)
        self._last_time = timestamp
        return ScriptOp(line=number, op=op)

    def _config_line(self, number: int, raw: Mapping[str, Any]) -> ScriptItem | None:
        if self._seen_operation:
            return BadLine(
                line=number,
                op=None,
                code=Code.INVALID_OPERATION,
                message="a config line must be the first line of the script",
            )
        self._seen_operation = True
        try:
            parsed = parse_config(raw, line=number)
        except IdentityError as error:
            return BadLine(line=number, op=None, code=error.code, message=error.message)
        self.config = replace(parsed, **self._overrides)
        return None

    def _timestamp(self, fields: _Fields) -> datetime:
        given = fields.raw.get("timestamp")
        if given is not None:
            return parse_timestamp(given, line=fields.line)
        if fields.vendor is Vendor.CUSTOMERIO:
            raise fields.fail("every Customer.io operation needs an explicit 'timestamp'")
        if self._last_time is None:
            return FIRST_DEFAULT_TIME
        return self._last_time + DEFAULT_TIME_STEP
