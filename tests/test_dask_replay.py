"""Replaying by identity component on Dask gives exactly the single-process report.

The Dask engine (``identity_model.io.dask_replay``) splits a script into identity components
and folds them independently; these tests compare its report and summary with the ordinary
replay's, on the case corpus, on generated scripts and on a multi-user workload. Dask's
synchronous scheduler runs the same tasks in this process (fast); one test runs the command
line on a real ``distributed.LocalCluster``.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

dask = pytest.importorskip("dask")

from identity_model.cli import _parser as cli_parser  # noqa: E402
from identity_model.cli import _run as run_command  # noqa: E402
from identity_model.cli import dask_engine  # noqa: E402
from identity_model.identities import coarse_keys, neutral_identity_keys  # noqa: E402
from identity_model.io.cases import load_cases  # noqa: E402
from identity_model.io.dask_replay import compare_on_dask, replay_on_dask  # noqa: E402
from identity_model.io.report import build_report, run_objects  # noqa: E402
from identity_model.io.script import ScriptReader  # noqa: E402
from identity_model.outcome import Status  # noqa: E402
from identity_model.partition.components import GLOBAL, IdentityComponents  # noqa: E402
from identity_model.vendor import vendor_names  # noqa: E402
from identity_model_spec.strategies import (  # noqa: E402
    client_scripts,
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


def _lines(script: list[dict[str, Any]]) -> Iterator[tuple[int, bytes]]:
    return enumerate((json.dumps(line).encode() for line in script), start=1)


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
    summed = on_dask(script, want="summary")
    assert summed.summary == expected_summary
    assert summed.outcomes == Counter(record.status for record in single_run.records)
    assert [(r.line, r.codes) for r in summed.rejected] == [
        (r.line, r.codes) for r in single_run.records if r.status is Status.REJECTED
    ]


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
    assert "device\x00laptop" in set(coarse_keys("$device:laptop-anon-3"))


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


# --- compare on Dask: every person_profiles mode from the same partitions ------------------

MODES = ("identified_only", "always", "never")
MONTHS = ["2026-01-20T00:00:00Z", "2026-02-10T00:00:00Z", "2026-03-05T00:00:00Z"]


@st.composite
def compare_workloads(draw: st.DrawFn) -> list[dict[str, Any]]:
    """PostHog traffic (clients on two devices, server lines, Python calls, several users),
    sometimes with a small free allowance and over several months, so the cost columns and
    every feature's persons are exercised."""
    script = draw(
        st.one_of(
            mixed_scripts(),
            server_scripts(),
            python_scripts(),
            st.sampled_from(["identified_only", "always", "never"]).flatmap(client_scripts),
        )
    )
    lines = [dict(line) for line in script]
    if draw(st.booleans()):
        if not lines or "config" not in lines[0]:
            lines.insert(0, {"config": {}})
        lines[0] = {
            "config": {**lines[0]["config"], "free_events_per_month": draw(st.integers(0, 6))}
        }
    if draw(st.booleans()):
        stamps = sorted(
            draw(st.lists(st.sampled_from(MONTHS), min_size=len(lines), max_size=len(lines)))
        )
        for line, stamp in zip(lines, stamps, strict=True):
            if "config" not in line and "timestamp" not in line and draw(st.booleans()):
                line["timestamp"] = stamp
    return lines


