"""Hypothesis strategies for conformance scripts (lists of JSON operation objects).

Ids come from a small pool on purpose, so that generated scripts collide, merge, hit the
illegal list and re-use personless ids; timestamps are mostly omitted (one second apart) and
sometimes jump, to cross the one-minute force-upgrade boundary both ways.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

LEGAL_IDS = ["anon-1", "anon-2", "user-1", "user-2", "Nan", "NULL"]
ILLEGAL_IDS = ["null", "undefined", "NaN", "0", "guest", "", "  ", "'true'"]
DISTINCT_IDS = (
    st.sampled_from(LEGAL_IDS) | st.sampled_from(ILLEGAL_IDS) | st.sampled_from([42, True, None])
)
KEYS = st.sampled_from(["a", "b", "c"])
VALUES = st.one_of(st.integers(-2, 2), st.sampled_from(["x", "y"]), st.none(), st.booleans())
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=3)
FLAGS = st.sampled_from(["absent", "absent", False, False, True, "false", 0, None])
EVENTS = st.sampled_from(
    [
        "$pageview",
        "clicked",
        "$set",
        "$identify",
        "$create_alias",
        "$merge_dangerously",
        "$groupidentify",
        "$feature_flag_called",
    ]
)
TIMES = st.sampled_from(
    [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:01:00Z",
        "2026-01-01T00:01:01Z",
        "2026-01-01T00:05:00Z",
        "2026-02-01T00:00:00+01:00",
        "2026-03-15T12:00:00.5Z",
    ]
)


@st.composite
def ingest_ops(draw: st.DrawFn) -> dict[str, Any]:
    """One ``ingest`` line, anything from a plain event to a merge with odd ids and flags."""
    event = draw(EVENTS)
    properties: dict[str, Any] = {}
    flag = draw(FLAGS)
    if flag != "absent":
        properties["$process_person_profile"] = flag
    if event == "$identify" and draw(st.booleans()):
        properties["$anon_distinct_id"] = draw(DISTINCT_IDS)
    if event in ("$create_alias", "$merge_dangerously") and draw(st.booleans()):
        properties["alias"] = draw(DISTINCT_IDS)
    if event == "$groupidentify":
        properties["$group_type"] = "company"
        properties["$group_key"] = draw(st.sampled_from(["acme", "globex"]))
        properties["$group_set"] = draw(OBJECTS)
    if draw(st.integers(0, 3)) == 0:
        properties["$set"] = draw(OBJECTS)
    if draw(st.integers(0, 4)) == 0:
        properties["$set_once"] = draw(OBJECTS)
    if draw(st.integers(0, 6)) == 0:
        properties["$unset"] = draw(st.lists(KEYS, max_size=2))
    op: dict[str, Any] = {"op": "ingest", "event": event}
    distinct_id = draw(DISTINCT_IDS)
    if distinct_id is not None or draw(st.booleans()):
        op["distinct_id"] = distinct_id
    if properties:
        op["properties"] = properties
    if draw(st.integers(0, 5)) == 0:
        op["timestamp"] = draw(TIMES)
    return op


BAD_LINES = st.sampled_from(
    [
        {"op": "ingest", "event": "e", "distinct_id": "u", "unknown": 1},
        {"op": "nope"},
        {"op": "ingest", "distinct_id": "u"},
        {"op": "ingest", "event": "e", "distinct_id": "u", "timestamp": "yesterday"},
        {"op": "ingest", "event": "e", "distinct_id": "u", "properties": [1]},
        {"config": {"person_profiles": "always"}},
    ]
)


def server_scripts(max_size: int = 25) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Scripts of ``ingest`` lines, now and then a malformed line."""
    return st.lists(
        st.one_of(ingest_ops(), ingest_ops(), ingest_ops(), BAD_LINES), max_size=max_size
    )


DEVICES = st.sampled_from(["default", "default", "phone"])
CLIENT_IDS = (
    st.sampled_from(["user-1", "user-2", "user-1", "default-anon-0", "alias-1"])
    | st.sampled_from(["", " ", "null", "distinct_id", "guest", "0"])
    | st.sampled_from([42, None])
)
CAPTURE_PROPERTIES = st.fixed_dictionaries(
    {},
    optional={
        "$current_url": st.sampled_from(
            ["https://shop.example.com/a?utm_source=news", "https://example.com", "not a url"]
        ),
        "$referrer": st.sampled_from(["https://www.google.com/search?q=x", "$direct", ""]),
        "$set": OBJECTS,
        "distinct_id": st.sampled_from(["user-9", ""]),
        "$process_person_profile": st.booleans(),
    },
)
MAYBE_OBJECTS = st.none() | OBJECTS


