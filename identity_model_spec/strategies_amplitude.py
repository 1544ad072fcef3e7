"""Hypothesis strategies for Amplitude scripts (issue #14).

Small pools on purpose: user ids around the minimum length (4, 5 and 6 characters; the
config sometimes moves the minimum to 0, 4 or 6), ids on the invalid list and ids that differ
only by case; few devices, so that users share devices and use several (merges, the last user
of a device, AMP-07); timestamps mostly one second apart, sometimes across a month boundary
and sometimes backdated.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_USERS = st.sampled_from(["user1", "user2", "User1"])
USER_IDS = st.one_of(
    _USERS,
    _USERS,
    _USERS,
    st.sampled_from(["abcd", "abcde", "abcdef", "None", "null", "-1", "", 42]),
)
_DEVICES = st.sampled_from(["dev-A", "dev-B", "app-anon-0", "web-anon-0"])  # shared with SDKs
DEVICE_IDS = st.one_of(_DEVICES, _DEVICES, _DEVICES, st.sampled_from(["devC", "dev-D", "0"]))
DEVICES = st.sampled_from([None, None, "app", "web"])  # None: the default device
EVENTS = st.sampled_from(
    ["view", "view", "click", "$identify", "$groupidentify", "[Experiment] Exposure"]
)
TIMES = st.sampled_from(
    [
        "2026-01-31T23:59:59Z",
        "2026-02-01T00:00:00Z",
        "2026-01-15T00:00:00Z",
        "2026-03-01T00:00:00+01:00",
        "2026-03-02T00:00:00Z",
    ]
)
CONFIGS: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"config": {"vendor": "amplitude"}},
        {"config": {"vendor": "amplitude"}},
        {"config": {"vendor": "amplitude"}},
        {"config": {"vendor": "amplitude", "min_id_length": 0}},
        {"config": {"vendor": "amplitude", "min_id_length": 4}},
        {"config": {"vendor": "amplitude", "min_id_length": 6}},
    ]
)
PROPERTIES = st.none() | st.just({"plan": "pro"})


def _line(op: str, **fields: Any) -> dict[str, Any]:
    return {"op": op, **{key: value for key, value in fields.items() if value is not None}}


@st.composite
def amplitude_ingest(draw: st.DrawFn) -> dict[str, Any]:
    """One HTTP V2 event: a user id and/or a device id (either may be missing)."""
    line: dict[str, Any] = {"op": "ingest", "event": draw(EVENTS)}
    if draw(st.integers(0, 3)):
        line["distinct_id"] = draw(USER_IDS)
    if draw(st.integers(0, 4)):
        line["properties"] = {"$device_id": draw(DEVICE_IDS)}
    return line


KINDS = st.sampled_from(
    ["capture"] * 4
    + ["identify"] * 3
    + ["reset", "group", "set_person_properties", "alias", "create_person_profile", "tiny"]
)


@st.composite
def amplitude_client(draw: st.DrawFn) -> dict[str, Any]:
    """One Browser SDK call on one of three devices (mostly captures and identifies)."""
    kind = draw(KINDS)
    device = draw(DEVICES)
    match kind:
        case "capture":
            return _line("capture", device=device, event=draw(EVENTS))
        case "identify":
            user, props = draw(USER_IDS), draw(PROPERTIES)
            return _line("identify", device=device, distinct_id=user, set=props)
        case "reset":
            fresh = draw(st.none() | st.sampled_from(["web-2", "app9"]))
            return _line("reset", device=device, new_anonymous_id=fresh)
        case "group":
            return _line("group", device=device, group_type="co", group_key="acme")
        case "set_person_properties":
            return _line("set_person_properties", device=device, set=draw(PROPERTIES))
        case "alias":
            return _line("alias", device=device, alias="user1")
        case "create_person_profile":
            return _line("create_person_profile", device=device)
    # a device whose anonymous id is under the minimum length
    return {"op": "capture", "event": "view", "device": "tiny", "anonymous_id": "t1"}


@st.composite
def amplitude_scripts(draw: st.DrawFn, max_size: int = 20) -> list[dict[str, Any]]:
    """A config line, then SDK calls and HTTP V2 events; now and then a timestamp."""
    lines: list[dict[str, Any]] = [draw(CONFIGS)]
    for _ in range(draw(st.integers(0, max_size))):
        line = draw(st.one_of(amplitude_client(), amplitude_client(), amplitude_ingest()))
        if draw(st.integers(0, 5)) == 0:
            line = {**line, "timestamp": draw(TIMES)}
        lines.append(line)
    return lines
