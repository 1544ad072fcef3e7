"""Hypothesis strategies for conformance scripts (lists of JSON operation objects).

Built to reach the interesting states, not only to run (issue #12): scripts are at least eight
lines long; merge events are common and their ids are mostly legal, so persons merge; merge
tournaments pair persons that share no id until one deep person is left; every illegal id,
every whitespace character of both trims, numbers, booleans and objects appear as ids;
timestamps are mostly omitted (one second apart) and sometimes jump across the one-minute
force-upgrade boundary; Customer.io clocks move by the 5-minute, 72-hour and 30-day
boundaries in both directions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from identity_model_spec.oracle import NOT_BILLED

MIN_LINES = 8

# ---------------------------------------------------------------- ids (SV-01..SV-08)

LEGAL_IDS = ["anon-1", "anon-2", "user-1", "user-2", "user-3"]
# Legal look-alikes of illegal ids: whole-id matches only (SV-06).
NEAR_MISSES = ["Nan", "NULL", "nan", "NONE", "anonymous_id", "00", "\ufeffx", "'null", "guests"]
ILLEGAL_ANY_CASE = [
    "anonymous",
    "guest",
    "distinctid",
    "distinct_id",
    "id",
    "not_authenticated",
    "email",
    "undefined",
    "true",
    "false",
]
ILLEGAL_EXACT = ["[object Object]", "NaN", "None", "none", "null", "0", "undefined"]
ILLEGAL_IDS = sorted(
    {
        *ILLEGAL_ANY_CASE,
        *(word.upper() for word in ILLEGAL_ANY_CASE),
        *(word.title() for word in ILLEGAL_ANY_CASE),
        *ILLEGAL_EXACT,
        *(f"'{word}'" for word in ILLEGAL_ANY_CASE + ILLEGAL_EXACT),
        *(f'"{word}"' for word in ILLEGAL_ANY_CASE + ILLEGAL_EXACT),
        *(f'"{word.upper()}"' for word in ILLEGAL_ANY_CASE),
    }
)
# String.prototype.trim (merge guard) and Rust's char::is_whitespace (capture) differ by two
# characters: U+FEFF is JS-only, U+0085 Rust-only.
SHARED_SPACES = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
SHARED_SPACES += "\u2028\u2029\u202f\u205f\u3000"
TRIM_CHARACTERS = SHARED_SPACES + "\ufeff\x85"
BLANK_IDS = st.text(alphabet=TRIM_CHARACTERS, min_size=1, max_size=3) | st.just("")
# 200 characters is the capture limit (SV-04); two ids equal in their first 200 collide.
LONG_IDS = st.sampled_from(["x" * 199, "x" * 200, "x" * 201, "x" * 260, "é" * 201, "x" * 200 + "y"])
# Root ids that are not strings are stringified as JSON (SV-03); merge ids through String()
# (SV-08), whose number formatting and truthiness differ.
ROOT_NON_STRINGS = st.sampled_from([42, 0, 2.5, True, False, [], [1, "a", None], {"a": 1}, {}])
MERGE_NON_STRINGS: st.SearchStrategy[Any] = st.sampled_from(
    [42, 0, -0.0, 7.0, 2.5, 1e21, 1e20, 0.00001, 1.5e-7, True, False, None, [], [1, None], {}]
)

DISTINCT_IDS = st.one_of(
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(NEAR_MISSES),
    st.sampled_from(ILLEGAL_IDS),
    BLANK_IDS,
    LONG_IDS,
    ROOT_NON_STRINGS,
    st.none(),
)
# Merge sources: mostly legal, so that merges happen (SV-11..SV-16), else every kind of
# refused, falsy or converted id.
MERGE_IDS = st.one_of(
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(LEGAL_IDS),
    st.sampled_from(NEAR_MISSES),
    st.sampled_from(ILLEGAL_IDS),
    BLANK_IDS,
    LONG_IDS,
    MERGE_NON_STRINGS,
)

# ---------------------------------------------------------------- properties and events

KEYS = st.sampled_from(["a", "b", "c"])
VALUES = st.one_of(st.integers(-2, 2), st.sampled_from(["x", "y"]), st.none(), st.booleans())
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=3)
FLAGS = st.sampled_from(["absent", "absent", "absent", False, False, True, "false", 0, None])
# SV-30: every name billed on no meter (the oracle's list, written from the digest).
MERGE_EVENTS = ["$identify", "$create_alias", "$merge_dangerously"]
EVENTS = st.one_of(
    st.sampled_from(MERGE_EVENTS),
    st.sampled_from(MERGE_EVENTS),
    st.sampled_from(["$pageview", "clicked", "$set", "$groupidentify"]),
    st.sampled_from(NOT_BILLED),
)
TIMES = st.sampled_from(
    [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:01:00Z",
        "2026-01-01T00:01:01Z",
        "2026-01-01T00:05:00Z",
        "2026-01-31T23:59:59Z",
        "2026-02-01T00:00:00Z",
        "2026-02-01T00:00:00+01:00",
        "2026-03-15T12:00:00.5Z",
    ]
)
UNSET = st.lists(KEYS, max_size=2) | st.dictionaries(KEYS, st.none(), max_size=2)


@st.composite
def ingest_ops(draw: st.DrawFn) -> dict[str, Any]:
    """One ``ingest`` line, anything from a plain event to a merge with odd ids and flags."""
    event = draw(EVENTS)
    properties: dict[str, Any] = {}
    flag = draw(FLAGS)
    if flag != "absent":
        properties["$process_person_profile"] = flag
    if event == "$identify" and draw(st.integers(0, 3)):
        properties["$anon_distinct_id"] = draw(MERGE_IDS)
    if event in ("$create_alias", "$merge_dangerously") and draw(st.integers(0, 3)):
        properties["alias"] = draw(MERGE_IDS)
    if event == "$groupidentify":
        properties["$group_type"] = draw(st.sampled_from(["company", "company", "team", 5]))
        properties["$group_key"] = draw(st.sampled_from(["acme", "globex", 7, 2.5, None]))
        if draw(st.integers(0, 3)):
            properties["$group_set"] = draw(OBJECTS)
    if draw(st.integers(0, 2)) == 0:
        properties["$set"] = draw(OBJECTS)
    if draw(st.integers(0, 3)) == 0:
        properties["$set_once"] = draw(OBJECTS)
    if draw(st.integers(0, 4)) == 0:
        properties["$unset"] = draw(UNSET)
    op: dict[str, Any] = {"op": "ingest", "event": event}
    distinct_id = draw(DISTINCT_IDS)
    if distinct_id is None:
        if draw(st.booleans()):
            properties["distinct_id"] = draw(st.sampled_from([*LEGAL_IDS, None, 42]))
        if draw(st.booleans()):
            op["distinct_id"] = None
    else:
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


def server_scripts(max_size: int = 30) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Scripts of ``ingest`` lines, now and then a malformed line; sometimes a tournament."""
    return st.one_of(
        st.lists(
            st.one_of(ingest_ops(), ingest_ops(), ingest_ops(), ingest_ops(), BAD_LINES),
            min_size=min(MIN_LINES, max_size),
            max_size=max_size,
        ),
        merge_tournaments(),
    )


