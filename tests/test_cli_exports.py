"""``replay``/``compare``/``import`` on vendors' exports (issue #13), as real subprocesses."""

from __future__ import annotations

import gzip
import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
SEGMENT = FIXTURES / "segment-archive.jsonl"


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def test_replay_a_segment_archive_lists_rejected_records_and_counts_them() -> None:
    result = cli("replay", "--from", "segment", str(SEGMENT), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [step["line"] for step in report["steps"]] == [*range(1, 8), *range(9, 17)]
    assert [step["codes"] for step in report["steps"][-5:]] == [
        ["missing_distinct_id"],  # line 12: no id at all, rejected by the model (SV-01)
        ["import_unsupported_type"],
        ["import_invalid_timestamp"],
        ["import_missing_field"],
        ["import_unreadable_record"],
    ]
    errors = result.stderr.splitlines()
    assert errors[0] == (
        f"{SEGMENT}:12: missing_distinct_id: no usable distinct id (root distinct_id, then "
        "properties.distinct_id)"
    )
    assert errors[1] == (
        f"{SEGMENT}:13: import_unsupported_type: type 'enrich' is not one of alias, group, "
        "identify, page, screen, track"
    )
    assert errors[5] == "rejected records by code (5):"
    assert sorted(line.split()[-1] for line in errors[6:]) == [
        "import_invalid_timestamp",
        "import_missing_field",
        "import_unreadable_record",
        "import_unsupported_type",
        "missing_distinct_id",
    ]


@pytest.mark.parametrize(
    ("name", "vendor"),
    [
        ("segment-archive.jsonl", "segment"),
        ("mixpanel-export.jsonl", "mixpanel"),
        ("amplitude-export.json", "amplitude"),
        ("posthog-events.csv", "posthog"),
    ],
)
def test_without_from_the_vendor_is_guessed(name: str, vendor: str) -> None:
    result = cli("replay", str(FIXTURES / name))
    assert result.returncode == 1  # every fixture has some bad records
    assert result.stdout.startswith(f"identity-model replay {FIXTURES / name} ({vendor} export)")


def test_a_directory_a_gz_and_gzipped_standard_input_read_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "segment-logs" / "2015-02-23"
    folder.mkdir(parents=True)
    packed = folder / "1424730535.json.gz"
    packed.write_bytes(gzip.compress(SEGMENT.read_bytes()))
    plain = json.loads(cli("replay", str(SEGMENT), "--format", "json").stdout)
    for args, stdin in (
        ((str(tmp_path / "segment-logs"),), None),
        ((str(packed),), None),
        (("-",), packed.read_bytes()),
    ):
        result = cli("replay", *args, "--format", "json", stdin=stdin)
        assert result.returncode == 1, result.stderr
        assert json.loads(result.stdout) == plain
        where = str(packed) if stdin is None else "-"
        assert result.stderr.startswith(f"{where}:12: missing_distinct_id")


def test_compare_an_export_under_each_mode() -> None:
    result = cli("compare", str(FIXTURES / "posthog-events.jsonl"), "--format", "json")
    assert result.returncode == 1
    modes = json.loads(result.stdout)["modes"]
    assert set(modes) == {"identified_only", "always", "never"}
    # Already-captured events are server-side ingests: the same under every SDK mode.
    assert modes["always"]["identified_events"] == modes["never"]["identified_events"]
    # Five records the importer rejects, and line 7 (no id anywhere) that the model rejects.
    assert "rejected records by code (6):" in result.stderr


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    kept: dict[int, int] = {}
    steps: list[dict[str, Any]] = []
    for index, step in enumerate(report["steps"]):
        if step["codes"] and step["codes"][0].startswith("import_"):
            continue
        kept[index] = len(steps)
        steps.append({key: value for key, value in step.items() if key != "line"})
    events = [{**event, "step": kept[event["step"]]} for event in report["events"]]
    return {**report, "steps": steps, "events": events}


@pytest.mark.parametrize("name", ["mixpanel-export.jsonl", "amplitude-export.json"])
def test_import_writes_a_script_that_replays_to_the_same_report(name: str, tmp_path: Path) -> None:
    script = tmp_path / "repro.jsonl"
    imported = cli("import", str(FIXTURES / name), "-o", str(script))
    assert imported.returncode == 1  # some records were rejected
    assert imported.stdout == ""
    assert imported.stderr.startswith("rejected records by code (")
    lines = script.read_text().splitlines()
    assert lines[0].startswith("// identity-model import --from ")
    comments = [line for line in lines[1:] if line.startswith("//")]
    assert all(f"{FIXTURES / name}:" in line and ": import_" in line for line in comments)
    direct = json.loads(cli("replay", str(FIXTURES / name), "--format", "json").stdout)
    replayed = cli("replay", str(script), "--format", "json")
    assert replayed.returncode == 0, replayed.stderr
    assert _comparable(json.loads(replayed.stdout)) == _comparable(direct)


def test_import_to_standard_output_with_a_config_line() -> None:
    result = cli(
        "import", "--from", "posthog", str(FIXTURES / "posthog-events.csv"),
        "--person-profiles", "always",
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert json.loads(lines[1]) == {"config": {"person_profiles": "always"}}
    assert json.loads(lines[2]) == {
        "op": "ingest",
        "distinct_id": "anon-1",
        "event": "$pageview",
        "properties": {"$current_url": "https://example.com/", "$browser": "Chrome"},
        "timestamp": "2024-01-01T10:00:00Z",
    }


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("replay", "-"), b'{"hello": "world"}\n', "cannot tell what -:1 is: neither a script"),
        (("import", "-"), b'{"op": "capture"}\n', "-:1: this is a script of ours already"),
        (("replay", "-", "-"), None, "standard input (-) can be read only once"),
        (("replay", "--from", "amplitude"), None, "--from amplitude needs the export's PATH"),
        (
            ("replay", str(SEGMENT), "--engine", "dask", "--format", "summary"),
            None,
            "--engine dask replays scripts of ours",
        ),
        (("replay", str(FIXTURES / "README.md"), str(SEGMENT)), None, "one script at a time"),
        (("replay", "--from", "segment", "/no/such/dir"), None, "/no/such/dir: cannot read"),
    ],
)
def test_usage_errors(args: tuple[str, ...], stdin: bytes | None, message: str) -> None:
    result = cli(*args, stdin=stdin)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_parquet_without_pyarrow_stops_with_its_code(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "pyarrow").mkdir()
    (blocker / "pyarrow" / "__init__.py").write_text("raise ImportError('no pyarrow here')\n")
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", "replay", "--from", "posthog", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(blocker)},
    )
    assert result.returncode == 2
    assert "import_parquet_unavailable: reading Parquet needs pyarrow" in result.stderr


