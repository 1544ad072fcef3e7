"""Hypothesis strategies for Mixpanel scripts (issue #14): SDK calls and ``/import`` events
with colliding ids, refused values and UUIDs, and scripts that grow an ``original`` cluster to
the 500-id cap and cross it."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from identity_model_spec.strategies import TIMES, _client, client_ops

MP_UUIDS = [
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-a222-222222222222",
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8",  # a v1 UUID: not UUIDv4
]
MP_LEGAL = ["u1", "u2", "u1", "u2", "$device:default-anon-0", "$device:d1", "d1", *MP_UUIDS]
MP_IDS = st.sampled_from(MP_LEGAL * 4 + ["", "NULL", "anon", "0", 7, None])
MP_EVENTS = st.sampled_from(
    ["e", "e", "$identify", "$identify", "$create_alias", "$merge", "$opt_in", "$mp_session_record"]
)
MP_CONFIGS = st.sampled_from(
    [
        {"config": {"vendor": "mixpanel"}},
        {"config": {"vendor": "mixpanel", "id_merge": "simplified"}},
        {"config": {"vendor": "mixpanel", "id_merge": "original"}},
        {"config": {"vendor": "mixpanel", "id_merge": "original"}},
    ]
)


@st.composite
def mixpanel_ingest_ops(draw: st.DrawFn) -> dict[str, Any]:
    """One ``/import`` event: plain or identity, with ids from a small colliding pool."""
    event = draw(MP_EVENTS)
    properties: dict[str, Any] = {}
    for key in ("$user_id", "$device_id"):
        if draw(st.booleans()):
            properties[key] = draw(st.sampled_from(["u1", "u2", "d1", "d2"]) | MP_IDS)
    if event == "$identify" and draw(st.integers(0, 4)) > 0:
        properties["$identified_id"] = draw(MP_IDS)
        properties["$anon_id"] = draw(st.sampled_from(MP_UUIDS) | MP_IDS)
    if event == "$create_alias" and draw(st.integers(0, 4)) > 0:
        properties["alias"] = draw(MP_IDS)
    if event == "$merge" and draw(st.integers(0, 4)) > 0:
        properties["$distinct_ids"] = draw(st.lists(MP_IDS, min_size=1, max_size=3))
    op: dict[str, Any] = {"op": "ingest", "event": event}
    if draw(st.integers(0, 3)) > 0:
        op["distinct_id"] = draw(MP_IDS)
    if properties:
        op["properties"] = properties
    if draw(st.integers(0, 6)) == 0:
        op["timestamp"] = draw(TIMES)
    return op


@st.composite
def mixpanel_scripts(draw: st.DrawFn, max_size: int = 20) -> list[dict[str, Any]]:
    """A Mixpanel config (either mode), then SDK calls on two devices and ``/import`` events."""
    kinds = draw(
        st.lists(
            st.sampled_from(["sdk", "sdk", "ingest", "ingest", "ingest", "any"]),
            min_size=8,
            max_size=max_size,
        )
    )
    makers = {"sdk": mixpanel_client_ops(), "ingest": mixpanel_ingest_ops(), "any": client_ops()}
    return [draw(MP_CONFIGS), *(draw(makers[kind]) for kind in kinds)]


def mixpanel_client_ops() -> st.SearchStrategy[dict[str, Any]]:
    """SDK calls that log in, switch users, alias and reset on two devices."""
    device = st.sampled_from([None, None, "phone"])
    users = st.sampled_from(["u1", "u2", "a1", "u1"])
    return st.one_of(
        st.builds(lambda d: _client("capture", device=d, event="e"), device),
        st.builds(lambda d: _client("capture", device=d, event="e"), device),
        st.builds(lambda d, u: _client("identify", device=d, distinct_id=u), device, users),
        st.builds(lambda d, u: _client("identify", device=d, distinct_id=u), device, users),
        st.builds(lambda d, u: _client("alias", device=d, alias=u), device, users),
        st.builds(lambda d: _client("reset", device=d), device),
    )


@st.composite
def mixpanel_cap_scripts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Original mode: ``$merge`` lines grow cluster ``big`` to 497..500 ids, a small cluster
    gets 1..3, then merges of all three kinds join them: the 500-id cap at its boundary."""
    size = draw(st.integers(497, 500))
    lines: list[dict[str, Any]] = [{"config": {"vendor": "mixpanel", "id_merge": "original"}}]
    for n in range(1, size):
        lines.append(
            {"op": "ingest", "event": "$merge", "properties": {"$distinct_ids": ["big", f"b{n}"]}}
        )
    small = draw(st.integers(1, 3))
    lines.append({"op": "ingest", "event": "e", "distinct_id": "small"})
    for n in range(1, small):
        lines.append(
            {"op": "ingest", "event": "$merge", "properties": {"$distinct_ids": ["small", f"s{n}"]}}
        )
    joins = [
        {"op": "ingest", "event": "$merge", "properties": {"$distinct_ids": ["big", "small"]}},
        {
            "op": "ingest",
            "event": "$create_alias",
            "distinct_id": "big",
            "properties": {"alias": "small"},
        },
        {
            "op": "ingest",
            "event": "$identify",
            "properties": {"$identified_id": "big", "$anon_id": MP_UUIDS[0]},
        },
        {
            "op": "ingest",
            "event": "$merge",
            "properties": {"$distinct_ids": ["small", MP_UUIDS[1]]},
        },
    ]
    lines.extend(draw(st.lists(st.sampled_from(joins), min_size=1, max_size=4)))
    return lines
