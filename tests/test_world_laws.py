"""Laws of the reducers over random scripts (issues: ingestion layer, #9, #12).

Each law is about the Python API (immutability, the fold), which the language-neutral
conformance suite cannot see. They run for server-only, mixed PostHog (SDK calls and
ingestion) and Customer.io scripts.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from identity_model import (
    Operation,
    Person,
    ProcessedEvent,
    ScriptOp,
    ScriptReader,
    Session,
    Status,
    StepRecord,
    World,
    apply,
    build_report,
    empty_world,
    replay,
    run_script,
)
from identity_model.operations import op_name
from identity_model_spec.cases import corpus
from identity_model_spec.strategies import (
    customerio_scripts,
    merge_tournaments,
    mixed_scripts,
    python_scripts,
    server_scripts,
)

SCRIPTS = {
    "server": server_scripts(),
    "mixed": mixed_scripts(),
    "python": python_scripts(),
    "customerio": customerio_scripts(),
}
KINDS = pytest.mark.parametrize("kind", sorted(SCRIPTS))


def read(script: list[dict[str, Any]]) -> tuple[World, list[tuple[int, Operation]]]:
    """The empty world under the script's config, and its well-formed operations by line."""
    reader = ScriptReader()
    ops = [
        (item.line, item.op) for item in reader.read_objects(script) if isinstance(item, ScriptOp)
    ]
    return empty_world(reader.config), ops


def steps(world: World, ops: list[tuple[int, Operation]]) -> tuple[World, list[StepRecord]]:
    """Apply ``ops`` one by one through the public ``apply``; the records of each step."""
    records = []
    for line, op in ops:
        outcome = apply(world, op)
        records.append(
            StepRecord(
                line=line,
                op=op_name(op),
                status=outcome.status,
                codes=outcome.codes,
                event=outcome.event,
                rules=outcome.rules,
            )
        )
        world = outcome.world
    return world, records


@KINDS
def test_rejected_or_ignored_op_returns_the_very_same_world(kind: str) -> None:
    @given(SCRIPTS[kind])
    def law(script: list[dict[str, Any]]) -> None:
        world, ops = read(script)
        for _, op in ops:
            outcome = apply(world, op)
            if outcome.status is not Status.APPLIED and not outcome.bookkeeping:
                assert outcome.world is world
            if outcome.bookkeeping:  # a device named for the first time (#11): in no report
                assert build_report([], outcome.world) == build_report([], world)
            world = outcome.world

    law()


@KINDS
def test_replay_is_a_left_fold(kind: str) -> None:
    @given(SCRIPTS[kind], st.integers(0, 40))
    def law(script: list[dict[str, Any]], cut: int) -> None:
        world, ops = read(script)
        first, second = [op for _, op in ops[:cut]], [op for _, op in ops[cut:]]
        assert replay(first + second, world) == replay(second, replay(first, world))

    law()


@KINDS
def test_batch_session_equals_fold_of_apply(kind: str) -> None:
    @given(SCRIPTS[kind])
    def law(script: list[dict[str, Any]]) -> None:
        world, ops = read(script)
        folded, _ = steps(world, ops)
        assert replay([op for _, op in ops], world) == folded

    law()


@KINDS
def test_old_world_reports_the_same_after_newer_ops(kind: str) -> None:
    @given(SCRIPTS[kind], st.integers(0, 40))
    def law(script: list[dict[str, Any]], cut: int) -> None:
        world, ops = read(script)
        old, records = steps(world, ops[:cut])
        before = json.dumps(build_report(records, old), sort_keys=True, default=str)
        session = Session(old)
        for _, op in ops[cut:]:
            session.apply(op)
        _ = session.world
        steps(old, ops[cut:])
        assert json.dumps(build_report(records, old), sort_keys=True, default=str) == before

    law()