def test_many_rejected_records_are_counted_not_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type": "enrich", "userId": "u"}\n' * 50)
    result = cli("replay", "--from", "segment", str(path), "--format", "summary")
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len([line for line in errors if line.startswith(f"{path}:")]) == 20
    assert "... and 30 more rejected records" in errors
    assert errors[-1].split() == ["50", "import_unsupported_type"]


def test_progress_bar_of_bytes_read_on_a_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    path = tmp_path / "big.jsonl.gz"
    line = '{"type":"track","userId":"u","event":"E","timestamp":"2015-01-01T00:00:00Z"}\n'
    path.write_bytes(gzip.compress((line * 20_000).encode(), compresslevel=0))
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "identity_model", "replay", str(path), "--format", "summary"],
            stderr=follower,
            stdout=subprocess.PIPE,
            check=False,
            env={"TERM": "xterm", "COLUMNS": "100", "PATH": "/usr/bin:/bin"},
        )
        shown = b""
        while select.select([leader], [], [], 0.2)[0]:
            chunk = os.read(leader, 65536)
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        os.close(follower)
    assert result.returncode == 0
    assert b"reading the export" in shown
    assert json.loads(result.stdout)["steps"]["applied"] == 20_000


def test_scripts_are_still_scripts(tmp_path: Path) -> None:
    script = tmp_path / "my.jsonl"
    script.write_text('// my repro\n{"op": "ingest", "distinct_id": "u1", "event": "e"}\n')
    result = cli("replay", str(script), "--format", "summary")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["steps"]["applied"] == 1


def test_a_gzipped_script_of_ours_replays(tmp_path: Path) -> None:
    script = tmp_path / "repro.jsonl.gz"
    script.write_bytes(gzip.compress(b'{"op": "ingest", "distinct_id": "u1", "event": "e"}\n'))
    result = cli("replay", str(script), "--format", "summary")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["steps"]["applied"] == 1
