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

``compare_on_dask`` uses the same pass and partitions for ``compare``: each partition's task
folds every component under each config (the ``person_profiles`` modes) and sends back, per
config, sums (usage per month, persons, the feature tally with its persons) and the rejected
steps.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from msgspec import structs

from identity_model.billing.eligibility import CAPABILITIES, Feature, FeatureTally
from identity_model.events import total_usage
from identity_model.io.limits import TooLong
from identity_model.io.report import REPORT_FORMAT, record_of, steps_entry
from identity_model.io.script import BadLine, ScriptItem, ScriptOp, ScriptReader, line_text
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


def _payload(number: int, raw: bytes, op: Operation) -> bytes:
    """The line as the reader read it (stripped as it strips, a first line's byte order mark
    dropped), and the time the reader gave it (omitted times need the order)."""
    text = line_text(number, raw.decode("utf-8"))  # (read as an operation: it is UTF-8)
    return f"{op.timestamp.isoformat()}\n{text}".encode()


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


def _operations(path: str, config: Config) -> Iterator[tuple[int, int, ScriptOp]]:
    """A partition file's operations, in input order: (position, component, operation)."""
    reader = ScriptReader.under(config)
    with open(path, "rb") as handle:
        for position, line, component, payload in _records(handle):
            time, _, text = payload.partition(b"\n")
            # the same instant the driver's reader read (or gave) it
            item = reader.read_spilled(line, text, datetime.fromisoformat(time.decode()))
            if not isinstance(item, ScriptOp):  # the driver read this very line as an operation
                raise RuntimeError(f"line {line} no longer reads as an operation: {item}")
            yield position, component, item


def fold_partition(path: str, config: Config, end: datetime | None, want: str) -> list[_Part]:
    """One partition: every component in it replayed alone, in input order; its parts (for
    ``summary`` one part, the partition's sums: no step is kept but the rejected ones)."""
    if want != "json":
        return [_summed_partition(path, config, end)]
    sessions: dict[int, Session] = {}
    positions: dict[int, list[int]] = {}
    records: dict[int, list[StepRecord]] = {}
    for position, component, item in _operations(path, config):
        session = sessions.get(component)
        if session is None:
            session = sessions[component] = Session(empty_world(config))
            positions[component], records[component] = [], []
        positions[component].append(position)
        records[component].append(record_of(session, item))
    parts: list[_Part] = []
    for component, session in sessions.items():
        parts.append(_part(session, positions[component], records.pop(component), end, want))
    return parts


def _summed_partition(path: str, config: Config, end: datetime | None) -> _Part:
    """``summary``: the partition's counts, each component judged at the end of the whole
    script; memory grows with the partition's identities, not its events."""
    sessions: dict[int, Session] = {}
    outcomes: Counter[str] = Counter()
    rejected: list[StepRecord] = []
    for _, component, item in _operations(path, config):
        session = sessions.get(component)
        if session is None:
            session = sessions[component] = Session(empty_world(config))
        record = record_of(session, item)
        outcomes[record.status.value] += 1
        if record.status is Status.REJECTED:
            rejected.append(structs.replace(record, event=None))
    profile = vendor_named(config.vendor)
    summary: dict[str, Any] = {}
    usage: dict[str, Any] = {}
    for session in sessions.values():
        state = session.world.state
        if end is not None:
            state = profile.at_end(state, end)
        summary = add_counts(summary, profile.summary(state))
        usage = add_counts(usage, total_usage(profile.usage(state)).as_json())
    return _Part(rejected=rejected, outcomes=dict(outcomes), summary=summary, usage=usage)


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

    def __init__(self, folder: Path, reader: ScriptReader) -> None:
        self.reader = reader
        self.folder = folder
        self.components = IdentityComponents()
        self.global_ops: list[tuple[int, int, Operation, datetime | None]] = []
        self.bad: list[tuple[int, StepRecord]] = []
        self.end: datetime | None = None
        self.positions = 0

    def read(self, lines: Iterable[tuple[int, bytes | TooLong]]) -> Path:
        path = self.folder / "operations.bin"
        with path.open("wb") as spill:
            for number, raw in lines:
                if isinstance(raw, TooLong):  # past 64 MiB, never held whole (#17)
                    item: ScriptItem | None = self.reader.too_long(number)
                else:  # (the fast lane for a plain line, #10; not UTF-8: a bad line)
                    item = self.reader.read_bytes(number, raw)
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
                    assert isinstance(raw, bytes)  # read as an operation: it was a line
                    _write(spill, position, item.line, anchor, _payload(number, raw, op))
                if self.end is None or op.timestamp > self.end:
                    self.end = op.timestamp
        return path

    def count(self) -> int:
        """How many components the script has (operations that name no identity aside)."""
        return len(set(self.components.components())) if self.components.nodes else 0

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


