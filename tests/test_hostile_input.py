"""Issue #17: never a traceback, never a wrong number.

Every bad input, fault and misuse gets a code. Each test drives the real command
(``python -m identity_model`` in a subprocess) or the library call, and checks the exit code,
a one-line ``FILE:LINE: code: message`` where a line is at fault, that no ``Traceback`` shows
anywhere, and that every other line is still processed. The expectations come from the issue
and the conformance format, not from the implementation's output.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from identity_model import (
    EMPTY,
    Advance,
    Alias,
    Capture,
    CioIdentify,
    ClientFlavour,
    Code,
    Config,
    CreatePersonProfile,
    Group,
    Identify,
    IdentityError,
    Ingest,
    PersonProfiles,
    PostHogConfig,
    Reset,
    SetPersonProperties,
    Track,
    apply,
    build_report,
    empty_world,
    rules,
    run_objects,
    run_script,
)
from identity_model.io.limits import TooLong, capped_lines
from identity_model_spec.hostile import hostile_scripts

FORMATS = ("text", "json", "summary")
GOOD = '{"op": "capture", "event": "good"}'


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", *args],
        input=stdin,
        capture_output=True,
        check=False,
        env=env,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", "backslashreplace"),
        result.stderr.decode("utf-8", "backslashreplace"),
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stdout


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: NaN and Infinity are not JSON."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in the output is not JSON")

    return json.loads(text, parse_constant=refuse)


def script(tmp_path: Path, *lines: str | bytes, name: str = "s.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(
        b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    )
    return path


def assert_one_rejected_line(
    result: subprocess.CompletedProcess[str], path: Path, line: int, code: str, fmt: str
) -> None:
    """Exit 1, exactly one ``FILE:LINE: code: message`` line, the other lines applied."""
    no_traceback(result)
    assert result.returncode == 1, (fmt, result.stderr[-2000:])
    errors = result.stderr.splitlines()
    assert len(errors) == 1, errors
    assert re.fullmatch(rf"{re.escape(str(path))}:{line}: {code}: \S.*", errors[0]), errors
    if fmt == "summary":
        summary = strict_json(result.stdout)
        assert summary["steps"] == {"applied": 2, "ignored": 0, "rejected": 1}
    elif fmt == "json":
        report = strict_json(result.stdout)
        assert [step["outcome"] for step in report["steps"]] == ["applied", "rejected", "applied"]
        assert [step["line"] for step in report["steps"]] == [1, 2, 3]
        assert report["usage"]["anonymous_events"] + report["usage"]["identified_events"] == 2
    else:
        rows = [row.split() for row in result.stdout.splitlines()]
        outcomes = {row[0]: row[2] for row in rows if len(row) > 2 and row[0].isdigit()}
        assert outcomes == {"1": "applied", "2": "rejected", "3": "applied"}, result.stdout
        assert "usage: 2 anonymous + 0 identified = 2 billed events" in result.stdout


# --- High 3, Medium 6 and Low: one bad line is one rejected step, in every format ----------

_DEEP = 5000  # deeper than Python's recursion limit
HOSTILE_LINES: dict[str, tuple[str, str]] = {
    # name: (line 2 of the script, its code)
    "deep_array": (
        '{"op": "capture", "event": "e", "properties": {"a": ' + "[" * _DEEP + "]" * _DEEP + "}}",
        "limit_exceeded",
    ),
    "deep_object": (
        '{"op": "capture", "event": "e", "properties": '
        + '{"a": ' * _DEEP
        + "1"
        + "}" * _DEEP
        + "}",
        "limit_exceeded",
    ),
    "nesting_past_the_documented_limit": (
        '{"op": "capture", "event": "e", "properties": {"a": ' + "[" * 200 + "]" * 200 + "}}",
        "limit_exceeded",
    ),
    "integer_of_5000_digits": (
        '{"op": "capture", "event": "e", "properties": {"n": ' + "9" * 5000 + "}}",
        "limit_exceeded",
    ),
    "negative_integer_of_5000_digits": (
        '{"op": "ingest", "event": "e", "distinct_id": -' + "9" * 5000 + "}",
        "limit_exceeded",
    ),
    "float_past_the_range": (
        '{"op": "capture", "event": "e", "properties": {"n": 1e999}}',
        "limit_exceeded",
    ),
    "float_below_the_range": (
        '{"op": "capture", "event": "e", "properties": {"n": 1e-400}}',
        "limit_exceeded",
    ),
    "nan": ('{"op": "capture", "event": "e", "properties": {"n": NaN}}', "invalid_operation"),
    "infinity": (
        '{"op": "capture", "event": "e", "properties": {"n": Infinity}}',
        "invalid_operation",
    ),
    "minus_infinity": (
        '{"op": "ingest", "event": "e", "distinct_id": -Infinity}',
        "invalid_operation",
    ),
    "lone_surrogate_in_a_value": ('{"op": "capture", "event": "\\ud800"}', "invalid_operation"),
    "lone_surrogate_in_a_key": (
        '{"op": "capture", "event": "e", "properties": {"\\udfff": 1}}',
        "invalid_operation",
    ),
    "lone_surrogate_in_a_distinct_id": (
        '{"op": "identify", "distinct_id": "user-\\udc00"}',
        "invalid_operation",
    ),
    "duplicate_key": ('{"op": "capture", "event": "a", "event": "b"}', "invalid_operation"),
    "duplicate_nested_key": (
        '{"op": "capture", "event": "a", "properties": {"k": 1, "k": 2}}',
        "invalid_operation",
    ),
    "empty_device": ('{"op": "capture", "event": "e", "device": ""}', "invalid_operation"),
    "timestamp_ending_in_a_newline": (
        '{"op": "capture", "event": "e", "timestamp": "2026-01-01T00:00:00Z\\n"}',
        "invalid_operation",
    ),
    "year_1_with_a_positive_offset": (
        '{"op": "capture", "event": "e", "timestamp": "0001-01-01T00:00:00+01:00"}',
        "invalid_operation",
    ),
    "year_9999_with_a_negative_offset": (
        '{"op": "capture", "event": "e", "timestamp": "9999-12-31T23:59:59-01:00"}',
        "invalid_operation",
    ),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
def test_a_hostile_line_is_one_rejected_step(tmp_path: Path, name: str, fmt: str) -> None:
    line, code = HOSTILE_LINES[name]
    path = script(tmp_path, GOOD, line, GOOD)
    result = run("replay", str(path), "--format", fmt)
    assert_one_rejected_line(result, path, 2, code, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_timestamp_after_the_last_second_of_the_calendar(tmp_path: Path, fmt: str) -> None:
    path = script(
        tmp_path,
        '{"op": "capture", "event": "good", "timestamp": "9999-12-31T23:59:59Z"}',
        '{"op": "capture", "event": "defaulted"}',
        '{"op": "capture", "event": "good", "timestamp": "2026-01-01T00:00:00Z"}',
    )
    result = run("replay", str(path), "--format", fmt)
    assert_one_rejected_line(result, path, 2, "invalid_operation", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_edges_of_the_calendar_replay_in_every_vendor(tmp_path: Path, fmt: str) -> None:
    """The first and the last second (UTC) are valid times: rules that add a window to a time
    must not overflow on them (the grace minute SV-26, the merge window CIO-04)."""
    last, first = "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"
    posthog = script(
        tmp_path,
        f'{{"op": "ingest", "distinct_id": "u", "event": "$identify", "timestamp": "{first}"}}',
        f'{{"op": "ingest", "distinct_id": "u", "event": "$identify", "timestamp": "{last}"}}',
        f'{{"op": "ingest", "distinct_id": "v", "event": "$identify", "timestamp": "{last}"}}',
        '{"op": "ingest", "distinct_id": "v", "event": "e", "timestamp": "9999-12-31T23:59:59Z",'
        ' "properties": {"$process_person_profile": false}}',
        name="posthog.jsonl",
    )
    customerio = script(
        tmp_path,
        '{"config": {"vendor": "customerio"}}',
        f'{{"op": "identify", "user_id": "u", "anonymous_id": "a", "timestamp": "{last}"}}',
        f'{{"op": "track", "anonymous_id": "a", "event": "e", "timestamp": "{last}"}}',
        f'{{"op": "advance", "timestamp": "{last}"}}',
        name="customerio.jsonl",
    )
    for path in (posthog, customerio):
        result = run("replay", str(path), "--format", fmt)
        no_traceback(result)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


def test_a_line_longer_than_64_mib_is_one_rejected_step(tmp_path: Path) -> None:
    long_line = b'{"op": "capture", "event": "' + b"x" * (64 * 1024 * 1024) + b'"}'
    path = script(tmp_path, GOOD, long_line, GOOD)
    result = run("replay", str(path), "--format", "summary")
    assert_one_rejected_line(result, path, 2, "limit_exceeded", "summary")
    assert "64 MiB" in result.stderr


@pytest.mark.parametrize("limit", [1, 5, 8])
def test_lines_are_capped_at_the_limit_and_never_held_whole(limit: int) -> None:
    """A line of ``limit`` bytes (its newline not counted) is read; one byte more is not."""
    data = b"a" * limit + b"\n" + b"b" * (limit + 1) + b"\n" + b"c" * (3 * limit + 7) + b"\nd"
    lines = list(capped_lines(io.BytesIO(data), limit))
    assert lines[0] == b"a" * limit + b"\n"
    assert isinstance(lines[1], TooLong) and lines[1].size == limit + 2
    assert isinstance(lines[2], TooLong) and lines[2].size == 3 * limit + 8
    assert lines[3:] == [b"d"]
    (unterminated,) = capped_lines(io.BytesIO(b"x" * (limit + 1)), limit)
    assert isinstance(unterminated, TooLong) and unterminated.size == limit + 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_values_within_the_limits_are_kept_exactly(tmp_path: Path, fmt: str) -> None:
    """Never a wrong number: the largest integer and float, deep nesting and astral characters
    that a line may hold come back out unchanged."""
    big = int("9" * 4300)
    nested: Any = "bottom"
    for _ in range(100):
        nested = {"n": nested}
    properties = {"big": -big, "float": 1.7976931348623157e308, "nested": nested, "emoji": "😀"}
    path = script(
        tmp_path,
        json.dumps({"op": "identify", "distinct_id": "u", "set": properties}),
        json.dumps({"op": "capture", "event": "😀", "properties": {"pair": "\ud83d\ude00"}}),
        name="ok.jsonl",
    )
    result = run("replay", str(path), "--format", fmt)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        (person,) = strict_json(result.stdout)["persons"]
        assert {key: person["properties"][key] for key in properties} == properties
    elif fmt == "text":
        assert "-" + "9" * 4300 in result.stdout


# --- High 1: nested objects in the text output ------------------------------------------------


def test_text_replay_prints_nested_object_person_properties() -> None:
    line = '{"op":"identify","distinct_id":"u","set":{"address":{"city":"Paris","zip":[75001]}}}'
    result = run("replay", "-", stdin=line.encode())
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert 'address = {"city": "Paris", "zip": [75001]}' in result.stdout


# --- High 2: compare - reads standard input once ---------------------------------------------


def test_compare_of_stdin_equals_compare_of_the_file(tmp_path: Path) -> None:
    lines = [
        '{"op": "capture", "event": "$pageview"}',
        '{"op": "identify", "distinct_id": "u"}',
        '{"op": "capture", "event": "clicked"}',
    ]
    path = script(tmp_path, *lines)
    from_file = run("compare", str(path), "--format", "json")
    from_stdin = run("compare", "-", "--format", "json", stdin=path.read_bytes())
    assert from_file.returncode == from_stdin.returncode == 0
    assert strict_json(from_stdin.stdout)["modes"] == strict_json(from_file.stdout)["modes"]
    assert strict_json(from_stdin.stdout)["modes"]["always"]["identified_events"] == 3


# --- High 4 and Low: faults of standard output and input, for every command -------------------

COMMANDS: dict[str, tuple[str, ...]] = {
    "replay_text": ("replay",),
    "replay_json": ("replay", "--format", "json"),
    "replay_summary": ("replay", "--format", "summary"),
    "example": ("example",),
    "explain": ("explain",),
    "compare": ("compare", "{example}"),
    "check": ("check", "{cases}"),
    "price": ("price", "--anonymous-events", "5000000"),
    "help": ("replay", "--help"),
    "compare_vendors": ("compare", "--vendors", "posthog,segment", "{example}"),
    "import": ("import", "--from", "posthog", "{export}"),
}


def _command(name: str, tmp_path: Path) -> list[str]:
    example = tmp_path / "example.jsonl"
    if not example.exists():
        example.write_text(run("example").stdout)
    cases = (
        Path(__file__).parents[1]
        / "identity_model_spec"
        / "cases"
        / "sv-01-fallback-and-missing.json"
    )
    export = Path(__file__).parent / "fixtures" / "importers" / "posthog-events.jsonl"
    return [part.format(example=example, cases=cases, export=export) for part in COMMANDS[name]]


def _shell(command: list[str], redirect: str) -> subprocess.CompletedProcess[str]:
    """The command under ``sh`` with a redirection such as ``>/dev/full`` or ``>&-``."""
    quoted = " ".join(f"'{part}'" for part in [sys.executable, "-m", "identity_model", *command])
    result = subprocess.run(["sh", "-c", f"{quoted} {redirect}"], capture_output=True, check=False)
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_unwritable_stdout_is_one_line_and_exit_2(
    tmp_path: Path, name: str, redirect: str
) -> None:
    result = _shell(_command(name, tmp_path), redirect)
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 1, errors
    assert errors[0].startswith("identity-model: io_error: "), errors


@pytest.mark.parametrize("command", [("replay", "-"), ("compare", "-")])
def test_a_closed_stdin_is_one_line_and_exit_2(command: tuple[str, ...]) -> None:
    result = _shell(list(command), "<&-")
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("identity-model: io_error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_closed_stdin_does_not_matter_when_it_is_not_read(tmp_path: Path, name: str) -> None:
    result = _shell(_command(name, tmp_path), "<&-")
    no_traceback(result)
    assert result.returncode == _shell(_command(name, tmp_path), "").returncode, result.stderr
    assert "io_error" not in result.stderr


def test_a_broken_pipe_exits_as_a_broken_pipe_and_keeps_the_rejected_lines(
    tmp_path: Path,
) -> None:
    # The bad line comes first: it is read (and reported) before the reader goes away.
    path = script(tmp_path, '{"op": "nope"}', *[GOOD] * 20000)
    process = subprocess.Popen(
        [sys.executable, "-m", "identity_model", "replay", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # the reader goes away, as `| head -1` does
    stderr = process.stderr.read().decode()
    returncode = process.wait()
    assert "Traceback" not in stderr
    assert returncode in (-13, 141), (returncode, stderr)  # killed by SIGPIPE, or 128 + 13
    assert stderr.startswith(f"{path}:1: invalid_operation: "), stderr


# --- Medium 5: check ------------------------------------------------------------------------

CASE = {
    "id": "one",
    "description": "a plain identified event",
    "rules": ["SV-10"],
    "script": [{"op": "ingest", "distinct_id": "u", "event": "e"}],
    "expect": {"usage": {"anonymous_events": 0, "identified_events": 1}},
}

BAD_CASE_FILES: dict[str, bytes] = {
    "not_utf8": b'{"id": "\xff"}',
    "rules_is_a_number": json.dumps({**CASE, "rules": 5}).encode(),
    "rules_is_null": json.dumps({**CASE, "rules": None}).encode(),
    "persons_of_numbers": json.dumps({**CASE, "expect": {"persons": [5]}}).encode(),
    "deeply_nested": json.dumps({**CASE, "description": "x"})
    .replace('"x"', "[" * _DEEP + "]" * _DEEP)
    .encode(),
    "huge_integer": json.dumps({**CASE, "description": "x"}).replace('"x"', "9" * 5000).encode(),
    "nan": json.dumps({**CASE, "description": "x"}).replace('"x"', "NaN").encode(),
}


@pytest.mark.parametrize("name", sorted(BAD_CASE_FILES))
def test_check_refuses_a_bad_case_file_in_one_line(tmp_path: Path, name: str) -> None:
    bad = tmp_path / f"{name}.json"
    bad.write_bytes(BAD_CASE_FILES[name])
    result = run("check", str(bad))
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and str(bad) in errors[0], errors


def test_check_refuses_an_unreadable_case_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "case.json").write_text(json.dumps(CASE))
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere")  # listed, cannot be read
    result = run("check", str(tmp_path))
    no_traceback(result)
    assert result.returncode == 2
    (error,) = result.stderr.splitlines()
    assert "gone.json: cannot read" in error


ADAPTERS = """
def raises(script):
    raise RuntimeError("boom")