@given(server_scripts(), server_scripts())
def test_billing_kind_never_changes_after_processing(
    xs: list[dict[str, Any]], ys: list[dict[str, Any]]
) -> None:
    world, first = read(xs)
    _, second = read(ys)
    old = replay([op for _, op in first], world, keep_events=True)
    new = replay([op for _, op in second], old)
    for event in old.event_log():
        assert isinstance(event, ProcessedEvent) and event.seq is not None
        later = new.event_log()[event.seq]
        assert isinstance(later, ProcessedEvent)
        assert later.billed_as == event.billed_as
        assert later.person_mode == event.person_mode


def assert_partition(world: World) -> None:
    groups = world.state.graph.distinct_ids_by_person()
    all_ids = [distinct_id for ids in groups.values() for distinct_id in ids]
    assert len(all_ids) == len(set(all_ids))
    assert set(groups) == set(world.state.graph.persons)
    for key, ids in groups.items():
        assert world.state.graph.persons[key].size == len(ids)
        assert all(world.state.graph.key_of(distinct_id) == key for distinct_id in ids)


@given(server_scripts())
def test_persons_partition_distinct_ids(script: list[dict[str, Any]]) -> None:
    world, ops = read(script)
    assert_partition(replay([op for _, op in ops], world))


@given(merge_tournaments())
def test_tournaments_end_with_persons_that_partition_their_ids(
    script: list[dict[str, Any]],
) -> None:
    """Merges happen here (ids are legal, persons share none), so the sizes must add up."""
    world, ops = read(script)
    world = replay([op for _, op in ops], world)
    assert_partition(world)
    ids = {
        line["distinct_id"]
        for line in script
        if line["properties"].get("$process_person_profile") is not False
    }
    grouped = world.state.graph.distinct_ids_by_person().values()
    assert sorted(i for group in grouped for i in group) == sorted(ids | _anon_ids(script))


def _anon_ids(script: list[dict[str, Any]]) -> set[str]:
    return {
        line["properties"]["$anon_distinct_id"]
        for line in script
        if "$anon_distinct_id" in line["properties"]
    }


@given(server_scripts())
def test_every_line_is_one_step_and_usage_is_billed_events(script: list[dict[str, Any]]) -> None:
    lines = [json.dumps(op) for op in script]
    result = run_script(lines)
    config_lines = 1 if script and "config" in script[0] and "op" not in script[0] else 0
    invalid_config = any(record.line == 1 for record in result.records) and config_lines
    assert len(result.records) == len(script) - config_lines + (1 if invalid_config else 0)
    billed = [record.event.billed_as for record in result.records if record.event]
    assert result.world.usage.anonymous_events == billed.count("anonymous")
    assert result.world.usage.identified_events == billed.count("identified")


# ---------------------------------------------------------------- union by size


def depth_of(world: World, distinct_id: str) -> int:
    """How many merge links a lookup of ``distinct_id`` follows."""
    key, depth = world.state.graph.owner[distinct_id], 0
    while key in world.state.graph.merged_into:
        key = world.state.graph.merged_into[key]
        depth += 1
    return depth


def merge(target: str, source: str, second: int) -> dict[str, Any]:
    return {
        "op": "ingest",
        "event": "$merge_dangerously",
        "distinct_id": target,
        "properties": {"alias": source},
        "timestamp": f"2026-01-01T01:{second // 60:02d}:{second % 60:02d}Z",
    }


@st.composite
def merge_orders(draw: st.DrawFn) -> list[dict[str, Any]]:
    """``n`` one-id persons merged in a random order into one: balanced tournaments, chains
    that always merge the big person away (the source), and everything between."""
    n = draw(st.integers(2, 24))
    lines = [
        {
            "op": "ingest",
            "event": "e",
            "distinct_id": f"id{i}",
            "timestamp": f"2026-01-01T00:00:{i:02d}Z",
        }
        for i in range(n)
    ]
    groups = [[f"id{i}"] for i in range(n)]
    second = 0
    while len(groups) > 1:
        a = draw(st.integers(0, len(groups) - 1))
        b = draw(st.integers(0, len(groups) - 2))
        b += b >= a
        source, target = groups[a], groups[b]
        second += 1
        lines.append(merge(draw(st.sampled_from(target)), draw(st.sampled_from(source)), second))
        groups = [g for i, g in enumerate(groups) if i not in (a, b)] + [target + source]
    return lines


