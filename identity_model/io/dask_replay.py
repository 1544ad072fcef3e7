"""Replaying on Dask, partitioned by identity component, with no rule changed.

The driver reads the script once, in order (line numbers, the config line and omitted
timestamps need the order): each operation goes, with its script position, to a spill file,
and its identity keys (``VendorProfile.identity_keys``) into an ``IdentityComponents``. Then
the components are computed, the spill is split into one file per partition (a component's
operations stay together and in input order), and Dask folds the partitions in parallel with
the ordinary reducers, one session per component. Each component reports on its own; the
driver joins the parts (``identity_model.partition.combine``): steps back at their positions,
persons sorted, usage summed. Operations with no identity key only move time: the driver
decides them against the time of the latest earlier operation, and every component is
judged at the end of the whole script (``VendorProfile.at_end``).

The driver holds the identity keys (a map of distinct ids and devices) and, for ``json``, the
steps; the events go through the spill files. ``docs/scale.md`` says more.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from msgspec import structs

from identity_model.events import total_usage
from identity_model.io.limits import TooLong
from identity_model.io.report import REPORT_FORMAT, record_of, steps_entry
from identity_model.io.script import BadLine, ScriptItem, ScriptOp, ScriptReader
from identity_model.operations import Config, Operation
from identity_model.outcome import Status, StepRecord
from identity_model.partition.combine import (
    ComponentPart,
    add_counts,
    combine_reports,
    combine_summaries,
)
from identity_model.partition.components import GLOBAL, IdentityComponents
from identity_model.reducers import Session
from identity_model.vendor import vendor_named
from identity_model.world import World, empty_world

_HEADER = struct.Struct("<qqqI")  # position, line, anchor or component, payload length


@dataclass(slots=True, kw_only=True)
class DaskRun:
    """What a partitioned replay found: the report (``json``) or the counts (``summary``)."""

    config: Config
    rejected: list[StepRecord] = field(default_factory=list)
    outcomes: Counter[Status] = field(default_factory=Counter)
    report: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    components: int = 0
    partitions: int = 0


def _write(handle: IO[bytes], position: int, line: int, anchor: int, payload: bytes) -> None:
    handle.write(_HEADER.pack(position, line, anchor, len(payload)))
    handle.write(payload)


def _records(handle: IO[bytes]) -> Iterator[tuple[int, int, int, bytes]]:
    while header := handle.read(_HEADER.size):
        position, line, anchor, size = _HEADER.unpack(header)
        yield position, line, anchor, handle.read(size)


def _payload(text: str, op: Operation) -> bytes:
    """The line as read, and the time the reader gave it (omitted times need the order)."""
    return f"{op.timestamp.isoformat()}\n{text}".encode()


def _line_of(payload: bytes) -> Any:
    time, _, text = payload.decode().partition("\n")
    raw = json.loads(text)
    raw["timestamp"] = time  # the same instant the driver's reader read (or gave) it
    return raw


def _bad_record(item: BadLine) -> StepRecord:
    return StepRecord(
        line=item.line, op=item.op, status=Status.REJECTED, codes=(item.code,), message=item.message
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Part:
    """One component's result: its rejected steps (for stderr), its step outcomes, and either
    its steps and report part (``json``) or its counts (``summary``)."""

    rejected: list[StepRecord]
    outcomes: dict[str, int]
    steps: list[tuple[int, dict[str, Any]]] | None = None
    report: ComponentPart | None = None
    summary: dict[str, int] | None = None
    usage: dict[str, int] | None = None


def fold_partition(path: str, config: Config, end: datetime | None, want: str) -> list[_Part]:
    """One partition: every component in it replayed alone, in input order; its parts."""
    sessions: dict[int, Session] = {}
    positions: dict[int, list[int]] = {}
    records: dict[int, list[StepRecord]] = {}
    reader = ScriptReader.under(config)
    with open(path, "rb") as handle:
        for position, line, component, payload in _records(handle):
            session = sessions.get(component)
            if session is None:
                session = sessions[component] = Session(empty_world(config))
                positions[component], records[component] = [], []
            item = reader.read_object(line, _line_of(payload))
            if not isinstance(item, ScriptOp):  # the driver read this very line as an operation
                raise RuntimeError(f"line {line} no longer reads as an operation: {item}")
            positions[component].append(position)
            records[component].append(record_of(session, item))
    parts: list[_Part] = []
    for component, session in sessions.items():
        parts.append(_part(session, positions[component], records.pop(component), end, want))
    return parts


def _part(
    session: Session, positions: list[int], local: list[StepRecord], end: datetime | None, want: str
) -> _Part:
    """One component's result, judged at the end of the whole script."""
    profile = session.profile
    state = session.world.state
    if end is not None:
        state = profile.at_end(state, end)
    rejected = [
        structs.replace(record, event=None) for record in local if record.status is Status.REJECTED
    ]
    outcomes = dict(Counter(record.status.value for record in local))
    if want == "json":
        return _Part(
            rejected=rejected,
            outcomes=outcomes,
            steps=list(zip(positions, steps_entry(local), strict=True)),
            report=ComponentPart(
                steps=positions,
                report=profile.report(state, local),
                entry_steps=profile.entry_steps(state, local),
            ),
        )
    return _Part(
        rejected=rejected,
        outcomes=outcomes,
        summary=dict(profile.summary(state)),
        usage=total_usage(profile.usage(state)).as_json(),
    )


