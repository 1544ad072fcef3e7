"""The reader's fast lane (#10, ``io.fastread``) reads exactly what the careful reader reads:
the same items (operations, bad lines with their codes and messages), the same clock, for
ordinary lines and hostile ones (issue #17's grammar), line after line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity_model import IdentityError, Ingest, ScriptOp, ScriptReader, apply, empty_world
from identity_model.fields import Fields
from identity_model.io.fastread import plain_ingest
from identity_model.io.script import configure
from identity_model.vendor import vendor_named
from identity_model_spec.hostile import hostile_scripts

T = datetime(2026, 1, 1, tzinfo=UTC)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e-300, 5e-324, -2.5e-310]),
    st.text(max_size=8),
    st.sampled_from(["a:b", "http://x/y?z=1", '"', "\\", "\u00e9", "\U0001f600"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
TIMES = st.sampled_from(
    [
        "2026-03-01T10:00:00Z",
        "2026-03-01T10:00:00.123456789+02:00",
        "2026-02-30T10:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59Z",
        "yesterday",
    ]
)


@st.composite
def ingest_lines(draw: st.DrawFn) -> str:
    """An ingest line, now and then with a twist: a key twice, a null, an unknown key, a
    value of the wrong type, escapes, odd spacing."""
    line: dict[str, Any] = {"op": "ingest"}
    if draw(st.booleans()):
        line["distinct_id"] = draw(st.one_of(st.text(max_size=6), VALUES))
    if draw(st.integers(0, 9)):
        line["event"] = draw(st.one_of(st.sampled_from(["$pageview", "$identify"]), VALUES))
    if draw(st.booleans()):
        line["properties"] = draw(
            st.one_of(st.dictionaries(st.sampled_from(["$set", "a", "b:c"]), VALUES), VALUES)
        )
    if draw(st.booleans()):
        line["timestamp"] = draw(st.one_of(TIMES, VALUES))
    if not draw(st.integers(0, 9)):
        line[draw(st.sampled_from(["extra", "device"]))] = 1
    text = json.dumps(
        line, ensure_ascii=draw(st.booleans()), separators=draw(st.sampled_from([None, (",", ":")]))
    )
    twist = draw(st.integers(0, 5))
    if twist == 0:  # a key twice, the first one inside
        key = draw(st.sampled_from(['"event"', '"op"', '"a"', '"distinct_id"']))
        text = text[:-1] + f", {key}: " + json.dumps(draw(VALUES)) + "}"
    elif twist == 1:
        text = " " + text + "\t"
    return text


def _read(lines: list[bytes], fast: bool) -> tuple[list[Any], Any]:
    reader = ScriptReader()
    items = []
    for number, raw in enumerate(lines, start=1):
        if fast:
            item = reader.read_bytes(number, raw)
        else:
            try:
                item = reader.read_line(number, raw.decode("utf-8"))
            except UnicodeDecodeError:
                item = reader.bad_line(number, "not UTF-8 text")
        items.append(item)
    return items, (reader.config, reader._last_time)


@given(st.lists(st.one_of(ingest_lines(), st.just('{"op": "ingest", "event": "e"}')), max_size=6))
def test_the_fast_lane_reads_what_the_careful_reader_reads(texts: list[str]) -> None:
    lines = [text.encode("utf-8", "surrogatepass") + b"\n" for text in texts]
    assert _read(lines, fast=True) == _read(lines, fast=False)


@given(hostile_scripts())
def test_hostile_lines_read_the_same_either_way(texts: list[str]) -> None:
    lines = [text.encode("utf-8", "surrogatepass") + b"\n" for text in texts]
    assert _read(lines, fast=True) == _read(lines, fast=False)


def test_the_fast_lane_takes_the_plain_line_and_leaves_the_rest() -> None:
    plain = b'{"op":"ingest","distinct_id":"u","event":"e","properties":{"$set":{"a":1}}}\n'
    assert plain_ingest(plain) is not None
    for other in (
        b'{"op":"ingest","distinct_id":"u","event":"e","event":"f"}',  # a key twice
        b'{"op":"ingest","distinct_id":"u","event":"e","properties":{"a":1,"a":2}}',
        b'{"op":"ingest","distinct_id":"u\\u0041","event":"e"}',  # an escape
        b'{"op":"ingest","event":"e","properties":null}',  # a key given as null
        b'{"op":"ingest","event":"e","x":1}',  # an unknown key
        b'{"op":"ingest","event":"e","properties":{"a":NaN}}',
        b'{"op":"ingest","event":"e","properties":{"a":1e-400}}',  # would be 0.0
        b'{"op":"ingest","event":"e","properties":{"a":0.' + b"0" * 330 + b"1}}",
        b'{"op":"capture","event":"e"}',
        b'\xef\xbb\xbf{"op":"ingest","event":"e"}',
        b'{"op":"ingest","event":"e","properties":' + b"[" * 130 + b"]" * 130 + b"}",
    ):
        assert plain_ingest(other) is None, other


def test_an_op_from_the_fast_lane_keeps_nothing_mutable_in_the_world() -> None:
    reader = ScriptReader()
    item = reader.read_bytes(
        1,
        b'{"op":"ingest","distinct_id":"u","event":"e",'
        b'"properties":{"$set":{"plan":{"tier":"free"}}}}\n',
    )
    assert isinstance(item, ScriptOp) and isinstance(item.op, Ingest)
    world = apply(empty_world(), item.op).world
    person = world.person_of("u")
    assert person is not None
    plan = person.properties["plan"]
    assert dict(plan) == {"tier": "free"}
    try:
        plan["tier"] = "x"  # type: ignore[index]
    except TypeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a kept nested value must be frozen")


CONFIGS = [
    {},
    {"client": "mobile"},
    {"client": "python"},
    {"vendor": "customerio"},
]


@pytest.mark.parametrize("body", CONFIGS)
def test_a_vendor_that_says_ingest_is_neutral_leaves_it_to_the_core(body: dict[str, Any]) -> None:
    try:
        config = configure(body, {})
    except IdentityError:
        pytest.skip(f"no such config here: {body}")
    profile = vendor_named(config.vendor)
    line = {"op": "ingest", "distinct_id": "u", "event": "e"}
    fields = Fields(line, 1, "ingest", config.vendor, lambda *_: T, config)
    try:
        read = profile.parse_operation("ingest", fields)
    except IdentityError:
        read = "refused"
    assert profile.neutral_ingest(config) == (read is None)