def chain(n: int) -> list[dict[str, Any]]:
    """The big person is the source of every merge: without union by size, a chain of n-1."""
    lines = [
        {
            "op": "ingest",
            "event": "e",
            "distinct_id": f"id{i}",
            "timestamp": f"2026-01-01T00:00:{i:02d}Z",
        }
        for i in range(n)
    ]
    return lines + [merge(f"id{i}", "id0", i) for i in range(1, n)]


def tournament(rounds: int) -> list[dict[str, Any]]:
    """2**rounds persons merged pairwise, round by round: lookups of depth ``rounds``."""
    n = 2**rounds
    lines = [
        {
            "op": "ingest",
            "event": "e",
            "distinct_id": f"id{i}",
            "timestamp": f"2026-01-01T00:00:{i:02d}Z",
        }
        for i in range(n)
    ]
    second, width = 0, 1
    while width < n:
        for start in range(0, n, 2 * width):
            second += 1
            lines.append(merge(f"id{start}", f"id{start + width}", second))
        width *= 2
    return lines


@given(merge_orders())
@example(chain(16))
@example(tournament(4))
def test_union_by_size_keeps_lookups_shallow(script: list[dict[str, Any]]) -> None:
    """Every merge order ends in one person of all n ids, whose lookups follow at most
    log2(n) links, whose size is n, and every id of which resolves to it."""
    world, ops = read(script)
    world = replay([op for _, op in ops], world)
    ids = sorted({line["distinct_id"] for line in script})
    assert len(world.state.graph.persons) == 1
    (person,) = world.state.graph.persons.values()
    assert isinstance(person, Person)
    assert person.size == len(ids)
    assert {world.state.graph.key_of(distinct_id) for distinct_id in ids} == set(
        world.state.graph.persons
    )
    assert max(depth_of(world, distinct_id) for distinct_id in ids) <= math.log2(len(ids))
    report = build_report([], world)
    assert [entry["distinct_ids"] for entry in report["persons"]] == [ids]


def test_a_tournament_builds_lookups_as_deep_as_log2_n() -> None:
    """The law above is not vacuous: 16 persons merged pairwise need lookups of depth 4."""
    world, ops = read(tournament(4))
    world = replay([op for _, op in ops], world)
    assert max(depth_of(world, f"id{i}") for i in range(16)) == 4


def test_person_lookups_and_merged_keys_after_a_tournament() -> None:
    """Every id finds the one person; every merged-away key is listed under it."""
    world, ops = read(tournament(3))
    world = replay([op for _, op in ops], world)
    graph = world.state.graph
    (key,) = graph.persons
    assert all(graph.person_of(f"id{i}") == graph.persons[key] for i in range(8))
    assert graph.person_of("nobody") is None
    assert world.person_of("id5") == graph.persons[key]
    assert graph.merged_keys() == {key: sorted(k for k in graph.merged_into)}
    assert len(graph.merged_into) == 7


def test_posthog_python_corpus_cases_replay_as_left_folds() -> None:
    """The left-fold law at every cut of the posthog-python corpus cases: a batch replay ends
    with the devices it changed, generated ids spent included (PY rules), as one-by-one does."""
    cases = [
        case
        for case in corpus()
        if case.script and case.script[0].get("config", {}).get("client") == "python"
    ]
    assert cases
    for case in cases:
        world, ops = read(list(case.script))
        whole = [op for _, op in ops]
        for cut in range(len(whole) + 1):
            assert replay(whole, world) == replay(whole[cut:], replay(whole[:cut], world)), (
                case.id,
                cut,
            )
