"""Reading scripts: every bad line is a rejected step with a code and its line number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity_model import (
    BadLine,
    Code,
    IdentityError,
    Ingest,
    ScriptOp,
    ScriptReader,
    parse_timestamp,
)
from identity_model.vendors.posthog.config import PersonProfiles


def read(*lines: str) -> list[ScriptOp | BadLine]:
    return list(ScriptReader().read(lines))


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"event": "e"}', '"op"'),
        ('{"op": "teleport"}', "unknown op"),
        (
            '{"op": "ingest", "distinct_id": "u", "event": "e", "extra": 1}',
            "unknown key(s) 'extra'",
        ),
        ('{"op": "ingest", "distinct_id": "u"}', "'event' is required"),
        ('{"op": "ingest", "distinct_id": "u", "event": 5}', "'event' must be a string"),
        (
            '{"op": "ingest", "distinct_id": "u", "event": "e", "properties": []}',
            "must be an object",
        ),
        (
            '{"op": "ingest", "distinct_id": "u", "event": "e", "timestamp": "2026-01-01"}',
            "RFC 3339",
        ),
        ('{"op": "capture", "event": "e", "device": 3}', "'device' must be a string"),
        ('{"op": "reset", "reset_device_id": "yes"}', "true or false"),
    ],
)
def test_bad_lines_are_rejected_with_code_and_line(line: str, needle: str) -> None:
    items = read('{"op": "ingest", "distinct_id": "u", "event": "ok"}', "", line)
    assert isinstance(items[0], ScriptOp)
    bad = items[1]
    assert isinstance(bad, BadLine)
    assert bad.line == 3
    assert bad.code is Code.INVALID_OPERATION
    assert needle in bad.message


def test_blank_comment_and_config_lines_make_no_step_but_count() -> None:
    reader = ScriptReader()
    items = list(
        reader.read(
            [
                "// a comment",
                '{"config": {"person_profiles": "always"}}',
                "",
                '{"op": "ingest", "distinct_id": "u", "event": "e"}',
            ]
        )
    )
    assert [item.line for item in items] == [4]
    assert reader.config.person_profiles is PersonProfiles.ALWAYS


def test_config_line_after_an_operation_is_rejected() -> None:
    items = read('{"op": "ingest", "distinct_id": "u", "event": "e"}', '{"config": {}}')
    assert isinstance(items[1], BadLine)
    assert items[1].line == 2
    assert "first line" in items[1].message


def test_bad_config_is_a_rejected_step() -> None:
    items = read('{"config": {"person_profiles": "sometimes"}}')
    assert isinstance(items[0], BadLine)
    assert items[0].line == 1


def test_cli_overrides_win_over_the_config_line() -> None:
    reader = ScriptReader({"person_profiles": PersonProfiles.NEVER})
    list(reader.read(['{"config": {"person_profiles": "always", "free_events_per_month": 5}}']))
    assert reader.config.person_profiles is PersonProfiles.NEVER
    assert reader.config.free_events_per_month == 5


def test_omitted_timestamps_step_one_second_from_the_previous_line() -> None:
    items = read(
        '{"op": "ingest", "distinct_id": "u", "event": "a"}',
        "garbage",
        '{"op": "ingest", "distinct_id": "u", "event": "b", "timestamp": "2026-05-01T10:00:00+02:00"}',  # noqa: E501
        '{"op": "ingest", "distinct_id": "u", "event": "c"}',
    )
    times = [item.op.timestamp for item in items if isinstance(item, ScriptOp)]
    assert times == [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 5, 1, 8, tzinfo=UTC),
        datetime(2026, 5, 1, 8, 0, 1, tzinfo=UTC),
    ]


def test_parsed_operations_are_deeply_frozen() -> None:
    (item,) = read(
        '{"op": "ingest", "distinct_id": "u", "event": "e", "properties": {"$set": {"a": [1]}}}'
    )
    assert isinstance(item, ScriptOp)
    assert isinstance(item.op, Ingest)
    with pytest.raises(TypeError):
        item.op.properties["$set"]["a"] = 2  # type: ignore[index]
    assert item.op.properties["$set"] == {"a": (1,)}


@pytest.mark.parametrize("text", ["2026-01-01T00:00:00", "yesterday", "2026-13-01T00:00:00Z", 5])
def test_parse_timestamp_refuses_non_rfc3339(text: object) -> None:
    with pytest.raises(IdentityError) as error:
        parse_timestamp(text)
    assert error.value.code is Code.INVALID_OPERATION


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
    ),
    st.integers(min_value=0, max_value=9),
    st.sampled_from(["Z", "z", "+00:00", "-00:00", "+01:30"]),
    st.sampled_from(["T", "t", " "]),
)
def test_the_utc_shortcut_reads_what_the_general_way_reads(
    moment: datetime, digits: int, offset: str, separator: str
) -> None:
    """``parse_timestamp`` reads ``...Z`` with fromisoformat directly: it must give the very
    value the regex-and-offset way gives, for every fraction length (truncated past six)."""
    fraction = f"{moment.microsecond:06d}{moment.microsecond % 1000:03d}"[:digits]
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    clock = f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    text = day + separator + clock + ("." + fraction if digits else "") + offset
    expected = datetime.fromisoformat(
        f"{day}T{clock}{('.' + fraction[:6]) if digits else ''}"
        + ("+00:00" if offset in ("Z", "z") else offset)
    ).astimezone(UTC)
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC
