"""``identity-model replay`` driven as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "identity_model", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


SCRIPT = "\n".join(
    json.dumps(line)
    for line in [
        {
            "op": "ingest",
            "distinct_id": "anon-1",
            "event": "$pageview",
            "properties": {"$process_person_profile": False},
        },
        {
            "op": "ingest",
            "distinct_id": "user-1",
            "event": "$identify",
            "properties": {"$anon_distinct_id": "anon-1"},
        },
    ]
)


def test_replay_json_is_a_conformance_report(tmp_path: Path) -> None:
    script = tmp_path / "events.jsonl"
    script.write_text(SCRIPT + "\n", encoding="utf-8")
    result = run_cli("replay", str(script), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "identity-model-report/1"
    assert report["usage"] == {"anonymous_events": 1, "identified_events": 1}
    assert report["persons"] == [
        {"distinct_ids": ["anon-1", "user-1"], "is_identified": True, "properties": {}}
    ]
    assert [event["person"] for event in report["events"]] == [0, 0]


def test_rejected_lines_are_listed_with_line_and_code_and_exit_1(tmp_path: Path) -> None:
    script = tmp_path / "events.jsonl"
    script.write_text(SCRIPT + "\n{oops\n", encoding="utf-8")
    result = run_cli("replay", str(script), "--format", "json")
    assert result.returncode == 1
    assert f"{script}:3: invalid_operation" in result.stderr
    assert json.loads(result.stdout)["steps"][2] == {
        "line": 3,
        "op": None,
        "outcome": "rejected",
        "codes": ["invalid_operation"],
    }


def test_missing_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli("replay", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_replay_handles_a_mixed_client_and_server_script(tmp_path: Path) -> None:
    """A user logs in on a laptop and a phone; the backend sends an event for them."""
    lines = [
        {"config": {"person_profiles": "identified_only"}},
        {"op": "capture", "event": "$pageview", "device": "laptop"},
        {"op": "identify", "distinct_id": "user-1", "device": "laptop"},
        {"op": "capture", "event": "$pageview", "device": "phone"},
        {"op": "identify", "distinct_id": "user-1", "device": "phone"},
        {"op": "ingest", "distinct_id": "user-1", "event": "invoice paid"},
    ]
    script = tmp_path / "mixed.jsonl"
    script.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = run_cli("replay", str(script), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["persons"] == [
        {
            "distinct_ids": ["laptop-anon-0", "phone-anon-0", "user-1"],
            "is_identified": True,
            "properties": {},
        }
    ]
    assert [event["billed_as"] for event in report["events"]] == [
        "anonymous",
        "identified",
        "anonymous",
        "identified",
        "identified",
    ]
    assert {event["person"] for event in report["events"]} == {0}