# ---------------------------------------------------------------- deep merges


def timestamp_at(seconds: int) -> str:
    """``seconds`` after 2026-01-01T00:00:00Z, as RFC 3339."""
    return (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


@st.composite
def merge_tournaments(draw: st.DrawFn, max_persons: int = 10) -> list[dict[str, Any]]:
    """Persons that share no id, merged pairwise round after round until one is left.

    Each person is born at its own time with its own properties, some identified (so plain
    merges are refused, SV-15); the rounds pair persons of similar size, or feed one growing
    person in as the *source* of each merge (union by size must keep the lookups shallow).
    Personless events afterwards are force-upgraded or not by the merged ``created_at``
    (SV-14, SV-26)."""
    count = draw(st.integers(2, max_persons))
    gaps = draw(st.lists(st.integers(1, 40), min_size=count, max_size=count))
    births = [sum(gaps[: index + 1]) for index in range(count)]
    lines: list[dict[str, Any]] = []
    people: list[list[str]] = []
    for index, born in enumerate(births):
        own = f"p{index}"
        properties: dict[str, Any] = {"$set": {"k": index, f"only{index}": index}}
        if draw(st.booleans()):
            properties["$set_once"] = {"first": index}
        if draw(st.integers(0, 3)) == 0:
            # identified from birth: a second id merged in by $identify
            properties["$anon_distinct_id"] = f"q{index}"
            lines.append(
                {
                    "op": "ingest",
                    "event": "$identify",
                    "distinct_id": own,
                    "properties": properties,
                    "timestamp": timestamp_at(born),
                }
            )
            people.append([own, f"q{index}"])
        else:
            lines.append(
                {
                    "op": "ingest",
                    "event": "clicked",
                    "distinct_id": own,
                    "properties": properties,
                    "timestamp": timestamp_at(born),
                }
            )
            people.append([own])
    # a visitor browses personless before anyone exists; merged in at the end (SV-25, SV-31)
    visitor = draw(st.sampled_from(["visitor", "visitor", None]))
    if visitor is not None:
        lines.insert(
            0,
            {
                "op": "ingest",
                "event": "$pageview",
                "distinct_id": visitor,
                "properties": {"$process_person_profile": False},
                "timestamp": timestamp_at(0),
            },
        )
    clock = births[-1]
    chain = draw(st.booleans())
    while len(people) > 1:
        if chain:
            # the big person is always the source: merged away, unless union by size
            source, target = people[0], people[1]
            rest = people[2:]
            pairs = [(source, target)]
        else:
            order = draw(st.permutations(range(len(people))))
            shuffled = [people[i] for i in order]
            pairs = list(zip(shuffled[0::2], shuffled[1::2], strict=False))
            rest = [shuffled[-1]] if len(shuffled) % 2 else []
        merged_people = []
        for source, target in pairs:
            clock += draw(st.integers(1, 30))
            event = draw(
                st.sampled_from(["$merge_dangerously", "$merge_dangerously", *MERGE_EVENTS])
            )
            key = "$anon_distinct_id" if event == "$identify" else "alias"
            properties = {key: draw(st.sampled_from(source))}
            if draw(st.booleans()):
                properties["$set"] = {"k": f"merge{clock}"}
            if draw(st.integers(0, 3)) == 0:
                properties["$unset"] = draw(UNSET)
            lines.append(
                {
                    "op": "ingest",
                    "event": event,
                    "distinct_id": draw(st.sampled_from(target)),
                    "properties": properties,
                    "timestamp": timestamp_at(clock),
                }
            )
            merged_people.append(target + source)
        people = merged_people + rest
    everyone = [distinct_id for person in people for distinct_id in person]
    if visitor is not None:
        clock += 1
        lines.append(
            {
                "op": "ingest",
                "event": "$identify",
                "distinct_id": draw(st.sampled_from(everyone)),
                "properties": {"$anon_distinct_id": visitor},
                "timestamp": timestamp_at(clock),
            }
        )
    for _ in range(draw(st.integers(1, 4))):
        lines.append(
            {
                "op": "ingest",
                "event": draw(st.sampled_from(["$pageview", "clicked"])),
                "distinct_id": draw(st.sampled_from([*everyone, "stranger"])),
                "properties": {"$process_person_profile": False},
                "timestamp": timestamp_at(births[-1] + draw(st.sampled_from([45, 59, 60, 61, 75]))),
            }
        )
    return lines


# ---------------------------------------------------------------- the SDK layer (CL)

DEVICES = st.sampled_from(["default", "default", "phone"])
CLIENT_IDS = st.one_of(
    st.sampled_from(["user-1", "user-2", "user-1", "default-anon-0", "alias-1"]),
    st.sampled_from(["user-1", "user-2", "alias-1", "phone-anon-0"]),
    st.sampled_from(["", " ", "\ufeff", "null", "NULL", "distinct_id", "DistinctId", "guest", "0"]),
    st.sampled_from(["undefined", "$posthog_cookieless", 42, 2.5, 1e21, None]),
)
CAPTURE_PROPERTIES = st.fixed_dictionaries(
    {},
    optional={
        "$current_url": st.sampled_from(
            [
                "https://shop.example.com/a?utm_source=news&gclid=g1",
                "https://example.com",
                "https://example.com:8080/p/q?utm_campaign=a%20b+c",
                "not a url",
            ]
        ),
        "$referrer": st.sampled_from(
            [
                "https://www.google.com/search?q=x",
                "https://search.yahoo.com/search?p=y",
                "https://www.bing.com/search?q=z",
                "$direct",
                "",
            ]
        ),
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
    identify = st.builds(
        lambda d, i, s, o: _client("identify", device=d, distinct_id=i, set=s, set_once=o),
        device,
        CLIENT_IDS,
        MAYBE_OBJECTS,
        MAYBE_OBJECTS,
    )
    return st.one_of(
        st.builds(
            lambda d, e, p: _client("capture", device=d, event=e, properties=p or None),
            device,
            st.sampled_from(["$pageview", "clicked", "$feature_flag_called", "$exception"]),
            CAPTURE_PROPERTIES,
        ),
        identify,
        identify,
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
            st.sampled_from(["acme", "globex", "", 7, 2.5]),
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


@st.composite
def client_scenarios(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few calls on one device that walk one SDK transition (CL-09..CL-27), so that the
    transitions happen in every run rather than by luck."""
    name = draw(DEVICES)
    device = None if name == "default" else name
    user, other = draw(st.permutations(["user-1", "user-2", "user-3"]))[:2]
    props = draw(MAYBE_OBJECTS)
    url = draw(CAPTURE_PROPERTIES.filter(lambda p: "$current_url" in p or "$referrer" in p))

    def call(op: str, **fields: Any) -> dict[str, Any]:
        return _client(op, device=device, **fields)

    scenarios = [
        # CL-15: identify with the id given to alias() keeps the distinct id
        [call("alias", alias=user), call("identify", distinct_id=user)],
        # CL-06/CL-21: anonymous, identified, reset, anonymous again
        [
            call("capture", event="$pageview"),
            call("identify", distinct_id=user, set=props),
            call("capture", event="clicked"),
            call("reset"),
            call("capture", event="clicked"),
        ],
        # CL-13/CL-C1/CL-M1: a second identify with another id while identified
        [call("identify", distinct_id=user), call("identify", distinct_id=other, set=props)],
        # CL-19: alias twice
        [call("alias", alias=user), call("alias", alias=user)],
        # CL-12/CL-14: the same identify twice, then with other properties
        [
            call("identify", distinct_id=user, set=props),
            call("identify", distinct_id=user, set=props),
            call("identify", distinct_id=user, set=draw(OBJECTS)),
        ],
        # CL-27: initial properties, then the first person-processed event
        [
            call("capture", event="$pageview", properties=url),
            call("set_person_properties", set=props),
        ],
        # CL-18: alias to the device's own (first) distinct id
        [call("alias", alias=f"{name}-anon-0"), call("capture", event="clicked")],
        # CL-04/CL-23: a group flips processing; it sticks for later captures
        [
            call("capture", event="clicked"),
            call("group", group_type="company", group_key="acme", properties=props),
            call("capture", event="clicked"),
        ],
    ]
    return draw(st.sampled_from(scenarios))


def _client_lines(max_size: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    chunks = st.one_of(client_ops().map(lambda op: [op]), client_scenarios())
    return st.lists(chunks, min_size=min(MIN_LINES, max_size) // 2, max_size=max_size // 2).map(
        lambda groups: [op for group in groups for op in group]
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
def mixed_scripts(draw: st.DrawFn, max_size: int = 30) -> list[dict[str, Any]]:
    """A config line (sometimes), then client calls on two devices and server ``ingest`` lines."""
    config = draw(st.one_of(st.none(), CONFIGS))  # the default config twice as often
    chunks = st.one_of(
        client_ops().map(lambda op: [op]),
        client_scenarios(),
        ingest_ops().map(lambda op: [op]),
    )
    groups = draw(st.lists(chunks, min_size=min(MIN_LINES, max_size) // 2, max_size=max_size // 2))
    return ([config] if config else []) + [op for group in groups for op in group]


@st.composite
def client_scripts(
    draw: st.DrawFn, mode: str, client: str = "browser", max_size: int = 30
) -> list[dict[str, Any]]:
    """Client calls only, under one ``person_profiles`` mode."""
    lines = draw(_client_lines(max_size))
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


# ---------------------------------------------------------------- Customer.io (CIO)

MINUTE, HOUR, DAY = 60, 3600, 86400
WINDOW, TRIGGER, RETENTION = 5 * MINUTE, 72 * HOUR, 30 * DAY
# Clock moves: small, exactly at or just past each boundary, and far past them, both ways.
CIO_STEPS = st.one_of(
    st.sampled_from([1, 60, WINDOW - 1, WINDOW, WINDOW + 1, HOUR]),
    st.sampled_from([TRIGGER, TRIGGER + 1, RETENTION, RETENTION + 1, 10 * DAY, 45 * DAY]),
    st.sampled_from([-1, -WINDOW, -HOUR, -TRIGGER - 1, -RETENTION, -RETENTION - 1, -40 * DAY]),
    st.integers(-50 * DAY, 50 * DAY),
)
CIO_ANONYMOUS_IDS = st.sampled_from(["anon-a", "anon-b", "anon-c", "anon-d"])
CIO_USERS = st.sampled_from(["u1", "u2", "u3"])


@st.composite
def customerio_scripts(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, Any]]:
    """Customer.io scripts: tracks, identifies and advances whose times straddle the 5-minute
    window, 72-hour trigger and 30-day retention boundaries, forwards and back."""
    clock = 60 * DAY + draw(st.integers(0, 10 * DAY))
    lines: list[dict[str, Any]] = [{"config": {"vendor": "customerio"}}]
    for _ in range(draw(st.integers(min(MIN_LINES, max_size), max_size))):
        clock = max(0, clock + draw(CIO_STEPS))
        kind = draw(
            st.sampled_from(["track", "track", "track", "identify", "identify", "advance", "bad"])
        )
        if kind == "track":
            key = draw(st.sampled_from(["anonymous_id", "anonymous_id", "anonymous_id", "user_id"]))
            who = draw(CIO_ANONYMOUS_IDS if key == "anonymous_id" else CIO_USERS)
            line: dict[str, Any] = {
                "op": "track",
                "event": "e",
                key: who,
                "timestamp": timestamp_at(clock),
            }
            if draw(st.integers(0, 3)) == 0:
                line["properties"] = draw(OBJECTS)
            lines.append(line)
        elif kind == "identify":
            line = {"op": "identify", "user_id": draw(CIO_USERS), "timestamp": timestamp_at(clock)}
            if draw(st.integers(0, 3)):
                line["anonymous_id"] = draw(CIO_ANONYMOUS_IDS)
            if draw(st.booleans()):
                line["attributes"] = draw(OBJECTS)
            lines.append(line)
        elif kind == "advance":
            lines.append({"op": "advance", "timestamp": timestamp_at(clock)})
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
                                "timestamp": timestamp_at(clock),
                            },
                            {"op": "track", "event": "e", "anonymous_id": "x"},
                            {"op": "identify", "user_id": "", "timestamp": timestamp_at(clock)},
                            {"op": "ingest", "distinct_id": "u", "event": "e"},
                        ]
                    )
                )
            )
    return lines
