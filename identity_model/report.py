"""Running a script and writing the report of the conformance format (§2).

``run_script`` streams script items through one ``Session``; ``build_report`` turns the step
records and the final world into the ``identity-model-report/1`` object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from identity_model import customerio
from identity_model.events import PersonMode, ProcessedEvent
from identity_model.jsonio import BadLine, ScriptItem, ScriptOp, ScriptReader
from identity_model.jsontypes import thaw
from identity_model.operations import Vendor, op_name
from identity_model.outcome import Status, Step
from identity_model.persons import PersonKey
from identity_model.reducers import Session
from identity_model.world import World, empty_world

REPORT_FORMAT = "identity-model-report/1"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepRecord(Step):
    """One script line's step: where it was, which op, and what it did."""

    line: int
    op: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptRun:
    world: World
    records: tuple[StepRecord, ...]


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


def iter_steps(
    reader: ScriptReader,
    items: Iterable[ScriptItem],
    *,
    on_session: Callable[[Session], None] | None = None,
) -> Iterator[StepRecord]:
    """Step records in script order, for ``items`` read by ``reader``. The session starts at
    the first operation line, once the config line (if any) is known; ``on_session`` receives
    it so callers can read the world."""
    session: Session | None = None
    for item in items:
        if session is None:
            session = Session(empty_world(reader.config))
            if on_session is not None:
                on_session(session)
        yield record_of(session, item)
    if session is None and on_session is not None:
        on_session(Session(empty_world(reader.config)))


def run_script(lines: Iterable[str], *, overrides: dict[str, Any] | None = None) -> ScriptRun:
    """Parse and replay a whole script (JSON Lines text, one line per item)."""
    reader = ScriptReader(overrides)
    return _run(reader, reader.read(lines))


def run_objects(objects: Iterable[Any], *, overrides: dict[str, Any] | None = None) -> ScriptRun:
    """``run_script`` for a script given as decoded JSON values, one per line."""
    reader = ScriptReader(overrides)
    return _run(reader, reader.read_objects(objects))


def _run(reader: ScriptReader, items: Iterable[ScriptItem]) -> ScriptRun:
    sessions: list[Session] = []
    records = tuple(iter_steps(reader, items, on_session=sessions.append))
    return ScriptRun(world=sessions[0].world, records=records)


def persons_in_report_order(world: World) -> list[tuple[PersonKey, list[str]]]:
    """Live persons with sorted distinct ids, ordered by smallest distinct id (code points)."""
    groups = world.graph.distinct_ids_by_person()
    ordered = [(key, sorted(ids)) for key, ids in groups.items()]
    ordered.sort(key=lambda entry: entry[1][0])
    return ordered


def event_entry(
    step_index: int, event: ProcessedEvent, person_index: dict[PersonKey, int], world: World
) -> dict[str, Any]:
    person: int | None = None
    if event.person_mode is not PersonMode.DROPPED:
        key = world.graph.key_of(event.distinct_id)
        person = None if key is None else person_index[key]
    billed = event.billed_as
    return {
        "step": step_index,
        "event": event.event,
        "distinct_id": event.distinct_id,
        "billed_as": None if billed is None else billed.value,
        "person": person,
        "sent": thaw(event.sent),
    }


def _steps(records: Sequence[StepRecord]) -> list[dict[str, Any]]:
    return [
        {
            "line": record.line,
            "op": record.op,
            "outcome": record.status.value,
            "codes": [code.value for code in record.codes],
        }
        for record in records
    ]


def _customerio_report(records: Sequence[StepRecord], world: World) -> dict[str, Any]:
    """Format §2, Customer.io: the same envelope, one event per accepted ``track``."""
    tracks = [
        index
        for index, record in enumerate(records)
        if record.op == "track" and record.status is Status.APPLIED
    ]
    return {
        "format": REPORT_FORMAT,
        "steps": _steps(records),
        **customerio.report_parts(world.customerio, tracks),
    }


def build_report(records: Sequence[StepRecord], world: World) -> dict[str, Any]:
    """The ``identity-model-report/1`` object for a replayed script."""
    if world.config.vendor is Vendor.CUSTOMERIO:
        return _customerio_report(records, world)
    persons = persons_in_report_order(world)
    person_index = {key: index for index, (key, _) in enumerate(persons)}
    events = [
        event_entry(index, record.event, person_index, world)
        for index, record in enumerate(records)
        if record.event is not None
    ]
    return {
        "format": REPORT_FORMAT,
        "steps": _steps(records),
        "events": events,
        "persons": [
            {
                "distinct_ids": ids,
                "is_identified": world.graph.persons[key].is_identified,
                # SV-21: no $creator_event_uuid: the model has no event uuids.
                "properties": {
                    name: thaw(value)
                    for name, value in sorted(world.graph.persons[key].properties.items())
                },
            }
            for key, ids in persons
        ],
        "usage": usage_entry(world),
    }


def usage_entry(world: World) -> dict[str, int]:
    return {
        "anonymous_events": world.usage.anonymous_events,
        "identified_events": world.usage.identified_events,
    }


__all__ = [
    "REPORT_FORMAT",
    "ScriptRun",
    "StepRecord",
    "build_report",
    "iter_steps",
    "run_script",
]