def returns_garbage(script):
    return 5

def returns_garbage_persons(script):
    return {"persons": [5, {"distinct_ids": [[1]]}], "usage": {}}

def wrong_signature():
    return {}

raise_at_import = False

from identity_model.conformance import run as good
"""


@pytest.mark.parametrize("adapter", ["raises", "returns_garbage", "returns_garbage_persons"])
def test_check_counts_a_failing_adapter_as_one_fail_per_case(tmp_path: Path, adapter: str) -> None:
    (tmp_path / "adapters.py").write_text(ADAPTERS)
    cases = tmp_path / "cases"
    cases.mkdir()
    for index in range(2):
        (cases / f"c{index}.json").write_text(json.dumps({**CASE, "id": f"case-{index}"}))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "identity_model",
            "check",
            str(cases),
            "--impl",
            f"adapters:{adapter}",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # the current directory is importable, as with pytest
        check=False,
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1, result.stderr
    assert [line.split()[:2] for line in result.stdout.splitlines() if line[:4] == "FAIL"] == [
        ["FAIL", "case-0"],
        ["FAIL", "case-1"],
    ]
    assert "0 passed, 2 failed" in result.stdout


@pytest.mark.parametrize(
    ("impl", "message"),
    [
        ("adapters:wrong_signature", "cannot be called with one argument"),
        ("broken_module:run", "cannot import 'broken_module': it raised RuntimeError"),
        ("adapters:nothing_here", "is not a callable adapter"),
    ],
)
def test_check_refuses_an_adapter_it_cannot_call_in_one_line(
    tmp_path: Path, impl: str, message: str
) -> None:
    (tmp_path / "adapters.py").write_text(ADAPTERS)
    (tmp_path / "broken_module.py").write_text("raise RuntimeError('at import')\n")
    (tmp_path / "case.json").write_text(json.dumps(CASE))
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", "check", "case.json", "--impl", impl],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr
    (error,) = result.stderr.splitlines()
    assert message in error, error


def test_check_imports_an_adapter_from_the_current_directory(tmp_path: Path) -> None:
    """As the installed command (``python -m`` puts the current directory on the path)."""
    (tmp_path / "adapters.py").write_text(ADAPTERS)
    (tmp_path / "case.json").write_text(json.dumps(CASE))
    command = Path(sys.executable).parent / "identity-model"
    result = subprocess.run(
        [str(command), "check", "case.json", "--impl", "adapters:good"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 passed, 0 failed" in result.stdout


@pytest.mark.parametrize(
    "impl",
    ["", ":", ":run", "identity_model.conformance:", "a b:c", "identity_model..x:run", "m:f:g"],
)
def test_check_refuses_an_empty_impl_in_one_line(impl: str) -> None:
    cases = (
        Path(__file__).parents[1]
        / "identity_model_spec"
        / "cases"
        / "sv-01-fallback-and-missing.json"
    )
    result = run("check", str(cases), "--impl", impl)
    no_traceback(result)
    if impl == "identity_model.conformance:":  # the function defaults to run
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- Medium 7 and Low: settings are checked before the first line is replayed ---------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_free_allowance_that_does_not_fit_the_book_is_refused_first(
    tmp_path: Path, fmt: str
) -> None:
    path = script(tmp_path, '{"config": {"free_events_per_month": 5000000}}', GOOD)
    result = run("replay", str(path), "--format", fmt)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stdout == ""  # nothing replayed, nothing printed
    (error,) = result.stderr.splitlines()
    assert error.startswith(f"{path}:1: invalid_price_book: "), error


@pytest.mark.parametrize(
    "args", [("replay", "--format", fmt) for fmt in FORMATS] + [("compare", "{example}")]
)
def test_an_unknown_book_is_refused_before_anything_is_replayed(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    example = tmp_path / "example.jsonl"
    example.write_text(run("example").stdout)
    result = run(*[part.format(example=example) for part in args], "--book", "nosuch")
    no_traceback(result)
    assert result.returncode == 2
    assert result.stdout == ""
    (error,) = result.stderr.splitlines()
    assert "invalid_price_book" in error and "nosuch" in error


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rejected_config_line_rejects_the_run(tmp_path: Path, fmt: str) -> None:
    path = script(tmp_path, '{"config": {"person_profiles": "sometimes"}}', GOOD, GOOD)
    result = run("replay", str(path), "--format", fmt)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stdout == ""  # never the script under the defaults
    (error,) = result.stderr.splitlines()
    assert error.startswith(f"{path}:1: invalid_operation: config: "), error
    assert "sometimes" in error


# --- Low: a byte order mark ---------------------------------------------------------------


def test_a_leading_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    operation = script(tmp_path, "\ufeff" + GOOD, GOOD, name="op.jsonl")
    result = run("replay", str(operation), "--format", "summary")
    assert result.returncode == 0, result.stderr
    assert strict_json(result.stdout)["steps"]["applied"] == 2
    config = script(
        tmp_path, '\ufeff{"config": {"person_profiles": "always"}}', GOOD, name="config.jsonl"
    )
    result = run("replay", str(config), "--format", "summary")
    assert result.returncode == 0, result.stderr
    usage = strict_json(result.stdout)["usage"]
    assert usage == {"anonymous_events": 0, "identified_events": 1}  # the config line held
    comment = script(tmp_path, "\ufeff// a comment first", GOOD, name="comment.jsonl")
    result = run("replay", str(comment))
    assert result.returncode == 0, result.stderr
    assert "       // a comment first\n" in result.stdout
    assert "\ufeff" not in result.stdout and "\\ufeff" not in result.stdout


def test_a_byte_order_mark_after_line_1_is_a_bad_line(tmp_path: Path) -> None:
    path = script(tmp_path, GOOD, "\ufeff" + GOOD, GOOD)
    assert_one_rejected_line(
        run("replay", str(path), "--format", "summary"), path, 2, "invalid_operation", "summary"
    )


# --- Low: price arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "count",
    ["99999999999999999999999999999999", "1,000,00", "1,0000", ",100", "1__0", "1e6", "1.5", ""],
)
def test_price_refuses_a_count_it_cannot_read_exactly(count: str) -> None:
    result = run("price", "--anonymous-events", count)
    no_traceback(result)
    assert result.returncode == 2
    assert "--anonymous-events" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("count", "events"),
    [("1,000,000", "1,000,000"), ("1_000_000", "1,000,000"), ("1000000", "1,000,000")],
)
def test_price_reads_thousands_separators(count: str, events: str) -> None:
    result = run("price", "--anonymous-events", count)
    assert result.returncode == 0, result.stderr
    assert f"{events} events" in result.stdout


@pytest.mark.parametrize(
    "amount", ["1e999999", "1e-999999", "NaN", "Infinity", "-0.05", "1_0", "0x10", "", "1" * 10]
)
def test_price_refuses_a_unit_price_it_cannot_hold_exactly(amount: str) -> None:
    result = run(
        "price", "--vendor", "amplitude", "--plan", "plus", "--purchased-mtus", "1",
        "--mtu", "5", "--unit-price", amount,
    )  # fmt: skip
    no_traceback(result)
    assert result.returncode == 2, result.stdout
    assert "--unit-price" in result.stderr
    assert result.stdout == ""


def test_price_refuses_more_than_it_can_price_exactly() -> None:
    most = run("price", "--anonymous-events", "1_000_000_000_000_000", "--format", "json")
    assert most.returncode == 0, most.stderr
    both = run(
        "price",
        "--anonymous-events",
        "1_000_000_000_000_000",
        "--identified-events",
        "1",
    )
    no_traceback(both)
    assert both.returncode == 2
    (error,) = both.stderr.splitlines()
    assert error.startswith("identity-model: limit_exceeded: "), error


@pytest.mark.parametrize(
    "content",
    [
        b"[" * _DEEP + b"]" * _DEEP,
        b'{"name": "x", "currency": NaN}',
        b'{"name": "x", "name": "y"}',
        b'{"name": "\xff"}',
        b'{"n": ' + b"9" * 5000 + b"}",
    ],
    ids=["deep", "nan", "duplicate_key", "not_utf8", "huge_integer"],
)
def test_a_hostile_price_book_is_one_line_and_exit_2(tmp_path: Path, content: bytes) -> None:
    book = tmp_path / "book.json"
    book.write_bytes(content)
    for args in (("price", "--anonymous-events", "5"), ("replay", "--format", "summary")):
        result = run(*args, "--book", str(book))
        no_traceback(result)
        assert result.returncode == 2, result.stderr
        (error,) = result.stderr.splitlines()
        assert error.startswith(f"identity-model: invalid_price_book: {book}: "), error
        assert result.stdout == ""


# --- Low: what text output prints ---------------------------------------------------------------


def test_text_output_escapes_control_characters_and_ansi_escapes() -> None:
    lines = [
        {"op": "identify", "distinct_id": "u\x1b[31mred\x07", "set": {"k\r": "\x1b[2J"}},
        {"op": "capture", "event": "e\x00\n\x9b\u202e"},
        {"op": "capture", "event": "\x1b]0;title\x07", "colour": 1},  # rejected: message too
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in lines).encode()
    for args in (("replay", "-"), ("replay", "-", "--explain")):
        result = run(*args, stdin=stdin)
        no_traceback(result)
        assert result.returncode == 1, result.stderr
        unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
        assert not unsafe.search(result.stdout), result.stdout
        assert not unsafe.search(result.stderr), result.stderr
        assert "u\\x1b[31mred\\x07" in result.stdout
        assert "e\\x00\\x0a\\x9b\\u202e" in result.stdout


@pytest.mark.parametrize("encoding", ["ascii:strict", "latin-1:strict"])
def test_a_strict_narrow_stdout_does_not_crash(encoding: str) -> None:
    env = {**_environ(), "PYTHONIOENCODING": encoding}
    line = json.dumps({"op": "identify", "distinct_id": "José ☃ 😀"})
    for args in (("replay",), ("replay", "-"), ("replay", "-", "--format", "json")):
        result = run(*args, stdin=line.encode(), env=env)
        no_traceback(result)
        assert result.returncode == 0, result.stderr


def _environ() -> dict[str, str]:
    import os  # noqa: PLC0415

    return dict(os.environ)


# --- Medium 8, 9: operation values validate their fields when built ---------------------------

NOW = datetime(2026, 1, 1, tzinfo=UTC)
NAIVE = datetime(2026, 1, 31, 23, 30)

MISUSE: dict[str, Callable[[], object]] = {
    "ingest_naive_timestamp": lambda: Ingest(distinct_id="u", event="e", timestamp=NAIVE),
    "ingest_no_timestamp": lambda: Ingest(distinct_id="u", event="e", timestamp=None),  # type: ignore[arg-type]
    "ingest_event_not_a_string": lambda: Ingest(distinct_id="u", event=123, timestamp=NOW),  # type: ignore[arg-type]
    "ingest_properties_a_list": lambda: Ingest(
        distinct_id="u",
        event="e",
        timestamp=NOW,
        properties=[1],  # type: ignore[arg-type]
    ),
    "ingest_distinct_id_not_json": lambda: Ingest(distinct_id=object(), event="e", timestamp=NOW),  # type: ignore[arg-type]
    "ingest_timestamp_a_string": lambda: Ingest(
        distinct_id="u",
        event="e",
        timestamp="2026-01-01T00:00:00Z",  # type: ignore[arg-type]
    ),
    "capture_device_none": lambda: Capture(event="e", timestamp=NOW, device=None),  # type: ignore[arg-type]
    "capture_device_empty": lambda: Capture(event="e", timestamp=NOW, device=""),
    "capture_naive": lambda: Capture(event="e", timestamp=NAIVE),
    "capture_anonymous_id_a_number": lambda: Capture(event="e", timestamp=NOW, anonymous_id=5),  # type: ignore[arg-type]
    "identify_set_a_string": lambda: Identify(distinct_id="u", timestamp=NOW, set="x"),  # type: ignore[arg-type]
    "alias_naive": lambda: Alias(alias="a", timestamp=NAIVE),
    "reset_flag_a_string": lambda: Reset(timestamp=NOW, reset_device_id="false"),  # type: ignore[arg-type]
    "group_type_none": lambda: Group(group_type=None, group_key="k", timestamp=NOW),  # type: ignore[arg-type]
    "set_person_properties_naive": lambda: SetPersonProperties(timestamp=NAIVE, set={"a": 1}),
    "create_person_profile_device_none": lambda: CreatePersonProfile(timestamp=NOW, device=None),  # type: ignore[arg-type]
    "track_both_ids": lambda: Track(event="e", timestamp=NOW, anonymous_id="a", user_id="u"),
    "track_no_id": lambda: Track(event="e", timestamp=NOW),
    "track_empty_user_id": lambda: Track(event="e", timestamp=NOW, user_id=""),
    "track_naive": lambda: Track(event="e", timestamp=NAIVE, user_id="u"),
    "cio_identify_empty_user_id": lambda: CioIdentify(user_id="", timestamp=NOW),
    "cio_identify_user_id_none": lambda: CioIdentify(user_id=None, timestamp=NOW),  # type: ignore[arg-type]
    "advance_naive": lambda: Advance(timestamp=NAIVE),
    "config_bogus_vendor": lambda: empty_world(Config(vendor="bogus")),
    "config_bogus_mode": lambda: PostHogConfig(person_profiles="sometimes"),  # type: ignore[arg-type]
    "config_bogus_client": lambda: PostHogConfig(client="tv"),  # type: ignore[arg-type]
    "config_negative_allowance": lambda: PostHogConfig(free_events_per_month=-1),
    "config_allowance_a_bool": lambda: PostHogConfig(free_events_per_month=True),
    "apply_none": lambda: apply(EMPTY, None),  # type: ignore[arg-type]
    "apply_a_dict": lambda: apply(EMPTY, {"op": "capture"}),  # type: ignore[arg-type]
    "apply_to_no_world": lambda: apply(None, Advance(timestamp=NOW)),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_library_misuse_raises_the_typed_error_with_its_code(name: str) -> None:
    with pytest.raises(IdentityError) as raised:
        MISUSE[name]()
    assert raised.value.code is Code.INVALID_OPERATION
    assert raised.value.message


def test_aware_times_in_any_zone_bill_the_same_utc_month() -> None:
    """The same instant in two zones is one month (PR-06): only naive times were ambiguous."""
    instant = datetime(2026, 2, 1, 7, 30, tzinfo=UTC)
    pacific = instant.astimezone(timezone(timedelta(hours=-8)))
    months = []
    for timestamp in (instant, pacific):
        outcome = apply(EMPTY, Ingest(distinct_id="u", event="e", timestamp=timestamp))
        assert outcome.event is not None
        months.append(outcome.event.timestamp.astimezone(UTC).strftime("%Y-%m"))
    assert months == ["2026-02", "2026-02"]


def test_config_settings_given_as_strings_are_the_settings() -> None:
    """A string setting is coerced, never silently a different mode (a wrong number)."""
    config = PostHogConfig(person_profiles="always", client="mobile")  # type: ignore[arg-type]
    assert config.person_profiles is PersonProfiles.ALWAYS
    assert config.client is ClientFlavour.MOBILE
    by_string = apply(
        empty_world(PostHogConfig(person_profiles="always")),  # type: ignore[arg-type]
        Capture(event="e", timestamp=NOW),
    )
    by_enum = apply(
        empty_world(PostHogConfig(person_profiles=PersonProfiles.ALWAYS)),
        Capture(event="e", timestamp=NOW),
    )
    assert by_string.status.value == by_enum.status.value == "applied"
    assert by_string.world.usage == by_enum.world.usage
    assert by_string.world.usage.identified_events == 1  # "always": the capture is identified


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (float("nan"), Code.INVALID_OPERATION),
        (float("inf"), Code.INVALID_OPERATION),
        ("\ud800", Code.INVALID_OPERATION),
        (10**5000, Code.LIMIT_EXCEEDED),
        ({1: "x"}, Code.INVALID_OPERATION),
        ({1, 2}, Code.INVALID_OPERATION),
    ],
    ids=["nan", "inf", "lone_surrogate", "huge_int", "int_key", "set"],
)
def test_scripts_given_as_objects_refuse_what_no_json_line_holds(value: Any, code: Code) -> None:
    """``run_objects`` (the adapter path) rejects the line, as a script file would."""
    deep: Any = 1
    for _ in range(200):
        deep = [deep]
    script_objects = [
        {"op": "capture", "event": "good"},
        {"op": "capture", "event": "e", "properties": {"v": value}},
        {"op": "capture", "event": "e", "properties": {"v": deep}},
        {"op": "capture", "event": "good"},
    ]
    result = run_objects(script_objects)
    assert [record.status.value for record in result.records] == [
        "applied",
        "rejected",
        "rejected",
        "applied",
    ]
    assert result.records[1].codes == (code,)
    assert result.records[2].codes == (Code.LIMIT_EXCEEDED,)


# --- Medium 10: rules() ---------------------------------------------------------------------


def test_rules_is_a_read_only_view() -> None:
    table = rules()
    assert "SV-14" in table
    with pytest.raises((TypeError, AttributeError)):
        table.clear()  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        table["SV-14"] = table["SV-10"]  # type: ignore[index]
    assert rules()["SV-14"].id == "SV-14"


# --- the fuzz test: hostile scripts through the library and the command ---------------------


@given(hostile_scripts())
def test_hostile_scripts_replay_to_strict_json_with_a_code_per_rejected_line(
    lines: list[str],
) -> None:
    """Every line that is not blank, a comment or the config line is one step; every rejected
    step has a code; the report is strict JSON and encodes as UTF-8 (never a wrong value)."""
    result = run_script(lines)
    report = build_report(result.records, result.world)
    text = json.dumps(report, allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogate survived
    for record in result.records:
        if record.status.value == "rejected":
            assert record.codes and all(isinstance(code, Code) for code in record.codes)
            assert record.message.strip(), record  # FILE:LINE: code: message says why
    steps = [
        number
        for number, line in enumerate(lines, start=1)
        if (stripped := line.strip().lstrip("\ufeff" if number == 1 else "").strip())
        and not stripped.startswith("//")
    ]
    recorded = [record.line for record in result.records]
    if steps and recorded[:1] != steps[:1]:  # only a config line on the first step's line
        assert '"config"' in lines[steps[0] - 1]
        steps = steps[1:]
    assert recorded == steps


COMMAND_FORMATS = [
    ("replay", "--format", "text"),
    ("replay", "--format", "text", "--explain"),
    ("replay", "--format", "json"),
    ("replay", "--format", "summary"),
    ("compare", "--format", "text"),
    ("compare", "--format", "json"),
    ("compare", "--vendors", "posthog,mixpanel,amplitude,segment"),
]
_LOCATED = re.compile(r"(?P<file>.+):(?P<line>[0-9]+): (?P<code>[a-z_]+(,[a-z_]+)*)(: \S| \().*")


def _main_in_process(argv: list[str]) -> tuple[int, str, str]:
    """``identity-model ARGV`` in this process, on strict UTF-8 byte streams."""
    from identity_model.cli import main  # noqa: PLC0415 (the command, wherever it lives)

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(argv)
        out.flush()
        err.flush()
    finally:
        sys.stdout, sys.stderr = saved
    return (
        code,
        out.buffer.getvalue().decode("utf-8"),  # type: ignore[attr-defined]
        err.buffer.getvalue().decode("utf-8"),  # type: ignore[attr-defined]
    )


@given(hostile_scripts())
def test_hostile_scripts_through_every_command_and_format(lines: list[str]) -> None:
    """The fuzz test of the command: every format, text included, on strict UTF-8 streams."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        for args in COMMAND_FORMATS:
            code, out, err = _main_in_process([args[0], str(path), *args[1:]])
            assert code in (0, 1, 2), (args, code)
            errors = err.splitlines()
            if code == 2:
                assert out == "" and len(errors) == 1, (args, errors)
            else:
                assert all(_LOCATED.fullmatch(error) for error in errors), (args, errors)
                assert (code == 1) == bool(errors), (args, code, errors)
            if args[-1] in ("json", "summary") and code != 2:
                strict_json(out)
            else:  # text: nothing that acts on a terminal
                assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), (args, out)


