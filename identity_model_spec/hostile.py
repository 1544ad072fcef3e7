"""Hypothesis strategies for hostile scripts: JSON Lines *text* as a hostile user writes it.

Ordinary lines (from ``identity_model_spec.strategies``) mixed with lines that carry what tends to
break a reader or a writer (issue #17): nested objects, timestamps at and past the edges of
the calendar, lone surrogates, ``NaN`` and ``Infinity``, integers around 4300 digits, nesting
around and far past 128 levels, duplicate keys, control characters and ANSI escapes, a byte
order mark, comments, blank lines and config lines anywhere. Whatever the line, a conforming
implementation makes it a step (applied, ignored or rejected with a code) and keeps going.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from identity_model_spec.strategies import client_ops, customerio_scripts, ingest_ops

# Raw JSON text (not Python values: NaN, lone surrogates and duplicate keys live only in text).
_SCALAR_FRAGMENTS = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e999",
        "-1e400",
        "1e-400",
        "1.7976931348623157e308",
        "5e-324",
        "-0",
        '"\\ud800"',
        '"x\\udfff"',
        '"\\ud83d"',
        '"\\ud83d\\ude00"',
        '"\\u0000\\u001b[31mred\\u0007"',
        '"\\u202eevil"',
        '""',
        '" "',
        '{"a": 1, "a": 2}',
        '{"\\ud800": 1}',
        "[]",
        "{}",
    ]
)
_HUGE_INTEGERS = st.integers(4295, 4305).map(lambda digits: "9" * digits) | st.integers(
    4295, 4305
).map(lambda digits: "-" + "1" * digits)
_DEEP = st.integers(120, 135).map(lambda depth: "[" * depth + "1" + "]" * depth) | st.sampled_from(
    ["[" * 3000 + "]" * 3000, '{"a": ' * 3000 + "1" + "}" * 3000]
)
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=12,
)
_NESTED = _JSON_VALUES.map(lambda value: json.dumps(value, ensure_ascii=False))
FRAGMENTS = st.one_of(_SCALAR_FRAGMENTS, _HUGE_INTEGERS, _DEEP, _NESTED, _NESTED)

TIMESTAMPS = st.sampled_from(
    [
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:59:59+01:00",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.999999Z",
        "9999-12-31T23:59:59.9999999999Z",
        "2026-01-01T00:00:00Z\n",
        "2026-01-01T00:00:00Z ",
        "2026-02-30T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00",
        "",
    ]
).map(json.dumps)

# "@" is a raw fragment, "T" a timestamp.
_TEMPLATES = st.sampled_from(
    [
        '{"op": "ingest", "distinct_id": "u", "event": "e", "properties": {"x": @}}',
        '{"op": "ingest", "distinct_id": "u", "event": "$identify", "properties": {"$set": @}}',
        '{"op": "ingest", "distinct_id": @, "event": "e"}',
        '{"op": "ingest", "distinct_id": "u", "event": @}',
        '{"op": "capture", "event": @}',
        '{"op": "capture", "event": "e", "properties": {@: 1}}',
        '{"op": "capture", "event": "e", "device": @}',
        '{"op": "identify", "distinct_id": "user-1", "set": {"p": @}}',
        '{"op": "identify", "distinct_id": @}',
        '{"op": "identify", "distinct_id": "user-2", "set_once": @}',
        '{"op": "set_person_properties", "set": {"p": @}}',
        '{"op": "group", "group_type": "company", "group_key": @, "properties": {"q": @}}',
        '{"op": "alias", "alias": @}',
        '{"op": "reset", "new_anonymous_id": @}',
        '{"op": "track", "user_id": "u1", "event": "e", "properties": {"x": @}, '
        '"timestamp": "2026-01-01T00:00:00Z"}',
        '{"op": "identify", "user_id": "u1", "attributes": {"a": @}, '
        '"timestamp": "2026-01-01T00:00:00Z"}',
        '{"op": "capture", "event": "e", "timestamp": T}',
        '{"op": "ingest", "distinct_id": "u", "event": "e", "timestamp": T}',
        '{"op": "track", "anonymous_id": "anon-a", "event": "e", "timestamp": T}',
        '{"op": "advance", "timestamp": T}',
        "@",
    ]
)


@st.composite
def hostile_lines(draw: st.DrawFn) -> str:
    """One line of text (no newline inside) that a hostile user might write."""
    kind = draw(st.integers(0, 9))
    if kind < 3:  # an ordinary line, now and then with a nested object put in
        op = draw(st.one_of(client_ops(), ingest_ops()))
        if draw(st.booleans()):
            key = "set" if op.get("op") == "identify" else "properties"
            op[key] = {"nested": draw(_JSON_VALUES)}
        return json.dumps(op, ensure_ascii=draw(st.booleans()))
    if kind == 3:
        return draw(
            st.sampled_from(
                [
                    "",
                    "   ",
                    "// a comment",
                    "\ufeff" + '{"op": "capture", "event": "after a BOM"}',
                    '{"config": {"person_profiles": "always"}}',
                    '{"config": {"vendor": "customerio"}}',
                    '{"config": {"free_events_per_month": 5000000}}',
                    '{"config": {"person_profiles": "sometimes"}}',
                    "null",
                    "[1, 2]",
                    '"just a string"',
                    "{not json",
                    '{"op": "capture", "event": "e"} trailing',
                    '{"op": "capture", "event": "e", "event": "twice"}',
                    '{"op": "capture", "event": "e\x1b[2J\x07"}',
                ]
            )
        )
    template = draw(_TEMPLATES)
    if '"timestamp": T' in template:
        return template.replace('"timestamp": T', '"timestamp": ' + draw(TIMESTAMPS))
    pieces = template.split("@")
    line = pieces[0]
    for piece in pieces[1:]:
        line += draw(FRAGMENTS) + piece
    return line


@st.composite
def hostile_scripts(draw: st.DrawFn, max_size: int = 12) -> list[str]:
    """Script lines (text, no newlines): a config line sometimes, then ordinary and hostile
    lines; sometimes a Customer.io script with hostile lines in it."""
    if draw(st.integers(0, 4)) == 0:
        lines = [json.dumps(op) for op in draw(customerio_scripts(max_size=4))]
    else:
        config: Any = draw(
            st.sampled_from(
                [
                    None,
                    {"config": {"person_profiles": "always"}},
                    {"config": {"client": "mobile"}},
                    # the vendor helpers' profiles (a vendor not registered: a refused config)
                    {"config": {"vendor": "amplitude"}},
                    {"config": {"vendor": "mixpanel"}},
                    {"config": {"vendor": "segment"}},
                ]
            )
        )
        lines = [json.dumps(config)] if config else []
    lines.extend(draw(st.lists(hostile_lines(), min_size=1, max_size=max_size)))
    return lines
