"""The id conversions of PostHog ingestion as functions (SV-03, SV-06, SV-08).

The corpus checks them through reports; these pin the values only the Python API can pass
(JSON has no NaN or Infinity) and which rules a captured id records (``--explain``).
Expected values: ECMA-262 Number::toString and String(); the rule digest SV-01..SV-03.
"""

from __future__ import annotations

import pytest

from identity_model import capture_distinct_id
from identity_model.vendors.posthog.ids import js_string, js_truthy

STRING_OF = [
    (float("nan"), "NaN"),
    (float("inf"), "Infinity"),
    (float("-inf"), "-Infinity"),
    (-0.0, "0"),
    (0.5, "0.5"),
    (-2.5, "-2.5"),
    (0.000001, "0.000001"),
    (1e-7, "1e-7"),
    (1.5e-7, "1.5e-7"),
    (123.456, "123.456"),
    (1e21, "1e+21"),
    (1.5e300, "1.5e+300"),
    (1e20, "100000000000000000000"),
    (True, "true"),
    (False, "false"),
    (None, "null"),
    ([1, None, "a", [2, 3]], "1,,a,2,3"),
    ({"a": 1}, "[object Object]"),
]


@pytest.mark.parametrize(("value", "text"), STRING_OF, ids=[text for _, text in STRING_OF])
def test_js_string(value: object, text: str) -> None:
    assert js_string(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "truthy"),
    [
        (0, False),
        (0.0, False),
        (-0.0, False),
        ("", False),
        (None, False),
        (False, False),
        (float("nan"), False),
        (1, True),
        ("0", True),
        ([], True),
        ({}, True),
        (True, True),
    ],
)
def test_js_truthy(value: object, truthy: bool) -> None:
    assert js_truthy(value) is truthy  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "rules"),
    [
        ("user-1", ("SV-01",)),
        (" user-1", ("SV-01",)),
        ("a\u0000b", ("SV-01", "SV-03")),
        (42, ("SV-01", "SV-03")),
        (True, ("SV-01", "SV-03")),
        (" ", ("SV-01", "SV-02")),
        ("x" * 201, ("SV-01", "SV-04")),
    ],
)
def test_captured_ids_record_the_rules_that_applied(raw: object, rules: tuple[str, ...]) -> None:
    """SV-03 applies to stringified or NUL-bearing ids only; SV-02 to blank; SV-04 to long."""
    assert capture_distinct_id(raw, {}).rules == rules  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "distinct_id", "codes"),
    [
        ("user-1", "user-1", ()),
        ("x" * 200, "x" * 200, ()),
        (" user-1", " user-1", ()),
        (" \x1c", " \x1c", ()),
        ("x" * 201, "x" * 200, ("distinct_id_truncated",)),
        ("\u2028\x85", None, ("missing_distinct_id",)),
    ],
)
def test_captured_ids_keep_or_refuse_the_id_as_capture_does(
    raw: str, distinct_id: str | None, codes: tuple[str, ...]
) -> None:
    """SV-01: a string id is taken as it is, up to 200 characters (SV-04 cuts longer ones);
    SV-02: blank means only Unicode White_Space (what Rust's trim removes: U+2028 and U+0085
    are, the information separator U+001C is not)."""
    captured = capture_distinct_id(raw, {})
    assert (captured.distinct_id, captured.codes) == (distinct_id, codes)