# --- the Dask engine reads with the same reader: the same refusals -----------------------------


def test_the_dask_engine_rejects_hostile_lines_as_the_local_engine_does(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    names = ["deep_array", "integer_of_5000_digits", "nan", "lone_surrogate_in_a_value"]
    lines = [GOOD, *(HOSTILE_LINES[name][0] for name in names), "\ufeff" + GOOD, GOOD]
    path = script(tmp_path, *lines)
    local = run("replay", str(path), "--format", "summary")
    dask = run("replay", str(path), "--format", "summary", "--engine", "dask", "--workers", "1")
    no_traceback(dask)
    assert dask.returncode == local.returncode == 1

    def located(stderr: str) -> list[str]:  # a loaded machine adds Dask's own warnings
        return [line for line in stderr.splitlines() if line.startswith(f"{path}:")]

    assert located(dask.stderr) == located(local.stderr) == local.stderr.splitlines()
    assert len(located(dask.stderr)) == len(names) + 1  # and the BOM after line 1
    assert strict_json(dask.stdout) == strict_json(local.stdout)
    refused = script(tmp_path, '{"config": {"person_profiles": "sometimes"}}', GOOD, name="r")
    result = run("replay", str(refused), "--format", "json", "--engine", "dask", "--workers", "1")
    no_traceback(result)
    assert result.returncode == 2 and result.stdout == ""
    assert f"{refused}:1: invalid_operation: config: " in result.stderr, result.stderr


# --- vendors' exports (#13) are read with the same limits ---------------------------------------

_RECORD = '{"event": "e", "distinct_id": "u", "timestamp": "2024-01-01T10:00:00Z", "properties": '


@pytest.mark.parametrize(
    "record",
    [
        _RECORD + "[" * _DEEP + "]" * _DEEP + "}",
        _RECORD + '{"n": ' + "9" * 5000 + "}}",
        _RECORD + '{"n": NaN}}',
        _RECORD + '{"n": 1}, "event": "twice"}',
        _RECORD + '{"s": "\\ud800"}}',
    ],
    ids=["deep", "huge_integer", "nan", "duplicate_key", "lone_surrogate"],
)
def test_a_hostile_export_record_is_one_problem_record(tmp_path: Path, record: str) -> None:
    good = _RECORD + "{}}"
    export = script(tmp_path, good, record, good, name="export.jsonl")
    for args in (
        ("replay", "--from", "posthog", str(export), "--format", "summary"),
        ("import", "--from", "posthog", str(export)),
    ):
        result = run(*args)
        no_traceback(result)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stdout
        if args[0] == "replay":
            assert strict_json(result.stdout)["steps"]["applied"] == 2
