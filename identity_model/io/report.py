"""Running a script and writing the report of the conformance format (§2).

``iter_records`` is the one loop that feeds script items to sessions (the library, the
conformance adapter and every command line command use it); ``build_report`` turns the step
records and the final world into the ``identity-model-report/1`` object: the core writes
``format`` and ``steps``, the vendor's profile the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, TextIO

from identity_model.events import Event
from identity_model.io.script import BadLine, ScriptItem, ScriptOp, ScriptReader
from identity_model.operations import Config, op_name
from identity_model.outcome import Status, Step, StepRecord
from identity_model.reducers import Session
from identity_model.world import World, empty_world

REPORT_FORMAT = "identity-model-report/1"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptRun:
    world: World[Any]
    records: tuple[StepRecord, ...]

    @property
    def events(self) -> list[Event]:
        """The events the steps sent, in order (dropped ones included)."""
        return [record.event for record in self.records if record.event is not None]


def record_of(session: Session, item: ScriptItem) -> StepRecord:
    match item:
        case BadLine():
            return StepRecord(
                line=item.line,
                op=item.op,
                status=Status.REJECTED,
                codes=(item.code,),
                message=item.message,
            )
        case ScriptOp():
            return record_of_step(item, session.apply(item.op))


def record_of_step(item: ScriptOp, step: Step) -> StepRecord:
    """The record of a script operation's step."""
    return StepRecord(
        line=item.line,
        op=op_name(item.op),
        status=step.status,
        codes=step.codes,
        event=step.event,
        rules=step.rules,
        message=step.message,
    )


def iter_records(
    reader: ScriptReader,
    items: Iterable[ScriptItem],
    open_sessions: Callable[[Config], Sequence[Session]],
) -> Iterator[list[StepRecord]]:
    """For each item read by ``reader``, its step record in each session. The sessions are
    opened (``open_sessions(config)``) at the first item, once the config line (if any) is
    known, or at the end when the script has no operation line."""
    sessions: Sequence[Session] | None = None
    for item in items:
        if sessions is None:
            sessions = open_sessions(reader.config)
        yield [record_of(session, item) for session in sessions]
    if sessions is None:
        open_sessions(reader.config)


def run_script(
    lines: Iterable[str], *, overrides: dict[str, Any] | None = None, keep_events: bool = False
) -> ScriptRun:
    """Parse and replay a whole script (JSON Lines text, one line per item)."""
    reader = ScriptReader(overrides)
    return _run(reader, reader.read(lines), keep_events)


def run_objects(
    objects: Iterable[Any], *, overrides: dict[str, Any] | None = None, keep_events: bool = False
) -> ScriptRun:
    """``run_script`` for a script given as decoded JSON values, one per line."""
    reader = ScriptReader(overrides)
    return _run(reader, reader.read_objects(objects), keep_events)


def _run(reader: ScriptReader, items: Iterable[ScriptItem], keep_events: bool) -> ScriptRun:
    sessions: list[Session] = []

    def open_session(config: Config) -> list[Session]:
        sessions.append(Session(empty_world(config, keep_events=keep_events)))
        return sessions

    records = tuple(records[0] for records in iter_records(reader, items, open_session))
    return ScriptRun(world=sessions[0].world, records=records)


def steps_entry(records: Sequence[StepRecord]) -> list[dict[str, Any]]:
    return list(_steps(records))


def _steps(records: Iterable[StepRecord]) -> Iterator[dict[str, Any]]:
    for record in records:
        yield {
            "line": record.line,
            "op": record.op,
            "outcome": record.status.value,
            "codes": [code.value for code in record.codes],
        }


def build_report(records: Sequence[StepRecord], world: World[Any]) -> dict[str, Any]:
    """The ``identity-model-report/1`` object for a replayed script."""
    return {
        "format": REPORT_FORMAT,
        "steps": steps_entry(records),
        **world.profile.report(world.state, records),
    }


def write_report(
    out: TextIO, records: Iterable[StepRecord], world: World[Any], *, ensure_ascii: bool
) -> None:
    """``build_report``, written as it is made: exactly the text of
    ``json.dump(build_report(...), out, indent=2, sort_keys=True)`` and a newline, with the
    ``steps`` and the vendor's ``events`` written one by one from ``records`` (iterated once
    per section: a ``RecordSpool`` keeps them on disk), never held as one report."""
    body = world.profile.report_stream(world.state, records)
    body["format"] = REPORT_FORMAT
    body["steps"] = _steps(records)
    _dump_object(out, body, ensure_ascii)
    out.write("\n")


def _dump_object(out: TextIO, body: dict[str, Any], ensure_ascii: bool) -> None:
    """The top-level object as ``json.dump(..., indent=2, sort_keys=True)`` writes it; a value
    that is an iterator is written as an array, item by item."""
    text = encode_basestring_ascii if ensure_ascii else encode_basestring

    def dumps(value: Any, indent: str) -> str:
        return _pretty(value, indent, text, ensure_ascii)

    if not body:
        out.write("{}")
        return
    separator = "{\n  "
    for key in sorted(body):
        out.write(separator + text(key) + ": ")
        separator = ",\n  "
        value = body[key]
        if not isinstance(value, Iterator):
            out.write(dumps(value, "  "))
            continue
        opened = False
        for item in value:
            out.write(("[\n    " if not opened else ",\n    ") + dumps(item, "    "))
            opened = True
        out.write("\n  ]" if opened else "[]")
    out.write("\n}")


def _pretty(value: Any, indent: str, text: Callable[[str], str], ensure_ascii: bool) -> str:
    """``json.dumps(value, indent=2, sort_keys=True)``, its lines after the first indented by
    ``indent``: the same text, made without the pure-Python encoder that ``indent`` selects
    (strings, ints, booleans, null, lists and str-keyed dicts here; anything else by json)."""
    kind = type(value)
    if kind is str:
        return text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    inner = indent + "  "
    if kind is dict and all(type(key) is str for key in value):
        if not value:
            return "{}"
        items = sorted(value.items())
        return (
            "{\n"
            + ",\n".join(
                inner + text(key) + ": " + _pretty(item, inner, text, ensure_ascii)
                for key, item in items
            )
            + "\n"
            + indent
            + "}"
        )
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        return (
            "[\n"
            + ",\n".join(inner + _pretty(item, inner, text, ensure_ascii) for item in value)
            + "\n"
            + indent
            + "]"
        )
    dumped = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=ensure_ascii)
    return dumped.replace("\n", "\n" + indent)
