"""Reading scripts: JSON Lines in the conformance format (§1) into operations, line numbers kept.

Nothing is dropped: every operation line becomes either a ``ScriptOp`` or a ``BadLine`` that
says why (code ``invalid_operation``) and where. Blank lines, ``//`` comments and the config
line make no step but count for line numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

from identity_model.errors import Code, IdentityError
from identity_model.fields import Fields
from identity_model.io.fastread import PlainIngest, plain_ingest
from identity_model.io.limits import MAX_LINE_BYTES, JsonRefused, check_value, loads_line
from identity_model.operations import Config, Ingest, Operation, read_neutral
from identity_model.vendor import DEFAULT_VENDOR, VendorProfile, vendor_named

FIRST_DEFAULT_TIME = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_TIME_STEP = timedelta(seconds=1)

_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
# The commonest form, in UTC: `datetime.fromisoformat` reads it as it is (a third of the time)
_UTC_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z", re.ASCII)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptOp:
    """An operation read from line ``line``."""

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

_SET_LINE, _SET_OP = (ScriptOp.__dict__[name].__set__ for name in ("line", "op"))  # slots


def _script_op(line: int, op: Operation) -> ScriptOp:
    """``ScriptOp(line=line, op=op)``, its slots written directly (one per line read)."""
    item: ScriptOp = object.__new__(ScriptOp)
    _SET_LINE(item, line)
    _SET_OP(item, op)
    return item


def line_text(number: int, text: str) -> str:
    """Line ``number``'s text as the reader reads it: stripped, and the first line without a
    UTF-8 byte order mark (#17)."""
    stripped = text.strip()
    if number == 1 and stripped.startswith("\ufeff"):
        stripped = stripped[1:].strip()
    return stripped


def parse_timestamp(value: object, *, line: int | None = None) -> datetime:
    """An RFC 3339 timestamp (with an offset), as an aware UTC datetime."""
    if type(value) is str and _UTC_RFC3339.fullmatch(value) is not None:
        try:
            return datetime.fromisoformat(value)  # in UTC already (``Z``)
        except ValueError:
            pass  # e.g. February 30th: the general way says why
    if not isinstance(value, str):
        raise IdentityError(
            Code.INVALID_OPERATION, "timestamp must be an RFC 3339 string", line=line
        )
    match = _RFC3339.fullmatch(value)  # the whole string: no trailing "\n" (#17)
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
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 (#17)
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"timestamp {value!r} is outside the calendar in UTC (years 1 to 9999)",
            line=line,
        ) from None


def parse_config(raw: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> Config:
    """The config line's object (format §1), read by its vendor's ``parse_config``.

    ``overrides`` (the command line's) win: another ``vendor`` gets its own defaults (the
    line is still checked under its own vendor); other keys apply where the vendor has them.
    """
    if set(raw) != {"config"} or not isinstance(raw["config"], dict):
        raise IdentityError(Code.INVALID_OPERATION, 'a config line is {"config": {...}}')
    return configure(raw["config"], overrides or {})


def configure(body: Mapping[str, Any], overrides: Mapping[str, Any]) -> Config:
    """A config from a config line's body and the command line's overrides."""
    named = body.get("vendor", DEFAULT_VENDOR)
    if not isinstance(named, str):
        raise IdentityError(Code.INVALID_OPERATION, "config: 'vendor' must be a string")
    settings = {key: value for key, value in body.items() if key != "vendor"}
    vendor = overrides.get("vendor", named)
    if vendor != named:
        _profile(named).parse_config(settings)
        settings = {}
    profile = _profile(vendor)
    known = {item.name for item in fields(profile.parse_config({}))}
    settings.update((key, value) for key, value in overrides.items() if key in known - {"vendor"})
    return profile.parse_config(settings)


def _profile(vendor: str) -> VendorProfile[Any, Any]:
    try:
        return vendor_named(vendor)
    except IdentityError as error:
        raise IdentityError(error.code, f"config: {error.message}") from None


class ScriptReader:
    """Parses a script line by line. ``config`` is known once the first operation is read.

    Timestamps omitted on a line default to one second after the previous operation line's
    time (the first to 2026-01-01T00:00:00Z); lines that fail to parse do not move the clock.
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self._overrides = dict(overrides or {})
        self._configure(configure({}, self._overrides))
        self._seen_operation = False
        self._last_time: datetime | None = None
        self.config_line: int | None = None  # the line of an accepted config line
        self.config_error: BadLine | None = None  # a config line, first, that was refused

    @classmethod
    def under(cls, config: Config) -> ScriptReader:
        """A reader of operation lines for a script whose config is already known (a worker
        reading its share of a partitioned script)."""
        reader = cls()
        reader._configure(config)
        reader._seen_operation = True
        return reader

    def _configure(self, config: Config) -> None:
        self.config = config
        self._profile = vendor_named(config.vendor)
        # The fast lane reads `ingest` lines only for a vendor that leaves them to the core.
        self._neutral_ingest = self._profile.neutral_ingest(config)

    def read(self, lines: Iterable[str]) -> Iterator[ScriptItem]:
        for number, text in enumerate(lines, start=1):
            item = self.read_line(number, text)
            if item is not None:
                yield item

    def bad_line(self, number: int, message: str, code: Code = Code.INVALID_OPERATION) -> BadLine:
        """A line that cannot be read at all (e.g. not UTF-8): a rejected step, never skipped."""
        self._seen_operation = True
        return BadLine(line=number, op=None, code=code, message=message)

    def too_long(self, number: int) -> BadLine:
        """A line of more than ``MAX_LINE_BYTES`` bytes, never read whole (#17)."""
        return self.bad_line(
            number, f"line longer than {MAX_LINE_BYTES} bytes (64 MiB)", Code.LIMIT_EXCEEDED
        )

    def read_objects(self, objects: Iterable[Any]) -> Iterator[ScriptItem]:
        """The same for a script given as decoded JSON values (line n is ``objects[n-1]``).

        Values that no JSON line could hold (NaN, lone surrogates, nesting or integers past
        the limits of ``io.limits``) are rejected lines, as they are in a script file (#17)."""
        for number, raw in enumerate(objects, start=1):
            try:
                check_value(raw)
            except JsonRefused as error:
                item: ScriptItem | None = self.bad_line(number, error.message, error.code)
            else:
                item = self.read_object(number, raw)
            if item is not None:
                yield item

    def read_bytes(self, number: int, raw: bytes) -> ScriptItem | None:
        """``read_line`` for a line as read from a file (not UTF-8: a bad line). A plain
        ``ingest`` line takes the fast lane (``io.fastread``): the same item, sooner."""
        value = plain_ingest(raw) if self._neutral_ingest else None
        if value is not None:
            given, last = value.timestamp, self._last_time
            try:
                if given is not None:
                    timestamp = parse_timestamp(given, line=number)
                else:
                    timestamp = FIRST_DEFAULT_TIME if last is None else last + DEFAULT_TIME_STEP
            except (IdentityError, OverflowError):
                pass  # the careful way says why
            else:
                return self._plain_item(number, raw, value, timestamp)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self.bad_line(number, "not UTF-8 text")
        return self.read_line(number, text)

    def read_spilled(self, number: int, raw: bytes, timestamp: datetime) -> ScriptItem | None:
        """A line this reader's kind read before, whose time is known already (a partitioned
        replay's workers: the driver resolved every time, omitted ones by file order): the
        fast lane for a plain ``ingest`` line, else the line with ``timestamp`` written in, the
        careful way. The same item as the driver's."""
        value = plain_ingest(raw) if self._neutral_ingest else None
        if value is not None:
            return self._plain_item(number, raw, value, timestamp)
        line = json.loads(raw)
        line["timestamp"] = timestamp.isoformat()
        return self.read_object(number, line)

    def _plain_item(
        self, number: int, raw: bytes, value: PlainIngest, timestamp: datetime
    ) -> ScriptOp:
        """The operation of a line the fast lane decoded (``value``), at ``timestamp``."""
        self._seen_operation = True
        self._last_time = timestamp
        op = Ingest.read_plain(
            value.distinct_id,
            value.event,
            timestamp,
            value.properties,
            # (a line with one or two "{" and no "[" holds no nested value)
            nested=b"[" in raw or raw.count(b"{") > 2,
        )
        return _script_op(number, op)

    def read_line(self, number: int, text: str) -> ScriptItem | None:
        stripped = line_text(number, text)
        if not stripped or stripped.startswith("//"):
            return None
        try:
            raw = loads_line(stripped)
        except json.JSONDecodeError as error:
            return self.bad_line(number, f"not JSON: {error.msg}")
        except JsonRefused as error:
            return self.bad_line(number, error.message, error.code)
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
            fields = Fields(raw, number, op_name, self.config.vendor, self._timestamp, self.config)
            op: Operation | None = self._profile.parse_operation(op_name, fields)
            if op is None:
                op = read_neutral(fields)
        except IdentityError as error:
            return BadLine(line=number, op=op_name, code=error.code, message=error.message)
        self._last_time = op.timestamp
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
            config = parse_config(raw, self._overrides)
        except IdentityError as error:
            self.config_error = BadLine(
                line=number, op=None, code=error.code, message=error.message
            )
            return self.config_error
        self._configure(config)
        self.config_line = number
        return None

    def _timestamp(self, fields: Fields, missing: str | None) -> datetime:
        given = fields.raw.get("timestamp")
        if given is not None:
            return parse_timestamp(given, line=fields.line)
        if missing is not None:
            raise fields.fail(missing)
        if self._last_time is None:
            return FIRST_DEFAULT_TIME
        try:
            return self._last_time + DEFAULT_TIME_STEP
        except OverflowError:
            raise fields.fail(
                "no 'timestamp', and one second after the previous line's is past the end of "
                "the calendar (9999-12-31T23:59:59Z)"
            ) from None