def compare_command(path: Path, *extra: str) -> tuple[int, str, str]:
    """``identity-model compare PATH EXTRA...`` in this process: (exit code, stdout, stderr).
    With ``--engine dask`` Dask's synchronous scheduler stands in for the cluster (the same
    tasks, in this process)."""
    args = cli_parser().parse_args(["compare", str(path), *extra])
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.object(dask_engine, "_client", lambda *_: None),
        dask.config.set(scheduler="synchronous"),
    ):
        code = run_command(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_compare_on_dask_is_compare(tmp_path: Path) -> None:
    script = tmp_path / "traffic.jsonl"
    clients = [
        {"op": "capture", "event": "seen", "device": "phone"},
        {"op": "identify", "distinct_id": "u1", "device": "phone"},
        {"op": "capture", "event": "bought", "device": "phone"},
        {"op": "capture", "event": "seen", "device": "laptop"},
        {"op": "reset", "device": "phone"},
        {"op": "capture", "event": "seen", "device": "phone"},
    ]
    lines = [
        *(json.dumps(line) for line in islice(server_events(visitors=30), 300)),
        *(json.dumps(line) for line in clients),
        "not json",
    ]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for form in ("json", "text"):
        single_run = compare_command(script, "--format", form)
        assert compare_command(script, "--format", form, "--engine", "dask") == single_run
        assert single_run[0] == 1  # the rejected line
    modes = json.loads(compare_command(script, "--format", "json")[1])["modes"]
    assert len({json.dumps(column, sort_keys=True) for column in modes.values()}) > 1, (
        "the client calls must tell the modes apart"
    )


@settings(max_examples=25)
@given(compare_workloads(), st.sampled_from(["json", "text"]), st.integers(1, 4))
def test_generated_workloads_compare_the_same_on_dask(
    script: list[dict[str, Any]], form: str, partitions: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "script.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in script), encoding="utf-8")
        expected = compare_command(path, "--format", form)
        found = compare_command(
            path, "--format", form, "--engine", "dask", "--partitions", str(partitions)
        )
    assert found == expected


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler: only with --engine dask"),
        (["--workers", "2", "--spill-dir", "/tmp"], "--workers, --spill-dir: only with --engine"),
        (["--engine", "dask", "--workers", "0"], "--workers 0: at least 1"),
        (["--engine", "dask", "--partitions", "-1"], "--partitions -1: at least 1"),
        (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "--workers"),
        (["--engine", "dask", "--vendors", "posthog,segment"], "not --vendors"),
    ],
)
def test_engine_flags_that_cannot_run_are_usage_errors(
    tmp_path: Path, argv: list[str], says: str
) -> None:
    script = tmp_path / "traffic.jsonl"
    script.write_text('{"op": "capture", "event": "e"}\n', encoding="utf-8")
    code, out, err = compare_command(script, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("identity-model: ") and says in err
    assert err.count("\n") == 1


def test_replay_checks_the_engine_flags_too(tmp_path: Path) -> None:
    script = tmp_path / "traffic.jsonl"
    script.write_text('{"op": "capture", "event": "e"}\n', encoding="utf-8")
    args = cli_parser().parse_args(["replay", str(script), "--partitions", "3"])
    err = io.StringIO()
    assert run_command(args, io.StringIO(), err) == 2
    assert "--partitions: only with --engine dask" in err.getvalue()


def test_compare_on_dask_refuses_an_export_and_a_script_of_another_vendor(tmp_path: Path) -> None:
    script = tmp_path / "segment.jsonl"
    script.write_text(
        '{"config": {"vendor": "segment"}}\n{"op": "capture", "event": "e"}\n', encoding="utf-8"
    )
    assert compare_command(script)[0] == compare_command(script, "--engine", "dask")[0] == 2
    assert compare_command(script)[2] == compare_command(script, "--engine", "dask")[2]


def test_the_compare_command_on_a_local_cluster_prints_the_same(tmp_path: Path) -> None:
    script = tmp_path / "traffic.jsonl"
    lines = [json.dumps(line) for line in islice(server_events(visitors=40), 300)]
    lines.insert(100, "not json")
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def compare(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "identity_model", "compare", str(script), *extra]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    local = compare()
    distributed = compare("--engine", "dask", "--workers", "2")
    assert distributed.returncode == local.returncode == 1
    assert distributed.stdout == local.stdout
    assert "Traceback" not in distributed.stderr
    # a loaded machine adds Dask's own warnings: the FILE:LINE lines must be the same
    assert [line for line in distributed.stderr.splitlines() if line.startswith(str(script))] == [
        line for line in local.stderr.splitlines() if line.startswith(str(script))
    ]


def test_compare_folds_every_mode_from_one_partitioning() -> None:
    script = list(islice(server_events(visitors=100), 1000))
    with dask.config.set(scheduler="synchronous"):
        found = compare_on_dask(
            _lines(script),
            ScriptReader(),
            configs=lambda config: [replace(config, person_profiles=m) for m in MODES],
            partitions=3,
        )
    assert found.components > 20, "the workload must really be split"
    assert found.partitions == 3
    assert len(found.modes) == len(MODES)
    for mode, totals in zip(MODES, found.modes, strict=True):
        world = run_objects([{"config": {"person_profiles": mode}}, *script]).world
        assert totals.summary == dict(world.profile.summary(world.state))
        assert totals.usage == world.usage_by_month()


@pytest.mark.parametrize("vendor", ["amplitude", "mixpanel"])
def test_a_vendor_with_a_shared_ingestion_clock_replays_as_one_component(vendor: str) -> None:
    """The month an event counts in depends on the latest time of any user's events so far
    (AMP-13, D-MIX-9): a backfilled event of one user counts in the month another user's
    later event reached."""
    script = [
        {"config": {"vendor": vendor}},
        {"op": "ingest", "event": "e", "distinct_id": "a", "timestamp": "2026-02-01T00:00:00Z"},
        {"op": "ingest", "event": "e", "distinct_id": "b", "timestamp": "2026-01-15T00:00:00Z"},
    ]
    run = on_dask(script)
    assert run.components == 1
    assert run.report == single(script)


def test_a_byte_order_mark_before_the_first_operation_replays_the_same() -> None:
    """A first line with a UTF-8 byte order mark is an operation for the reader (#17); the
    workers read the line the driver spilled, so it must go without the mark (it crashed them)."""
    lines = [
        b'\xef\xbb\xbf{"op":"ingest","distinct_id":"u1","event":"e"}\n',
        b'{"op":"ingest","distinct_id":"u2","event":"$identify",'
        b'"properties":{"$anon_distinct_id":"u1"}}\n',
    ]
    with dask.config.set(scheduler="synchronous"):
        run = replay_on_dask(enumerate(lines, start=1), ScriptReader(), want="json", partitions=2)
    assert run.report == single([json.loads(line.decode("utf-8-sig")) for line in lines])
