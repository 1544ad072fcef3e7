"""A third vendor registers itself and runs through every entry point, no core module touched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from identity_model import (
    Capture,
    Code,
    Ingest,
    Status,
    apply,
    build_report,
    empty_world,
    replay,
    run_objects,
    vendor_named,
    vendor_names,
)
from identity_model.io.script import configure
from tests.toy_vendor import PROFILE, Poke

ROOT = Path(__file__).parents[1]
T = datetime(2026, 3, 1, tzinfo=UTC)
SCRIPT = [
    {"config": {"vendor": "toy"}},
    {"op": "ingest", "distinct_id": "a", "event": "e1"},
    {"op": "capture", "event": "$pageview"},
    {"op": "poke", "distinct_id": "a"},
    {"op": "poke", "distinct_id": "nobody"},
    {"op": "ingest", "distinct_id": "b", "event": "e2"},
]


def test_the_toy_vendor_is_registered_by_name() -> None:
    assert vendor_named("toy") is PROFILE
    assert "toy" in vendor_names()


def test_apply_and_replay() -> None:
    world = empty_world(configure({"vendor": "toy"}, {}))
    first = apply(world, Ingest(distinct_id="a", event="e", timestamp=T))
    assert first.status is Status.APPLIED
    assert dict(first.world.state.events_by_id) == {"a": 1}
    assert dict(world.state.events_by_id) == {}  # the old world is unchanged
    for op in (Capture(event="x", timestamp=T), Poke(distinct_id="a", timestamp=T)):
        outcome = apply(first.world, op)
        assert outcome.status is Status.IGNORED
        assert outcome.world is first.world
    unsupported = apply(first.world, Capture(event="x", timestamp=T))
    assert unsupported.codes == (Code.UNSUPPORTED_OPERATION,)
    ops = [Ingest(distinct_id=i, event="e", timestamp=T) for i in "aab"]
    end = replay(ops, world)
    assert dict(end.state.events_by_id) == {"a": 2, "b": 1}
    assert end.usage.identified_events == 3
    assert end.usage_by_month() == {"2026-03": {"identified_events": 3}}
    assert replay(ops, world, keep_events=True).event_log()[2].distinct_id == "b"


def expected_report() -> dict[str, object]:
    return {
        "format": "identity-model-report/1",
        "steps": [
            {"line": 2, "op": "ingest", "outcome": "applied", "codes": []},
            {"line": 3, "op": "capture", "outcome": "ignored", "codes": ["unsupported_operation"]},
            {"line": 4, "op": "poke", "outcome": "ignored", "codes": []},
            {"line": 5, "op": "poke", "outcome": "rejected", "codes": ["invalid_operation"]},
            {"line": 6, "op": "ingest", "outcome": "applied", "codes": []},
        ],
        "events": [
            {"step": 0, "event": "e1", "distinct_id": "a", "billed_as": "identified", "person": 0},
            {"step": 4, "event": "e2", "distinct_id": "b", "billed_as": "identified", "person": 1},
        ],
        "persons": [
            {"distinct_ids": ["a"], "is_identified": True, "properties": {}},
            {"distinct_ids": ["b"], "is_identified": True, "properties": {}},
        ],
        "usage": {"anonymous_events": 0, "identified_events": 2},
    }


def test_the_report() -> None:
    result = run_objects(SCRIPT)
    assert build_report(result.records, result.world) == expected_report()


def test_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "toy.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in SCRIPT) + "\n")
    env = {**os.environ, "IDENTITY_MODEL_VENDORS": "tests.toy_vendor"}
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", "replay", str(path), "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # line 5 is rejected
    assert json.loads(result.stdout) == expected_report()
    assert f"{path}:5: invalid_operation: no such person" in result.stderr
    text = subprocess.run(
        [sys.executable, "-m", "identity_model", "replay", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "vendor toy" in text.stdout
    assert "persons (2)" in text.stdout
