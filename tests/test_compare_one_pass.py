"""``compare`` reads its input once: standard input gives what the file gives (issue #10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = [
    {"op": "capture", "event": "$pageview"},
    {"op": "identify", "distinct_id": "u"},
    {"op": "ingest", "distinct_id": "server", "event": "paid"},
    {"op": "capture", "event": "$pageview", "device": 3},
]


def compare(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "identity_model", "compare", *args, "--format", "json"],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_compare_from_stdin_equals_compare_from_a_file(tmp_path: Path) -> None:
    text = "\n".join(json.dumps(line) for line in SCRIPT) + "\n"
    path = tmp_path / "s.jsonl"
    path.write_text(text)
    from_file, from_stdin = compare(str(path)), compare("-", stdin=text)
    assert from_file.returncode == from_stdin.returncode == 1  # line 4 is rejected
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)
    modes = json.loads(from_stdin.stdout)["modes"]
    assert [modes[m]["identified_events"] for m in ("identified_only", "always", "never")] == [
        2,
        3,
        1,
    ]
    assert from_stdin.stderr.count(":4: invalid_operation") == 1