def _client(op: str, **fields: Any) -> dict[str, Any]:
    return {"op": op, **{key: value for key, value in fields.items() if value is not None}}


def client_ops() -> st.SearchStrategy[dict[str, Any]]:
    """One SDK call on one of two devices."""
    device = DEVICES.map(lambda name: None if name == "default" else name)
    return st.one_of(
        st.builds(
            lambda d, e, p: _client("capture", device=d, event=e, properties=p or None),
            device,
            st.sampled_from(["$pageview", "clicked", "$feature_flag_called"]),
            CAPTURE_PROPERTIES,
        ),
        st.builds(
            lambda d, i, s, o: _client("identify", device=d, distinct_id=i, set=s, set_once=o),
            device,
            CLIENT_IDS,
            MAYBE_OBJECTS,
            MAYBE_OBJECTS,
        ),
        st.builds(lambda d, a: _client("alias", device=d, alias=a), device, CLIENT_IDS),
        st.builds(
            lambda d, r, n: _client("reset", device=d, reset_device_id=r, new_anonymous_id=n),
            device,
            st.none() | st.booleans(),
            st.none() | st.sampled_from(["fresh-1", "fresh-2"]),
        ),
        st.builds(
            lambda d, k, p: _client(
                "group", device=d, group_type="company", group_key=k, properties=p
            ),
            device,
            st.sampled_from(["acme", "globex", "", 7]),
            MAYBE_OBJECTS,
        ),
        st.builds(
            lambda d, s, o: _client("set_person_properties", device=d, set=s, set_once=o),
            device,
            MAYBE_OBJECTS,
            MAYBE_OBJECTS,
        ),
        st.builds(lambda d: _client("create_person_profile", device=d), device),
        st.builds(
            lambda d, u, o, g, i: _client(
                "capture",
                device=d,
                event="e",
                user_properties=u,
                user_properties_set_once=o,
                groups=g,
                distinct_id=i,
            ),
            device,
            st.none() | OBJECTS,
            st.none() | OBJECTS,
            st.none() | st.sampled_from([{}, {"company": "acme"}]),
            st.none() | st.sampled_from(["other", " ", "user-1"]),
        ),
    )


CONFIGS: st.SearchStrategy[dict[str, Any] | None] = st.sampled_from(
    [None]
    + [
        {"config": {"person_profiles": mode, "client": client}}
        for mode in ("identified_only", "always", "never")
        for client in ("browser", "mobile", "core")
    ]
    + [
        {"config": {"client": "mobile", "reuse_anonymous_id": True}},
        {"config": {"client": "browser", "reuse_anonymous_id": True}},
        {"config": {"person_processing_opt_out": True}},
    ]
)


@st.composite
def mixed_scripts(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, Any]]:
    """A config line (sometimes), then client calls on two devices and server ``ingest`` lines."""
    config = draw(CONFIGS)
    lines = draw(st.lists(st.one_of(client_ops(), client_ops(), ingest_ops()), max_size=max_size))
    return ([config] if config else []) + lines


@st.composite
def client_scripts(
    draw: st.DrawFn, mode: str, client: str = "browser", max_size: int = 25
) -> list[dict[str, Any]]:
    """Client calls only, under one ``person_profiles`` mode."""
    lines = draw(st.lists(client_ops(), max_size=max_size))
    return [{"config": {"person_profiles": mode, "client": client}}, *lines]


PYTHON_IDS = st.sampled_from(["u1", "u2", "", " ", 7, "null"])


def python_ops() -> st.SearchStrategy[dict[str, Any]]:
    """One posthog-python call (``client: python``) on one of two devices."""
    device = st.sampled_from([None, None, "worker"])
    maybe_id = st.none() | PYTHON_IDS
    return st.one_of(
        st.builds(
            lambda d, e, p, i: _client("capture", device=d, event=e, properties=p, distinct_id=i),
            device,
            st.sampled_from(["e", "$pageview", "$identify", "$exception"]),
            st.none()
            | st.fixed_dictionaries(
                {},
                optional={
                    "$process_person_profile": st.booleans(),
                    "$anon_distinct_id": st.sampled_from(["u1", "a1"]),
                    "$browser": st.sampled_from(["Chrome", "Safari"]),
                    "a": VALUES,
                },
            ),
            maybe_id,
        ),
        st.builds(
            lambda op, d, p, i: _client(op, device=d, properties=p, distinct_id=i),
            st.sampled_from(["set", "set_once"]),
            device,
            st.none() | OBJECTS,
            maybe_id,
        ),
        st.builds(
            lambda d, p, i: _client("alias", device=d, previous_id=p, distinct_id=i),
            device,
            st.none() | st.sampled_from(["a1", "a2", ""]),
            maybe_id,
        ),
        st.builds(
            lambda d, t, k, i: _client(
                "group_identify", device=d, group_type=t, group_key=k, distinct_id=i
            ),
            device,
            st.sampled_from(["company", ""]),
            st.sampled_from(["acme", "", 0, 5]),
            maybe_id,
        ),
        st.builds(
            lambda d, f: _client("new_context", device=d, fresh=f),
            device,
            st.none() | st.booleans(),
        ),
        st.builds(lambda d: _client("end_context", device=d), device),
        st.builds(
            lambda d, i: {**_client("identify_context", device=d), "distinct_id": i},
            device,
            PYTHON_IDS,
        ),
        st.builds(
            lambda d, k, v: _client("tag", device=d, key=k, value=v),
            device,
            st.sampled_from(["plan", "email"]),
            VALUES,
        ),
        st.sampled_from([{"op": "identify", "distinct_id": "u1"}, {"op": "capture"}]),
    )


@st.composite
def python_scripts(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, Any]]:
    """A ``client: python`` script: Python calls, now and then an ``ingest`` line."""
    lines = draw(st.lists(st.one_of(python_ops(), python_ops(), ingest_ops()), max_size=max_size))
    return [{"config": {"client": "python"}}, *lines]


CIO_TIMES = st.integers(0, 40 * 24 * 3600)  # seconds after the start, over 40 days
CIO_ANONYMOUS_IDS = st.sampled_from(["anon-a", "anon-b", "anon-c"])
CIO_USERS = st.sampled_from(["u1", "u2"])


def _at(seconds: int) -> str:
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415 (only for this strategy)

    return (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


@st.composite
def customerio_scripts(draw: st.DrawFn, max_size: int = 20) -> list[dict[str, Any]]:
    """Customer.io scripts: tracks, identifies and advances whose times straddle the 5-minute
    window, 72-hour trigger and 30-day retention boundaries."""
    base = draw(CIO_TIMES)
    lines: list[dict[str, Any]] = [{"config": {"vendor": "customerio"}}]
    for _ in range(draw(st.integers(0, max_size))):
        # mostly small steps forward, sometimes exactly at or beyond a boundary, sometimes back
        base = max(
            0,
            base
            + draw(
                st.sampled_from(
                    [1, 60, 299, 300, 301, 3600, 259200, 259201, 2592000, 2592001, -600]
                )
            ),
        )
        kind = draw(st.sampled_from(["track", "track", "track", "identify", "advance", "bad"]))
        if kind == "track":
            key = draw(st.sampled_from(["anonymous_id", "anonymous_id", "user_id"]))
            who = draw(CIO_ANONYMOUS_IDS if key == "anonymous_id" else CIO_USERS)
            lines.append({"op": "track", "event": "e", key: who, "timestamp": _at(base)})
        elif kind == "identify":
            line: dict[str, Any] = {
                "op": "identify",
                "user_id": draw(CIO_USERS),
                "timestamp": _at(base),
            }
            if draw(st.booleans()):
                line["anonymous_id"] = draw(CIO_ANONYMOUS_IDS)
            if draw(st.booleans()):
                line["attributes"] = draw(OBJECTS)
            lines.append(line)
        elif kind == "advance":
            lines.append({"op": "advance", "timestamp": _at(base)})
        else:
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            {
                                "op": "track",
                                "event": "e",
                                "anonymous_id": "x",
                                "user_id": "y",
                                "timestamp": _at(base),
                            },
                            {"op": "track", "event": "e", "anonymous_id": "x"},
                            {"op": "ingest", "distinct_id": "u", "event": "e"},
                        ]
                    )
                )
            )
    return lines
