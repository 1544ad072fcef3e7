"""Replaying by identity component on Dask gives exactly the single-process report.

The Dask engine (``identity_model.io.dask_replay``) splits a script into identity components
and folds them independently; these tests compare its report and summary with the ordinary
replay's, on the case corpus, on generated scripts and on a multi-user workload. Dask's
synchronous scheduler runs the same tasks in this process (fast); one test runs the command
line on a real ``distributed.LocalCluster``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

dask = pytest.importorskip("dask")

from identity_model.identities import coarse_keys, neutral_identity_keys  # noqa: E402
from identity_model.io.cases import load_cases  # noqa: E402
from identity_model.io.dask_replay import replay_on_dask  # noqa: E402
from identity_model.io.report import build_report, run_objects  # noqa: E402
from identity_model.io.script import ScriptReader  # noqa: E402
from identity_model.partition.components import GLOBAL, IdentityComponents  # noqa: E402
from identity_model.vendor import vendor_names  # noqa: E402
from identity_model_spec.strategies import (  # noqa: E402
    customerio_scripts,
    mixed_scripts,
    python_scripts,
    server_scripts,
)
from identity_model_spec.strategies_amplitude import amplitude_scripts  # noqa: E402
from identity_model_spec.strategies_mixpanel import mixpanel_cap_scripts, mixpanel_scripts  # noqa: E402
from identity_model_spec.strategies_segment import segment_scripts  # noqa: E402

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from workload import server_events  # noqa: E402


def _lines(script: list[dict[str, Any]]) -> Iterator[tuple[int, str | None]]:
    return enumerate((json.dumps(line) for line in script), start=1)


def single(script: list[dict[str, Any]]) -> dict[str, Any]:
    run = run_objects(script)
    return build_report(run.records, run.world)


def on_dask(script: list[dict[str, Any]], want: str = "json", partitions: int = 3) -> Any:
    with dask.config.set(scheduler="synchronous"):
        return replay_on_dask(_lines(script), ScriptReader(), want=want, partitions=partitions)


@pytest.mark.parametrize(
    "case", load_cases([ROOT / "identity_model_spec" / "cases"]), ids=lambda c: c.id
)
def test_every_case_replays_the_same_on_dask(case: Any) -> None:
    assert on_dask(list(case.script)).report == single(list(case.script))


@st.composite
def neutral_traffic(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A PostHog-shaped script read under any vendor (the vendor-neutral traffic)."""
    script = [line for line in draw(mixed_scripts()) if "config" not in line]
    vendor = draw(st.sampled_from([name for name in vendor_names() if name != "customerio"]))
    return [{"config": {"vendor": vendor}}, *script]


@settings(max_examples=40)
@given(
    st.one_of(
        server_scripts(),
        mixed_scripts(),
        customerio_scripts(),
        amplitude_scripts(),
        segment_scripts(),
        mixpanel_scripts(),
        mixpanel_cap_scripts(),
        python_scripts(),
        neutral_traffic(),
    )
)
def test_generated_scripts_replay_the_same_on_dask(script: list[dict[str, Any]]) -> None:
    expected = single(script)
    run = on_dask(script)
    assert run.report == expected
    single_run = run_objects(script)
    world = single_run.world
    expected_summary = {**world.profile.summary(world.state), "usage": world.usage.as_json()}
    assert on_dask(script, want="summary").summary == expected_summary


def test_a_multi_user_workload_splits_into_components_and_replays_the_same() -> None:
    script = list(islice(server_events(visitors=300), 3000))
    run = on_dask(script, partitions=4)
    assert run.components > 50, "the workload must really be split"
    assert run.report == single(script)


def test_operations_with_no_identity_are_decided_against_the_latest_earlier_time() -> None:
    script = [
        {"config": {"vendor": "customerio"}},
        {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-01-01T00:00:00Z"},
        {"op": "advance", "timestamp": "2025-12-31T00:00:00Z"},  # not forward: ignored
        {"op": "track", "event": "e", "anonymous_id": "b", "timestamp": "2026-01-02T00:00:00Z"},
        {"op": "advance", "timestamp": "2026-03-01T00:00:00Z"},  # ends retention of both
    ]
    report = on_dask(script).report
    assert [step["outcome"] for step in report["steps"]] == [
        "applied",
        "ignored",
        "applied",
        "applied",
    ]
    assert report == single(script)


def test_coarse_keys_join_every_reading_of_an_id() -> None:
    assert set(coarse_keys(12)) & set(coarse_keys("12"))
    assert set(coarse_keys(1.0)) & set(coarse_keys("1"))
    assert set(coarse_keys("$device:abc")) & set(coarse_keys("ABC "))
    assert set(coarse_keys("x" * 300)) == set(coarse_keys("x" * 200))
    assert "device\x00laptop" in set(coarse_keys("laptop-anon-3"))


def test_an_operation_links_its_device_and_ids() -> None:
    (op,) = (item.op for item in ScriptReader().read_objects([{"op": "alias", "alias": "u"}]))
    keys = neutral_identity_keys(op)
    assert "device\x00default" in keys
    assert "u" in keys


def test_components_join_what_operations_link() -> None:
    graph = IdentityComponents()
    first = graph.add(["a", "b"])
    second = graph.add(["c"])
    third = graph.add(["b", "c"])
    lone = graph.add(["d"])
    assert graph.add([]) == GLOBAL
    assert graph.component_of(first) == graph.component_of(second) == graph.component_of(third)
    assert graph.component_of(lone) != graph.component_of(first)


def test_the_command_on_a_local_cluster_prints_the_same_report(tmp_path: Path) -> None:
    script = tmp_path / "traffic.jsonl"
    script.write_text(
        "".join(json.dumps(line) + "\n" for line in islice(server_events(visitors=50), 400))
        + "not json\n",
        encoding="utf-8",
    )

    def replay(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "identity_model", "replay", str(script), *extra]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    local = replay("--format", "json")
    distributed = replay("--format", "json", "--engine", "dask", "--workers", "2")
    assert distributed.returncode == local.returncode == 1  # one rejected line
    assert json.loads(distributed.stdout) == json.loads(local.stdout)
    assert distributed.stderr.strip().endswith("invalid_operation: not JSON: Expecting value")
    assert "Traceback" not in distributed.stderr