class _Spill:
    """The driver's pass over the script: positions, identity keys, the spill file."""

    def __init__(self, folder: Path, overrides: dict[str, Any]) -> None:
        self.reader = ScriptReader(overrides)
        self.folder = folder
        self.components = IdentityComponents()
        self.run: DaskRun | None = None
        self.global_ops: list[tuple[int, int, Operation, datetime | None]] = []
        self.bad: list[tuple[int, StepRecord]] = []
        self.end: datetime | None = None
        self.positions = 0

    def read(self, lines: Iterable[tuple[int, str | TooLong | None]]) -> Path:
        path = self.folder / "operations.bin"
        with path.open("wb") as spill:
            for number, text in lines:
                if text is None:
                    item: ScriptItem | None = self.reader.bad_line(number, "not UTF-8 text")
                elif isinstance(text, TooLong):  # past 64 MiB, never held whole (#17)
                    item = self.reader.too_long(number)
                else:
                    item = self.reader.read_line(number, text)
                if item is None:
                    continue
                profile = vendor_named(self.reader.config.vendor)
                position = self.positions
                self.positions += 1
                if isinstance(item, BadLine):
                    self.bad.append((position, _bad_record(item)))
                    continue
                op = item.op
                anchor = self.components.add(profile.identity_keys(op))
                if anchor == GLOBAL:
                    self.global_ops.append((position, item.line, op, self.end))
                else:
                    assert isinstance(text, str)  # read as an operation: it was text
                    _write(spill, position, item.line, anchor, _payload(text.strip(), op))
                if self.end is None or op.timestamp > self.end:
                    self.end = op.timestamp
        return path

    def split(self, path: Path, partitions: int) -> list[str]:
        labels = self.components.components() if self.components.nodes else []
        paths = [self.folder / f"partition-{number}.bin" for number in range(partitions)]
        handles = [target.open("wb") for target in paths]
        try:
            with path.open("rb") as spill:
                for position, line, anchor, payload in _records(spill):
                    component = labels[anchor]
                    _write(handles[component % partitions], position, line, component, payload)
        finally:
            for handle in handles:
                handle.close()
        path.unlink()
        return [str(target) for target in paths]


def _global_parts(spill: _Spill, config: Config, want: str) -> list[_Part]:
    """Operations that name no identity: each a component of its own, decided against the
    latest earlier time (all they can share with the rest of the script)."""
    profile = vendor_named(config.vendor)
    parts = []
    for position, line, op, before in spill.global_ops:
        world = empty_world(config)
        if before is not None:
            world = World(config=config, state=profile.at_end(world.state, before))
        session = Session(world)
        record = record_of(session, ScriptOp(line=line, op=op))
        parts.append(_part(session, [position], [record], spill.end, want))
    return parts


def replay_on_dask(
    lines: Iterable[tuple[int, str | TooLong | None]],
    reader: ScriptReader,
    *,
    want: str = "json",
    client: Any = None,
    partitions: int | None = None,
    spill_dir: str | None = None,
) -> DaskRun:
    """Replay the numbered ``lines`` of a script (read by ``reader``) on Dask: ``client`` a
    ``distributed.Client``, or ``None`` for Dask's default scheduler. ``want``: ``json`` (the
    report) or ``summary``."""
    import dask.bag  # noqa: PLC0415 (the optional [dask] extra)

    from_sequence: Any = dask.bag.from_sequence

    with tempfile.TemporaryDirectory(dir=spill_dir, prefix="identity-model-") as folder:
        spill = _Spill(Path(folder), {})
        spill.reader = reader
        operations = spill.read(lines)
        config = reader.config
        count = partitions or max(2, 2 * (os.cpu_count() or 1))
        paths = spill.split(operations, count)
        bag = from_sequence(paths, npartitions=len(paths)).map(
            fold_partition, config=config, end=spill.end, want=want
        )
        results = bag.compute() if client is None else client.compute(bag).result()
    run = DaskRun(
        config=config,
        components=len(set(spill.components.components())) if spill.components.nodes else 0,
        partitions=count,
    )
    special = spill.bad
    parts = [part for partition in results for part in partition]
    parts += _global_parts(spill, config, want)
    rejected = [record for _, record in special if record.status is Status.REJECTED]
    for _, record in special:
        run.outcomes[record.status] += 1
    for part in parts:
        rejected += part.rejected
        for status, count in part.outcomes.items():
            run.outcomes[Status(status)] += count
    run.rejected = sorted(rejected, key=lambda record: record.line)
    profile = vendor_named(config.vendor)
    if want == "json":
        steps: list[dict[str, Any] | None] = [None] * spill.positions
        for position, record in special:
            steps[position] = steps_entry([record])[0]
        for part in parts:
            for position, entry in part.steps or ():
                steps[position] = entry
        empty = profile.report(profile.empty_state(config), [])
        vendor_part = combine_reports([part.report for part in parts if part.report], empty)
        run.report = {"format": REPORT_FORMAT, "steps": steps, **vendor_part}
    else:
        usage: dict[str, Any] = total_usage({}).as_json()
        for part in parts:
            usage = add_counts(usage, part.usage or {})
        run.summary = {
            **combine_summaries([part.summary or {} for part in parts]),
            "usage": usage,
        }
        for key in profile.summary(profile.empty_state(config)):
            run.summary.setdefault(key, 0)
    return run
