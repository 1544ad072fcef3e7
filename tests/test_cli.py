"""The ``identity-model`` command, driven as a real subprocess for every subcommand."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def cli(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", *args],
        input=data,
        capture_output=True,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def write(tmp_path: Path, name: str, lines: list[object]) -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return path


def test_replay_without_a_file_explains_the_built_in_example() -> None:
    result = cli("replay")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "<built-in first-visit.jsonl>" in out
    assert "// 3. Sign-up" in out  # the example's own explanations
    assert "CL-10 -> SV-11" in out  # identify merged the anonymous visitor (decided by)
    assert "identify_repeated" in out
    assert "persons (1)" in out
    assert "usage: 5 anonymous + 5 identified = 10 billed events" in out
    assert "cost total: 0.00 USD" in out


def test_example_prints_a_script_that_replays_the_same() -> None:
    example = cli("example")
    assert example.returncode == 0
    from_stdin = cli("replay", "-", "--format", "json", stdin=example.stdout)
    built_in = cli("replay", "--format", "json")
    assert from_stdin.returncode == 0
    assert json.loads(from_stdin.stdout) == json.loads(built_in.stdout)


def test_explain_prints_each_rule_with_its_must_sentence() -> None:
    result = cli("replay", "--explain")
    assert result.returncode == 0
    assert (
        "SV-25  A distinct id seen only on personless events MUST belong to no person"
        in result.stdout
    )
    one = cli("explain", "sv-14")
    assert one.returncode == 0
    assert one.stdout.startswith("SV-14  Two persons merge into the target")
    # The page anchor: the rule heading's id on the page and on the built site (tests/test_docs).
    assert "page: docs/rules/server.md#sv-14 (on the site: rules/server/#sv-14)" in one.stdout
    missing = cli("explain", "XX-99")
    assert missing.returncode == 2
    assert "no such rule: XX-99" in missing.stderr


def test_replay_json_and_summary_of_a_file_and_of_stdin(tmp_path: Path) -> None:
    lines = [
        {"op": "capture", "event": "$pageview"},
        {"op": "identify", "distinct_id": "user-1"},
        {"op": "ingest", "distinct_id": "user-2", "event": "paid"},
    ]
    path = write(tmp_path, "s.jsonl", lines)
    report = json.loads(cli("replay", str(path), "--format", "json").stdout)
    assert report["format"] == "identity-model-report/1"
    assert report["usage"] == {"anonymous_events": 1, "identified_events": 2}
    summary = cli("replay", "-", "--format", "summary", stdin=path.read_text())
    assert summary.returncode == 0
    assert json.loads(summary.stdout) == {
        "format": "identity-model-summary/1",
        "identified_persons": 1,
        "persons": 2,
        "steps": {"applied": 3, "ignored": 0, "rejected": 0},
        "usage": {"anonymous_events": 1, "identified_events": 2},
    }


def test_person_profiles_override_wins_over_the_config_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.jsonl",
        [{"config": {"person_profiles": "identified_only"}}, {"op": "capture", "event": "e"}],
    )
    report = json.loads(
        cli("replay", str(path), "--format", "json", "--person-profiles", "always").stdout
    )
    assert report["events"][0]["billed_as"] == "identified"


def test_output_is_stable(tmp_path: Path) -> None:
    first = cli("replay", "--format", "json").stdout
    assert first == cli("replay", "--format", "json").stdout
    assert list(json.loads(first)) == sorted(json.loads(first))


def test_bad_lines_are_listed_with_file_line_and_code_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        b'{"op": "capture", "event": "e"}\n'
        b"{not json\n"
        b'{"op": "identify", "distinct_id": "null"}\n'
        b'{"op": "capture", "event": "\xff"}\n'
        b'{"op": "capture", "event": "e", "colour": "red"}\n'
    )
    for fmt in ("text", "json", "summary"):
        result = cli("replay", str(path), "--format", fmt)
        assert result.returncode == 1, fmt
        assert "Traceback" not in result.stderr
        errors = result.stderr.strip().splitlines()
        assert errors == [
            f"{path}:2: invalid_operation: not JSON: Expecting property name enclosed in "
            "double quotes",
            f"{path}:3: invalid_distinct_id: posthog-js refuses to identify as 'null'",
            f"{path}:4: invalid_operation: not UTF-8 text",
            f"{path}:5: invalid_operation: capture: unknown key(s) 'colour'",
        ], fmt
    report = json.loads(cli("replay", str(path), "--format", "json").stdout)
    assert [step["outcome"] for step in report["steps"]] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("replay", "/no/such/file.jsonl"),
            "/no/such/file.jsonl: cannot read: No such file or directory",
        ),
        (("price", "--book", "no-such-book"), "invalid_price_book: no price book 'no-such-book'"),
        (("check", "/no/such/folder"), "/no/such/folder: no such file or folder"),
        (("check", "docs", "--impl", "no.such:run"), "cannot import 'no.such'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_argument_errors_exit_2_with_usage() -> None:
    result = cli("price", "--anonymous-events", "many")
    assert result.returncode == 2
    assert "'many' is not a whole number" in result.stderr


def test_help_teaches_by_example() -> None:
    top = cli("--help")
    assert top.returncode == 0
    assert "identity-model replay my.jsonl --explain" in top.stdout
    assert (
        "exit codes: 0 ok; 1 some lines rejected or some checks failed; 2 usage error" in top.stdout
    )
    for command in ("replay", "example", "explain", "compare", "check", "price"):
        sub = cli(command, "--help")
        assert sub.returncode == 0
        assert "example" in sub.stdout


def test_compare_replays_under_each_mode(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.jsonl",
        [
            {"op": "capture", "event": "$pageview"},
            {"op": "capture", "event": "$pageview"},
            {"op": "identify", "distinct_id": "u"},
        ],
    )
    result = cli("compare", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout)["modes"]
    assert [modes[m]["identified_events"] for m in ("identified_only", "always", "never")] == [
        1,
        3,
        0,
    ]
    assert [modes[m]["anonymous_events"] for m in ("identified_only", "always", "never")] == [
        2,
        0,
        2,
    ]
    assert modes["never"]["features"]["cohorts"] == {"events": 0, "persons": 0}
    assert modes["always"]["features"]["cohorts"] == {"events": 3, "persons": 1}
    text = cli("compare", str(path))
    assert "identified_only" in text.stdout and "unavailable" in text.stdout


def test_check_passes_the_corpus_and_reports_the_first_difference(tmp_path: Path) -> None:
    ok = cli("check", str(ROOT / "identity_model_spec" / "cases"))
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.strip().endswith("passed, 0 failed")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps(
            {
                "id": "wrong-billing",
                "description": "expects a backend event to be anonymous (it is not)",
                "rules": ["SV-29"],
                "script": [{"op": "ingest", "distinct_id": "u", "event": "e"}],
                "expect": {"usage": {"anonymous_events": 1, "identified_events": 0}},
            }
        )
    )
    failed = cli("check", str(wrong))
    assert failed.returncode == 1
    assert "FAIL wrong-billing" in failed.stdout
    assert "report.usage.anonymous_events: expected 1, got 0" in failed.stdout


def test_price_text_and_json() -> None:
    text = cli("price", "--anonymous-events", "5_000_000", "--identified-events", "5,000,000")
    assert text.returncode == 0
    assert "731.50 USD" in text.stdout
    data = json.loads(
        cli(
            "price",
            "--anonymous-events",
            "5000000",
            "--identified-events",
            "5000000",
            "--model",
            "docs_split",
            "--format",
            "json",
        ).stdout
    )
    assert data["total"] == "712.90"
    assert data["currency"] == "USD"
    assert data["model"] == "docs_split"
    assert data["book"] == "posthog-product-analytics-2026"
    assert [(line["name"], line["quantity"], line["amount"]) for line in data["lines"]] == [
        ("Events", 5000000, "152.90"),
        ("Person profiles", 5000000, "560.00"),
    ]


def test_price_with_a_users_own_book(tmp_path: Path) -> None:
    book = tmp_path / "flat.json"
    book.write_text(
        json.dumps(
            {
                "name": "flat",
                "effective_from": "2026-01-01",
                "currency": "EUR",
                "base": [{"up_to": 10, "unit_price": "0"}, {"up_to": None, "unit_price": "0.5"}],
                "addon": [{"up_to": 10, "unit_price": "0"}, {"up_to": None, "unit_price": "0.25"}],
            }
        )
    )
    data = json.loads(
        cli(
            "price",
            "--book",
            str(book),
            "--anonymous-events",
            "11",
            "--identified-events",
            "1",
            "--format",
            "json",
        ).stdout
    )
    assert (data["book"], data["currency"], data["total"]) == ("flat", "EUR", "1.00")
    book.write_text('{"name": "x", "base": [{"up_to": 1, "unit_price": 0.5}]}')
    bad = cli("price", "--book", str(book))
    assert bad.returncode == 2
    assert "invalid_price_book" in bad.stderr


def test_a_100k_line_file_replays_with_summary_from_stdin(tmp_path: Path) -> None:
    lines = []
    for n in range(50_000):
        lines.append(
            json.dumps(
                {
                    "op": "ingest",
                    "distinct_id": f"anon-{n}",
                    "event": "$pageview",
                    "properties": {"$process_person_profile": False},
                }
            )
        )
        lines.append(
            json.dumps(
                {
                    "op": "ingest",
                    "distinct_id": f"user-{n % 1000}",
                    "event": "$identify",
                    "properties": {"$anon_distinct_id": f"anon-{n}"},
                }
            )
        )
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with path.open("rb") as handle:
        result = subprocess.run(
            [sys.executable, "-m", "identity_model", "replay", "-", "--format", "summary"],
            stdin=handle,
            capture_output=True,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""  # no progress bar when stderr is not a terminal
    summary = json.loads(result.stdout)
    assert summary["steps"] == {"applied": 100_000, "ignored": 0, "rejected": 0}
    assert summary["usage"] == {"anonymous_events": 50_000, "identified_events": 50_000}
    assert summary["persons"] == 1000


def test_progress_bar_shows_on_a_terminal_for_big_files(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    path = tmp_path / "big.jsonl"
    line = json.dumps({"op": "ingest", "distinct_id": "u", "event": "e"})
    path.write_text("\n".join([line] * 20_000) + "\n")
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
    assert b"replaying" in shown
    assert json.loads(result.stdout)["steps"]["applied"] == 20_000


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
    result = cli("replay", str(script), "--format", "json")
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


def test_customerio_scripts_replay_in_every_format(tmp_path: Path) -> None:
    lines = [
        {"config": {"vendor": "customerio"}},
        {
            "op": "track",
            "anonymous_id": "a1",
            "event": "viewed",
            "timestamp": "2026-01-01T00:00:00Z",
        },
        {
            "op": "identify",
            "user_id": "u1",
            "anonymous_id": "a1",
            "timestamp": "2026-01-01T00:01:00Z",
        },
        {"op": "track", "anonymous_id": "a1", "event": "late", "timestamp": "2026-01-01T00:06:01Z"},
    ]
    path = write(tmp_path, "cio.jsonl", lines)
    report = json.loads(cli("replay", str(path), "--format", "json").stdout)
    assert [event["merged"] for event in report["events"]] == [True, False]
    assert report["activity"] == [
        {
            "person": "u1",
            "type": "anonymous_data_merged",
            "anonymous_id": "a1",
            "count": 1,
            "oldest_timestamp": 1767225600,
        }
    ]
    text = cli("replay", str(path))
    assert text.returncode == 0
    assert "CIO-01 CIO-02" in text.stdout
    assert "anonymous data merged (1)" in text.stdout
    summary = json.loads(cli("replay", str(path), "--format", "summary").stdout)
    assert summary["usage"] == {"anonymous_events": 2, "identified_events": 0}
    compare = cli("compare", str(path))
    assert compare.returncode == 2
    assert "compare needs a PostHog script" in compare.stderr


def test_vendor_override_rejects_the_other_vendors_operations() -> None:
    result = cli("replay", "--vendor", "customerio", "--format", "summary")
    assert result.returncode == 1
    assert "unknown op 'capture' for vendor customerio" in result.stderr


def test_check_reports_malformed_cases_and_goes_on(tmp_path: Path) -> None:
    """Format extension (#9, #12): extra keys are ignored, a malformed case is an error of
    that case, and a failing case lists every difference."""
    good = {
        "id": "with-a-source",
        "description": "extra keys are not checked",
        "rules": ["SV-29"],
        "source": "rules-server.md SV-29",
        "comment": "anything",
        "script": [{"op": "ingest", "distinct_id": "u", "event": "e"}],
        "expect": {"usage": {"anonymous_events": 0, "identified_events": 1}},
    }
    wrong = {
        **good,
        "id": "two-wrong",
        "expect": {
            "usage": {"anonymous_events": 1, "identified_events": 0},
            "persons": [{"distinct_ids": ["u"], "properties": {"$exact": True, "a": 1}}],
        },
    }
    (tmp_path / "a-good.json").write_text(json.dumps(good))
    (tmp_path / "b-not-json.json").write_text("{")
    (tmp_path / "c-no-expect.json").write_text(
        json.dumps({k: v for k, v in good.items() if k != "expect"})
    )
    (tmp_path / "d-bad-exact.json").write_text(
        json.dumps({**good, "id": "bad-exact", "expect": {"usage": {"$exact": "yes"}}})
    )
    (tmp_path / "e-wrong.json").write_text(json.dumps(wrong))
    result = cli("check", str(tmp_path))
    assert result.returncode == 2  # malformed cases make it a usage error, after the others ran
    lines, errors = result.stdout.splitlines(), result.stderr.splitlines()
    assert "PASS with-a-source" in lines
    assert len(errors) == 3 and all(line.startswith("ERROR ") for line in errors)
    assert any("b-not-json.json: not JSON" in line for line in errors)
    assert any("c-no-expect.json: a case needs the keys expect" in line for line in errors)
    assert any("expect.usage: '$exact' must be true or false" in line for line in errors)
    assert any(line.startswith("FAIL two-wrong") for line in lines)
    assert "  report.usage.anonymous_events: expected 1, got 0" in lines
    assert "  report.usage.identified_events: expected 0, got 1" in lines
    assert "  report.persons[['u']].properties.a: missing" in lines
    assert lines[-1] == "1 passed, 1 failed, 3 malformed"


def test_check_caps_the_differences_of_a_case(tmp_path: Path) -> None:
    case = {
        "id": "many",
        "description": "25 wrong steps",
        "rules": ["SV-29"],
        "script": [{"op": "ingest", "distinct_id": "u", "event": "e"}] * 25,
        "expect": {"steps": [{"outcome": "rejected"}] * 25},
    }
    (tmp_path / "many.json").write_text(json.dumps(case))
    result = cli("check", str(tmp_path / "many.json"))
    assert result.returncode == 1
    assert "FAIL many" in result.stdout
    assert result.stdout.count("expected 'rejected', got 'applied'") == 20
    assert "  ... and 5 more" in result.stdout
