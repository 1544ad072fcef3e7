"""Running a script and writing the report of the conformance format (§2).

``iter_records`` is the one loop that feeds script items to sessions (the library, the
conformance adapter and every command line command use it); ``build_report`` turns the step
records and the final world into the ``identity-model-report/1`` object: the core writes
``format`` and ``steps``, the vendor's profile the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from identity_model.events import Event
from identity_model.io.script import BadLine, ScriptItem, ScriptOp, ScriptReader
from identity_model.operations import Config, op_name
from identity_model.outcome import Status, StepRecord
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
            step = session.apply(item.op)
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
    return [
        {
            "line": record.line,
            "op": record.op,
            "outcome": record.status.value,
            "codes": [code.value for code in record.codes],
        }
        for record in records
    ]


def build_report(records: Sequence[StepRecord], world: World[Any]) -> dict[str, Any]:
    """The ``identity-model-report/1`` object for a replayed script."""
    return {
        "format": REPORT_FORMAT,
        "steps": steps_entry(records),
        **world.profile.report(world.state, records),
    }
