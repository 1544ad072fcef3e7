"""Hypothesis strategies for Segment scripts (config ``{"vendor": "segment", ...}``).

Ids come from small pools so that calls collide: the pools hold blocked-looking values
(``-1``, ``null``, ``anonymous``, ``0``, ``test-…``) and configs with limits of 1 and 2, so the
identifier limits and blocked values are met at their boundaries in short scripts; the merge
and mapping caps need long regular scripts, built by ``merge_cap_scripts`` and
``mapping_cap_scripts`` one call below, at and one above the cap.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SEGMENT = "segment"
USERS = st.sampled_from(["u1", "u2", "u3", "-1", "null", "test-7", 42])
ANONYMOUS = st.sampled_from(["a1", "a2", "a3", "anonymous", "0", "0-0"])
EMAILS = st.sampled_from(["e1@example.com", "e2@example.com", "test@example.com", "null"])
DEVICES = st.sampled_from([None, None, "phone", "tablet"])
TIMES = st.sampled_from(
    [
        None,
        None,
        None,
        "2026-01-01T00:00:00Z",
        "2026-01-01T23:59:59Z",
        "2026-01-02T00:00:00Z",
        "2026-01-31T23:59:59Z",
        "2026-02-01T00:00:00Z",
    ]
)
UNIFY_SETTINGS: list[dict[str, Any]] = [
    {},
    {"unify": False},
    {"unify": {"limits": {"anonymous_id": 1}}},
    {"unify": {"limits": {"anonymous_id": 2, "email": 1, "user_id": 2}}},
    {"unify": {"limits": {"email": {"count": 1, "window": "daily"}}}},
    {"unify": {"priority": ["anonymous_id", "email"]}},
    {"unify": {"priority": ["email"], "limits": {"anonymous_id": 1}}},
    {"unify": {"blocked_values": ["$recommended", "regex:^test"]}},
    {"unify": {"blocked_values": ["a1", "e1@example.com"], "limits": {"anonymous_id": 2}}},
]
CONFIGS = st.sampled_from(UNIFY_SETTINGS)
BAD_LINES = st.sampled_from(
    [
        {"op": "ingest", "event": "e"},
        {"op": "ingest", "event": "e", "distinct_id": True},
        {"op": "capture", "event": "e", "colour": "blue"},
        {"op": "track", "event": "e", "user_id": "u1"},
        {"config": {"vendor": "segment"}},
        {"op": "create_person_profile"},
    ]
)


def _line(op: str, time: str | None, **fields: Any) -> dict[str, Any]:
    line = {"op": op, **{key: value for key, value in fields.items() if value is not None}}
    if time is not None:
        line["timestamp"] = time
    return line


@st.composite
def segment_ops(draw: st.DrawFn) -> dict[str, Any]:
    """One call: an analytics.js call on one of three devices, or an HTTP API message."""
    time = draw(TIMES)
    device = draw(DEVICES)
    kind = draw(
        st.sampled_from(
            ["capture", "identify", "identify", "alias", "reset", "group", "set", "ingest"]
        )
    )
    traits = draw(st.none() | st.fixed_dictionaries({"email": EMAILS}))
    match kind:
        case "capture":
            return _line("capture", time, event="Viewed", device=device)
        case "identify":
            return _line("identify", time, distinct_id=draw(USERS), set=traits, device=device)
        case "alias":
            return _line("alias", time, alias=draw(USERS), device=device)
        case "reset":
            return _line("reset", time, device=device)
        case "group":
            return _line("group", time, group_type="company", group_key="acme", device=device)
        case "set":
            return _line("set_person_properties", time, set=traits, device=device)
    properties: dict[str, Any] = {}
    if draw(st.booleans()):
        properties["$device_id"] = draw(ANONYMOUS)
    event = draw(st.sampled_from(["Viewed", "$identify", "$identify", "$create_alias"]))
    if event == "$identify" and traits is not None:
        properties["$set"] = traits
    user = draw(st.none() | USERS)
    return _line("ingest", time, distinct_id=user, event=event, properties=properties or None)


@st.composite
def segment_scripts(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, Any]]:
    """A Segment config line, then calls (now and then a malformed line)."""
    config = {"config": {"vendor": SEGMENT, **draw(CONFIGS)}}
    lines = draw(st.lists(st.one_of(segment_ops(), segment_ops(), BAD_LINES), max_size=max_size))
    return [config, *lines]


def _ingest(user: str | None, anonymous: str) -> dict[str, Any]:
    line: dict[str, Any] = {"op": "ingest", "event": "e", "properties": {"$device_id": anonymous}}
    if user is not None:
        line["distinct_id"] = user
    return line


@st.composite
def merge_cap_scripts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A hub absorbing 99, 100 or 101 profiles one by one (SEG-10: 100 merges), then a call."""
    merges = draw(st.sampled_from([99, 100, 101]))
    lines: list[dict[str, Any]] = [
        {"config": {"vendor": SEGMENT, "unify": {"limits": {"anonymous_id": 1000}}}},
        {"op": "ingest", "distinct_id": "hub", "event": "e"},
    ]
    for n in range(merges):
        lines += [_ingest(None, f"a{n:03d}"), _ingest("hub", f"a{n:03d}")]
    lines.append(draw(segment_ops()))
    return lines


@st.composite
def mapping_cap_scripts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One user collecting 998, 999 or 1,000 anonymousIds (SEG-10: 1,000 mappings), then a
    profile of its own and a call that would merge it."""
    anonymous_ids = draw(st.sampled_from([998, 999, 1000]))
    lines: list[dict[str, Any]] = [
        {"config": {"vendor": SEGMENT, "unify": {"limits": {"anonymous_id": 5000}}}}
    ]
    lines += [_ingest("u1", f"a{n:04d}") for n in range(anonymous_ids)]
    lines += [_ingest(None, "x1"), _ingest("u1", "x1"), _ingest("u1", "x2")]
    return lines