@contextmanager
def _partitioned(
    lines: Iterable[tuple[int, bytes | TooLong]],
    reader: ScriptReader,
    partitions: int | None,
    spill_dir: str | None,
) -> Iterator[tuple[_Spill, list[str]]]:
    """The driver's pass: the script read once (``reader``), its components computed and its
    operations split into partition files (removed on leaving)."""
    with tempfile.TemporaryDirectory(dir=spill_dir, prefix="identity-model-") as folder:
        spill = _Spill(Path(folder), reader)
        operations = spill.read(lines)
        yield spill, spill.split(operations, partitions or max(2, 2 * (os.cpu_count() or 1)))


def _compute(paths: list[str], fold: Callable[..., Any], client: Any, **given: Any) -> list[Any]:
    """``fold(path, **given)`` of every partition file on Dask: ``client`` a
    ``distributed.Client``, or ``None`` for Dask's default scheduler."""
    import dask.bag  # noqa: PLC0415 (the optional [dask] extra)

    from_sequence: Any = dask.bag.from_sequence
    bag = from_sequence(paths, npartitions=len(paths)).map(fold, **given)
    results: list[Any] = bag.compute() if client is None else client.compute(bag).result()
    return results


def replay_on_dask(
    lines: Iterable[tuple[int, bytes | TooLong]],
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
    with _partitioned(lines, reader, partitions, spill_dir) as (spill, paths):
        config = reader.config
        results = _compute(paths, fold_partition, client, config=config, end=spill.end, want=want)
    run = DaskRun(config=config, components=spill.count(), partitions=len(paths))
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


# --- compare on Dask: the same partitions, folded under several configs at once ------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ModeTotals:
    """What ``compare`` reads of the replay under one config, summed over components: the
    rejected steps (for stderr), the step outcomes, ``persons``/``identified_persons``, the
    billed events per month and meter, and for each feature (``billing.eligibility``) the
    events it can use and the persons behind them (a person lives in one component)."""

    rejected: list[StepRecord]
    outcomes: dict[str, int]
    summary: dict[str, int]
    usage: dict[str, dict[str, int]]
    features: dict[str, tuple[int, int]]


def sum_totals(parts: Sequence[ModeTotals]) -> ModeTotals:
    """Parts of one config's replay (partitions, components) added up."""
    rejected: list[StepRecord] = []
    outcomes: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    usage: dict[str, Any] = {}
    features: dict[str, tuple[int, int]] = {}
    for part in parts:
        rejected += part.rejected
        outcomes = add_counts(outcomes, part.outcomes)
        summary = add_counts(summary, part.summary)
        usage = add_counts(usage, part.usage)
        for name, (events, persons) in part.features.items():
            before = features.get(name, (0, 0))
            features[name] = (before[0] + events, before[1] + persons)
    return ModeTotals(
        rejected=rejected,
        outcomes=outcomes,
        summary=summary,
        usage={month: usage[month] for month in sorted(usage)},
        features=features,
    )


class _ModesFold:
    """Components replayed alone, each under every one of ``configs`` (one session per config,
    each fed the same operation, as the single-process ``compare`` feeds its sessions); the
    feature tally counts as the events flow by and keeps which component each id is in."""

    def __init__(self, configs: Sequence[Config]) -> None:
        self.configs = tuple(configs)
        self.sessions: dict[int, list[Session]] = {}
        self.tallies = [FeatureTally() for _ in self.configs]
        self.where: list[dict[str, int]] = [{} for _ in self.configs]
        self.rejected: list[list[StepRecord]] = [[] for _ in self.configs]
        self.outcomes: list[Counter[str]] = [Counter() for _ in self.configs]

    def add(self, component: int, item: ScriptOp, before: datetime | None = None) -> None:
        """One operation of ``component``; ``before``: a component that starts at that time
        (an operation that names no identity, decided against the latest earlier time)."""
        group = self.sessions.get(component)
        if group is None:
            group = self.sessions[component] = [self._session(c, before) for c in self.configs]
        for number, session in enumerate(group):
            record = record_of(session, item)
            self.outcomes[number][record.status.value] += 1
            if record.status is Status.REJECTED:
                self.rejected[number].append(structs.replace(record, event=None))
            event = record.event
            if event is None:
                continue
            self.tallies[number].add(event)
            owner = self.where[number].setdefault(event.distinct_id, component)
            if owner != component:  # the components are wrong, not the input
                raise RuntimeError(f"distinct id {event.distinct_id!r} in two components")

    @staticmethod
    def _session(config: Config, before: datetime | None) -> Session:
        world = empty_world(config)
        if before is not None:
            world = World(config=config, state=world.profile.at_end(world.state, before))
        return Session(world)

    def totals(self, end: datetime | None) -> list[ModeTotals]:
        """Each config's sums, every component judged at the end of the whole script."""
        found = []
        for number, config in enumerate(self.configs):
            profile = vendor_named(config.vendor)
            summary: dict[str, Any] = {}
            usage: dict[str, Any] = {}
            worlds: dict[int, World[Any]] = {}
            for component, group in self.sessions.items():
                state = group[number].world.state
                if end is not None:
                    state = profile.at_end(state, end)
                worlds[component] = World(config=config, state=state)
                summary = add_counts(summary, profile.summary(state))
                usage = add_counts(usage, profile.usage(state))
            found.append(
                ModeTotals(
                    rejected=self.rejected[number],
                    outcomes=dict(self.outcomes[number]),
                    summary=summary,
                    usage=usage,
                    features=self._features(number, worlds),
                )
            )
        return found

    def _features(self, number: int, worlds: dict[int, World[Any]]) -> dict[str, tuple[int, int]]:
        """The tally's rows, persons counted component by component (``FeatureTally.rows``
        over each component's world and ids) and added up."""
        tally = self.tallies[number]
        where = self.where[number]
        ids: dict[int, dict[Feature, set[str]]] = {}
        for feature, seen in tally.ids.items():
            for one in seen:
                ids.setdefault(where[one], {}).setdefault(feature, set()).add(one)
        persons: Counter[Feature] = Counter()
        for component, by_feature in ids.items():
            share = FeatureTally(
                ids={feature: by_feature.get(feature, set()) for feature in CAPABILITIES}
            )
            for row in share.rows(worlds[component]):
                persons[row.feature] += row.persons
        return {
            feature.value: (tally.events[feature], persons[feature]) for feature in CAPABILITIES
        }


def fold_partition_under(
    path: str, read_as: Config, configs: Sequence[Config], end: datetime | None
) -> list[ModeTotals]:
    """One partition, each component under each of ``configs``; the partition's sums (the
    driver receives one small object per partition and config, whatever the components)."""
    fold = _ModesFold(configs)
    for _, component, item in _operations(path, read_as):
        fold.add(component, item)
    return fold.totals(end)


@dataclass(frozen=True, slots=True, kw_only=True)
class DaskCompare:
    """A partitioned replay under several configs: the script's config and, per config, the
    totals (rejected steps in line order)."""

    config: Config
    modes: list[ModeTotals]
    components: int
    partitions: int


def compare_on_dask(
    lines: Iterable[tuple[int, bytes | TooLong]],
    reader: ScriptReader,
    *,
    configs: Callable[[Config], Sequence[Config]],
    client: Any = None,
    partitions: int | None = None,
    spill_dir: str | None = None,
) -> DaskCompare:
    """Replay the numbered ``lines`` of a script once per config ``configs(script config)``
    gives (``compare``'s ``person_profiles`` modes), on Dask: the components are computed
    once and every partition is folded under every config in one task."""
    with _partitioned(lines, reader, partitions, spill_dir) as (spill, paths):
        config = reader.config
        variants = tuple(configs(config))
        results: list[list[ModeTotals]] = _compute(
            paths, fold_partition_under, client, read_as=config, configs=variants, end=spill.end
        )
    alone = _ModesFold(variants)
    for index, (_, line, op, before) in enumerate(spill.global_ops):
        alone.add(GLOBAL - 1 - index, ScriptOp(line=line, op=op), before)
    parts = [*results, alone.totals(spill.end)]
    bad = [record for _, record in spill.bad]
    modes = []
    for number, variant in enumerate(variants):
        profile = vendor_named(variant.vendor)
        total = sum_totals([partition[number] for partition in parts])
        outcomes = add_counts(total.outcomes, {Status.REJECTED.value: len(bad)} if bad else {})
        summary = total.summary
        for key in profile.summary(profile.empty_state(variant)):
            summary.setdefault(key, 0)
        modes.append(
            replace(
                total,
                rejected=sorted([*bad, *total.rejected], key=lambda record: record.line),
                outcomes=outcomes,
                summary=summary,
            )
        )
    return DaskCompare(config=config, modes=modes, components=spill.count(), partitions=len(paths))
