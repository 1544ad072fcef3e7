"""Laws of the reducers over random server scripts (issue: ingestion layer).

Each law is about the Python API (immutability, the fold), which the language-neutral
conformance suite cannot see.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from identity_model import (
    EMPTY,
    ProcessedEvent,
    Session,
    Status,
    apply,
    build_report,
    replay,
    run_script,
)
from spec_tests.strategies import server_scripts
from tests.conftest import ops_of


@given(server_scripts())
def test_rejected_or_ignored_op_leaves_world_equal(script: list[dict[str, Any]]) -> None:
    world = EMPTY
    for op in ops_of(script):
        outcome = apply(world, op)
        if outcome.status is not Status.APPLIED:
            assert outcome.world is world
            assert outcome.world == world
        world = outcome.world


@given(server_scripts(), server_scripts())
def test_replay_is_a_left_fold(xs: list[dict[str, Any]], ys: list[dict[str, Any]]) -> None:
    first, second = ops_of(xs), ops_of(ys)
    assert replay(first + second) == replay(second, replay(first))


@given(server_scripts())
def test_batch_session_equals_fold_of_apply(script: list[dict[str, Any]]) -> None:
    world = EMPTY
    for op in ops_of(script):
        world = apply(world, op).world
    assert replay(ops_of(script)) == world


@given(server_scripts(), server_scripts())
def test_old_world_reports_the_same_after_newer_ops(
    xs: list[dict[str, Any]], ys: list[dict[str, Any]]
) -> None:
    old = replay(ops_of(xs))
    before = build_report([], old)
    session = Session(old)
    for op in ops_of(ys):
        session.apply(op)
    _ = session.world
    assert build_report([], old) == before


@given(server_scripts(), server_scripts())
def test_billing_kind_never_changes_after_processing(
    xs: list[dict[str, Any]], ys: list[dict[str, Any]]
) -> None:
    old = replay(ops_of(xs), keep_events=True)
    new = replay(ops_of(ys), old)
    for event in old.event_log():
        assert isinstance(event, ProcessedEvent) and event.seq is not None
        later = new.event_log()[event.seq]
        assert isinstance(later, ProcessedEvent)
        assert later.billed_as == event.billed_as
        assert later.person_mode == event.person_mode


@given(server_scripts())
def test_persons_partition_distinct_ids(script: list[dict[str, Any]]) -> None:
    world = replay(ops_of(script))
    graph = world.state.graph
    groups = graph.distinct_ids_by_person()
    all_ids = [distinct_id for ids in groups.values() for distinct_id in ids]
    assert len(all_ids) == len(set(all_ids))
    assert set(groups) == set(graph.persons)
    for key, ids in groups.items():
        assert graph.persons[key].size == len(ids)
        assert all(graph.key_of(distinct_id) == key for distinct_id in ids)


@given(server_scripts())
def test_every_line_is_one_step_and_usage_is_billed_events(script: list[dict[str, Any]]) -> None:
    lines = [json.dumps(op) for op in script]
    result = run_script(lines)
    config_lines = 1 if script and "config" in script[0] and "op" not in script[0] else 0
    invalid_config = any(record.line == 1 for record in result.records) and config_lines
    assert len(result.records) == len(script) - config_lines + (1 if invalid_config else 0)
    statuses = [record.status for record in result.records]
    assert statuses.count(Status.APPLIED) + statuses.count(Status.IGNORED) + statuses.count(
        Status.REJECTED
    ) == len(result.records)
    billed = [record.event.billed_as for record in result.records if record.event]
    assert result.world.usage.anonymous_events == billed.count("anonymous")
    assert result.world.usage.identified_events == billed.count("identified")


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"]), min_size=2, max_size=40))
def test_union_by_size_keeps_lookups_shallow(ids: list[str]) -> None:
    """Chains of merges never make a lookup follow more than log2(n) links."""
    ops = ops_of(
        [
            {
                "op": "ingest",
                "distinct_id": a,
                "event": "$merge_dangerously",
                "properties": {"alias": b},
            }
            for a, b in itertools.pairwise(ids)
        ]
    )
    world = replay(ops)
    merged_into = world.state.graph.merged_into
    for first_key in world.state.graph.owner.values():
        key, depth = first_key, 0
        while key in merged_into:
            key = merged_into[key]
            depth += 1
        assert 2**depth <= len(world.state.graph.owner)
