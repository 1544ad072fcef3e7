"""Laws of the SDK layer over random client scripts (issue: the SDK layer), and the rule each
SDK or ingestion step records (``replay --explain``, the tally): a rule id is part of what a step
reports, so a step that records none, or the wrong one, fails even when its outcome and event are
right."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity_model import (
    BillingKind,
    Capture,
    Identify,
    Reset,
    ScriptOp,
    ScriptReader,
    Session,
    Status,
    apply,
    empty_world,
)
from identity_model.io.report import run_objects
from identity_model.vendors.posthog.operations import MobileCapture
from identity_model_spec.strategies import client_ops, client_scripts

FLIPPING_OPS = ("identify", "alias", "group", "set_person_properties", "create_person_profile")


def reports_of(script: list[dict[str, Any]]) -> tuple[Any, list[Any]]:
    result = run_objects(script)
    return result.world, list(result.records)


@given(
    st.sampled_from(["browser", "mobile", "core"]).flatmap(
        lambda c: client_scripts("never", client=c)
    )
)
def test_never_bills_nothing_identified_and_creates_no_person(script: list[dict[str, Any]]) -> None:
    world, records = reports_of(script)
    assert world.usage.identified_events == 0
    assert all(
        record.event is None or record.event.billed_as is not BillingKind.IDENTIFIED
        for record in records
    )
    assert len(world.state.graph.persons) == 0


@given(
    st.sampled_from(["browser", "mobile", "core"]).flatmap(
        lambda c: client_scripts("always", client=c)
    )
)
def test_always_processes_every_event_with_a_person(script: list[dict[str, Any]]) -> None:
    world, records = reports_of(script)
    assert world.usage.anonymous_events == 0
    stored = [record.event for record in records if record.event and record.event.stored]
    assert all(event.processed_as is BillingKind.IDENTIFIED for event in stored)


def _single_device(op: dict[str, Any]) -> dict[str, Any]:
    op = {key: value for key, value in op.items() if key != "device"}
    if op["op"] == "capture" and "properties" in op:
        op["properties"] = {k: v for k, v in op["properties"].items() if k != "distinct_id"}
    return op


@given(st.lists(client_ops().map(_single_device), max_size=25))
def test_identified_only_bills_nothing_identified_before_the_first_flip(
    ops: list[dict[str, Any]],
) -> None:
    _, records = reports_of([{"config": {"person_profiles": "identified_only"}}, *ops])
    for op, record in zip(ops, records, strict=True):
        if op["op"] in FLIPPING_OPS and record.status is Status.APPLIED:
            break
        assert record.event is None or record.event.billed_as is not BillingKind.IDENTIFIED, (
            op,
            record,
        )


@given(
    st.lists(client_ops().map(_single_device), max_size=25),
    st.sampled_from(["browser", "mobile", "core"]),
)
def test_after_reset_next_capture_is_anonymous_and_old_id_keeps_its_person(
    ops: list[dict[str, Any]], client: str
) -> None:
    reader = ScriptReader()
    items = list(reader.read_objects([{"config": {"client": client}}, *ops]))
    session = Session(empty_world(reader.config))
    last_reset: tuple[str, int | None] | None = None
    for item in items:
        if not isinstance(item, ScriptOp):
            continue
        before = session.world
        device = before.state.device("default")
        step = session.apply(item.op)
        if isinstance(item.op, Reset) and device is not None:
            old_id = device.distinct_id
            assert session.world.person_key_of(old_id) == before.person_key_of(old_id)
            fresh = session.world.state.device("default")
            assert fresh is not None and not fresh.is_identified
            new_has_person = session.world.person_key_of(fresh.distinct_id) is not None
            last_reset = None if new_has_person else (fresh.distinct_id, None)
        elif last_reset is not None:
            if (
                isinstance(item.op, Capture)
                and step.event is not None
                and not _asks_for_person_processing(item.op)
            ):
                assert step.event.billed_as is not BillingKind.IDENTIFIED
            last_reset = None


def _asks_for_person_processing(op: Capture) -> bool:
    """A mobile capture with person data (MOB-01), or a core capture with `$groups` (CL-C3)."""
    if isinstance(op, MobileCapture):
        return bool(op.user_properties or op.user_properties_set_once or op.groups)
    return isinstance(op.properties.get("$groups"), Mapping)


@given(st.lists(client_ops(), max_size=20), st.sampled_from(["browser", "mobile", "core"]))
def test_identify_repeated_with_the_same_data_emits_nothing(
    ops: list[dict[str, Any]], client: str
) -> None:
    reader = ScriptReader()
    items = [
        item
        for item in reader.read_objects([{"config": {"client": client}}, *ops])
        if isinstance(item, ScriptOp)
    ]
    session = Session(empty_world(reader.config))
    for item in items:
        first = session.apply(item.op)
        if not isinstance(item.op, Identify):
            continue
        device = session.world.state.device(item.op.device)
        if (
            first.status is Status.APPLIED
            and device is not None
            and device.distinct_id != device.user_id
        ):
            # CL-15: after alias-then-identify the device keeps its old id while the dedup memory
            # holds the new one, so posthog-js sends the properties again (docs/rules/client.md).
            continue
        again = session.apply(item.op)
        assert again.event is None, (item.op, again)


# --- the rule each step records: read off the rule pages (docs/rules/client.md, sdks.md) -------
# (script, {step index: (outcome, rules the step must record)}); ingestion's below.
RULE_SCRIPTS: dict[str, tuple[list[dict[str, Any]], dict[int, tuple[str, set[str]]]]] = {
    "core identify": (
        [
            {"config": {"client": "core"}},
            {"op": "identify", "distinct_id": "u1"},
            {"op": "identify", "distinct_id": "u1"},
            {"op": "identify", "device": "b", "distinct_id": ""},
            {"op": "identify", "device": "c", "anonymous_id": "c-user", "distinct_id": "c-user"},
            {"op": "identify", "device": "d", "distinct_id": "", "set": {}},
        ],
        {
            # CL-C1: a different id sends $identify.
            0: ("applied", {"CL-C1"}),
            # CL-C2: the same id again changes nothing; an empty id is the current id (person
            # processing turns on); the current id while anonymous sends one $set; an empty
            # $set sends nothing but still turns processing on.
            1: ("ignored", {"CL-C2"}),
            2: ("applied", {"CL-C2"}),
            3: ("applied", {"CL-C2"}),
            4: ("applied", {"CL-C2"}),
        },
    ),
    "browser identify": (
        [
            {"op": "identify", "distinct_id": {"a": 1}},
            {"op": "identify", "distinct_id": ""},
            {"op": "identify", "distinct_id": "null"},
            {"op": "identify", "distinct_id": "u1"},
            {"op": "identify", "distinct_id": "u1"},
            {"op": "identify", "distinct_id": "u2"},
            {"op": "identify", "device": "b", "anonymous_id": "b0", "distinct_id": "b0"},
            {"op": "alias", "device": "c", "alias": "c1"},
            {"op": "identify", "device": "c", "distinct_id": "c1"},
        ],
        {
            # CL-07: the browser refuses an id of another type, a blank one and "null".
            0: ("rejected", {"CL-07"}),
            1: ("rejected", {"CL-07"}),
            2: ("rejected", {"CL-07"}),
            3: ("applied", {"CL-10"}),  # anonymous to identified: $identify
            4: ("ignored", {"CL-12"}),  # the same id again, no properties
            5: ("applied", {"CL-13"}),  # another id while identified: a silent switch
            6: ("applied", {"CL-11"}),  # the current id while anonymous: a $set
            7: ("applied", {"CL-17"}),  # alias sends $create_alias
            8: ("applied", {"CL-15"}),  # identify as the aliased id keeps the distinct id
        },
    ),
    "browser alias, properties, reset, group": (
        [
            {"op": "alias", "alias": ""},
            {"op": "set_person_properties"},
            {"op": "set_person_properties", "set": {"a": 1}},
            {"op": "set_person_properties", "set": {"a": 1}},
            {"op": "reset"},
            {"op": "group", "group_type": "", "group_key": "k"},
            {"op": "group", "group_type": "company", "group_key": "k"},
            {"op": "group", "group_type": "company", "group_key": "k"},
        ],
        {
            0: ("rejected", {"CL-16"}),  # an alias must be a non-empty string or number
            1: ("ignored", {"CL-22"}),  # setPersonProperties with nothing to set
            2: ("applied", {"CL-22"}),  # a $set event
            3: ("ignored", {"CL-14"}),  # the same properties again
            4: ("applied", {"CL-20"}),
            5: ("rejected", {"CL-23"}),  # group needs a type and a key
            6: ("applied", {"CL-23"}),  # registers the group, sends $groupidentify
            7: ("ignored", {"CL-23"}),  # same key, no properties
        },
    ),
    "mobile": (
        [
            {"config": {"client": "mobile"}},
            {"op": "identify", "distinct_id": "  "},
            {"op": "identify", "distinct_id": "u1"},
            {"op": "identify", "distinct_id": "u2"},
            {"op": "alias", "alias": "a1"},
            {"op": "group", "group_type": "company", "group_key": "k"},
            {"op": "capture", "event": "e", "distinct_id": " "},
        ],
        {
            0: ("rejected", {"CL-M1"}),  # mobile refuses only blank ids
            2: ("ignored", {"CL-M1"}),  # a different id while identified
            3: ("applied", {"CL-17", "CL-M3"}),  # mobile alias: $create_alias, no self check
            4: ("applied", {"CL-M2"}),  # mobile group asks for person processing
            5: ("rejected", {"MOB-03"}),  # a capture for a blank distinct id
        },
    ),
    "capture": (
        [
            {"op": "capture", "event": "e"},
            {"op": "capture", "device": "m", "event": "e"},
        ],
        {0: ("applied", {"CL-26"})},  # capture sends the event, never flips
    ),
    "mobile capture": (
        [{"config": {"client": "mobile"}}, {"op": "capture", "event": "e"}],
        {0: ("applied", {"MOB-01"})},
    ),
    "never": (
        [{"config": {"person_profiles": "never"}}, {"op": "identify", "distinct_id": "u1"}],
        {0: ("ignored", {"CL-05"})},  # a person call under never is a documented no-op
    ),
    "core alias": (
        [{"config": {"client": "core"}}, {"op": "alias", "alias": "a1"}],
        {0: ("applied", {"CL-C4"})},  # core alias remembers nothing
    ),
    "createPersonProfile twice": (
        [
            {"op": "create_person_profile"},
            {"op": "create_person_profile"},
        ],
        # CL-25: the first call turns processing on with one empty `$set` (sent as
        # setPersonProperties sends it, CL-22); once it is on, the call is a no-op.
        {0: ("applied", {"CL-25", "CL-22"}), 1: ("ignored", {"CL-25"})},
    ),
    "mobile reset with reuse_anonymous_id": (
        [
            {"config": {"client": "mobile", "reuse_anonymous_id": True}},
            {"op": "reset"},
            {"op": "reset", "new_anonymous_id": "x"},
        ],
        # CL-20 resets; MOB-05: with reuse_anonymous_id a new anonymous id cannot be given.
        {0: ("applied", {"CL-20"}), 1: ("rejected", {"MOB-05"})},
    ),
}


@pytest.mark.parametrize("name", sorted(RULE_SCRIPTS))
def test_each_sdk_step_records_the_rule_that_decided_it(name: str) -> None:
    script, expected = RULE_SCRIPTS[name]
    records = run_objects(script).records
    for index, (outcome, rules) in expected.items():
        record = records[index]
        assert record.status.value == outcome, (name, index, record)
        assert rules <= set(record.rules), (name, index, record.rules, rules)


# Ingestion (docs/rules/server.md): {step: (rules the step must record, rules it must not)}.
INGEST_SCRIPT = [
    {"op": "ingest", "distinct_id": "u1", "event": "e", "properties": {"$set": {"a": 1}}},
    {"op": "ingest", "distinct_id": "u1", "event": "e", "properties": {"$set": {"a": 2}}},
    {"op": "ingest", "distinct_id": "u1", "event": "$exception", "properties": {"$set": {"a": 3}}},
    {"op": "ingest", "distinct_id": "u1", "event": "e"},
    {"op": "ingest", "distinct_id": "u1", "event": "$identify"},
    {
        "op": "ingest",
        "distinct_id": "u2",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "a2"},
    },
    {"op": "ingest", "distinct_id": "u1", "event": "$pageview", "properties": {"$browser": "x"}},
    {
        "op": "ingest",
        "distinct_id": "u3",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "null"},
    },
    {"op": "ingest", "distinct_id": "", "event": "e"},
    {
        "op": "ingest",
        "distinct_id": "u1",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "a9", "$process_person_profile": False},
    },
    {"op": "ingest", "distinct_id": "a10", "event": "e"},
    {
        "op": "ingest",
        "distinct_id": "u10",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "a10"},
    },
    {
        "op": "ingest",
        "distinct_id": "u10",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "a10"},
    },
    {"op": "ingest", "distinct_id": "u11", "event": "e"},
    {
        "op": "ingest",
        "distinct_id": "u11",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "u10"},
    },
    {"op": "ingest", "distinct_id": "x1", "event": "e"},
    {"op": "ingest", "distinct_id": "x2", "event": "e"},
    {
        "op": "ingest",
        "distinct_id": "x2",
        "event": "$identify",
        "properties": {"$anon_distinct_id": "x1"},
    },
]
INGEST_RULES: dict[int, tuple[set[str], set[str]]] = {
    0: ({"SV-29"}, {"SV-30"}),  # a backend event makes an identified person
    1: ({"SV-29", "SV-18"}, set()),  # an existing person takes the event's $set
    2: ({"SV-29", "SV-34", "SV-30"}, {"SV-18"}),  # $exception changes no person, bills nothing
    3: ({"SV-29"}, {"SV-30", "SV-20", "SV-10", "SV-18"}),  # a plain event, nothing else
    4: ({"SV-29", "SV-10"}, {"SV-08"}),  # an identify without an anon id merges nothing
    5: ({"SV-29", "SV-08", "SV-09", "SV-11"}, set()),  # neither id has a person: one new
    6: ({"SV-29", "SV-20"}, set()),  # $browser is lifted into $set
    7: ({"SV-01", "SV-07"}, {"SV-11"}),  # an illegal anon id refuses the merge
    8: ({"SV-02"}, set()),  # a blank id: rejected
    9: ({"SV-01", "SV-23"}, {"SV-08"}),  # a personless merge event is dropped
    11: ({"SV-01", "SV-08", "SV-12"}, set()),  # one id has a person: the other joins it
    12: ({"SV-13"}, set()),  # both ids on one person already
    14: ({"SV-15"}, {"SV-14"}),  # an identified source is not merged away
    17: ({"SV-01", "SV-14"}, set()),  # two persons merge into the target
}


def test_each_ingested_event_records_the_rules_that_decided_it() -> None:
    records = run_objects(INGEST_SCRIPT).records
    for index, (present, absent) in INGEST_RULES.items():
        rules = set(records[index].rules)
        assert present <= rules, (index, records[index].rules, present)
        assert not absent & rules, (index, records[index].rules, absent)


def test_browser_steps_record_no_mobile_rule() -> None:
    """CL-M2 and CL-M3 are the mobile SDK's group and alias: a browser step never cites them."""
    script = [
        {"op": "alias", "alias": "a1"},
        {"op": "group", "group_type": "company", "group_key": "k"},
    ]
    for record in run_objects(script).records:
        assert record.status.value == "applied", record
        assert not {"CL-M2", "CL-M3"} & set(record.rules), record.rules


AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_an_ignored_call_on_a_known_device_returns_the_very_same_world() -> None:
    """Format §2: an ignored step changes nothing; only the first operation naming a device is
    bookkeeping (it fixes the device's anonymous id, CL-01), a later ignored call is not."""
    world = empty_world()
    world = apply(world, Identify(device="d", distinct_id="u1", timestamp=AT)).world
    outcome = apply(world, Identify(device="d", distinct_id="u1", timestamp=AT))
    assert outcome.status is Status.IGNORED
    assert not outcome.bookkeeping
    assert outcome.world is world


@pytest.mark.parametrize(
    ("properties", "allowed"),
    [
        ({}, {"CL-09", "CL-12"}),  # no properties: only `$user_id` is registered
        ({"set": {"x": 1}}, {"CL-09", "CL-12", "CL-14"}),  # the same `$set` again: deduplicated
    ],
)
def test_identify_as_the_alias_while_identified_records_its_rule(
    properties: dict[str, Any], allowed: set[str]
) -> None:
    """Identified as u1 with the alias a1, ``identify('a1')`` keeps the distinct id, sends
    nothing and only registers ``$user_id = 'a1'`` (CL-09): an applied step. No rule page says
    whether that row is CL-09's or CL-12's (#12 note), but a step that changed the device must
    record the rule that decided it, and one of those (or CL-14's dedup that sent nothing)."""
    script: list[dict[str, Any]] = [
        {"op": "identify", "distinct_id": "u1", **properties},
        {"op": "alias", "alias": "a1"},
        {"op": "identify", "distinct_id": "a1", **properties},
    ]
    record = run_objects(script).records[2]
    assert record.status is Status.APPLIED
    assert record.event is None
    assert record.rules
    assert set(record.rules) <= allowed
