"""Laws the fast paths of #10 must keep: the batch's person label is the profile's on the state
so far, and replay with or without ``keep_events`` gives the same persons, usage and report."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from identity_model import ScriptOp, ScriptReader, Session, build_report, empty_world, replay
from identity_model.io.report import record_of
from identity_model_spec.strategies import customerio_scripts, mixed_scripts, server_scripts

SCRIPTS = st.one_of(mixed_scripts(), server_scripts(), customerio_scripts())


def _ops(script: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    reader = ScriptReader()
    items = [item for item in reader.read_objects(script) if isinstance(item, ScriptOp)]
    return [item.op for item in items], reader.config


@given(SCRIPTS)
def test_the_batch_labels_persons_as_the_profile_does_on_the_state_so_far(
    script: list[dict[str, Any]],
) -> None:
    ops, config = _ops(script)
    session = Session(empty_world(config))
    for op in ops:
        step = session.apply(op)
        if step.event is not None:
            expected = session.profile.person_label(session.world.state, step.event)
            assert session.person_label(step.event) == expected


@given(SCRIPTS)
def test_replay_with_or_without_the_event_log_gives_the_same_persons_usage_and_report(
    script: list[dict[str, Any]],
) -> None:
    ops, config = _ops(script)
    kept = replay(ops, empty_world(config), keep_events=True)
    plain = replay(ops, empty_world(config))
    assert plain.log is None and kept.log is not None
    assert kept.state == plain.state  # persons, ids, devices, usage counts
    assert kept.usage_by_month() == plain.usage_by_month()
    records = []
    session = Session(empty_world(config))
    reader = ScriptReader()
    for item in reader.read_objects(script):
        records.append(record_of(session, item))
    report = build_report(records, session.world)
    assert build_report(records, kept) == report == build_report(records, plain)
