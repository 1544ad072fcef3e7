"""The Segment reducer, directly: caps at their boundaries, merge counts, config reading,
analytics.js details. Every expectation is worked out from docs/rules/segment.md by hand."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from identity_model import load_segment_book, price_segment_months, run_objects, vendor_named
from identity_model.errors import Code, IdentityError
from identity_model.operations import (
    Alias,
    Capture,
    CreatePersonProfile,
    Identify,
    Ingest,
    Operation,
    Reset,
    SetPersonProperties,
)
from identity_model.outcome import Status, Step
from identity_model.vendors.segment.calls import CallType, SegmentCall
from identity_model.vendors.segment.config import IdType, SegmentConfig, Window, parse_unify
from identity_model.vendors.segment.reducer import SegmentState, decide, evolve
from identity_model.vendors.segment.report import report_parts

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def state_of(unify: Any = None) -> SegmentState:
    settings = parse_unify({} if unify is None else unify)
    return SegmentState(config=SegmentConfig(unify=settings))


class Run:
    """Applies operations one by one, keeping the steps and the calls."""

    def __init__(self, state: SegmentState) -> None:
        self.state = state
        self.steps: list[Step] = []
        self.calls: list[tuple[int, SegmentCall]] = []

    def apply(self, op: Operation) -> Step:
        step, facts = decide(self.state, op)
        if step.status is Status.APPLIED:
            assert facts is not None
            self.state = evolve(self.state, facts)
            if facts.call is not None:
                self.calls.append((len(self.steps), facts.call))
        else:
            assert facts is None
        self.steps.append(step)
        return step

    def apply_all(self, ops: Iterable[Operation]) -> None:
        for op in ops:
            self.apply(op)

    def report(self) -> dict[str, Any]:
        return report_parts(self.state, self.calls)

    def persons(self) -> list[tuple[list[str], int]]:
        return [(p["distinct_ids"], p["merges"]) for p in self.report()["persons"]]


def track(user: str | None, anonymous: str | None, n: int, **extra: Any) -> Ingest:
    properties: dict[str, Any] = dict(extra)
    if anonymous is not None:
        properties["$device_id"] = anonymous
    return Ingest(distinct_id=user, event="e", properties=properties, timestamp=at(n))


def identify_call(user: str | None, anonymous: str | None, email: str, n: int) -> Ingest:
    properties: dict[str, Any] = {"$set": {"email": email}}
    if anonymous is not None:
        properties["$device_id"] = anonymous
    return Ingest(distinct_id=user, event="$identify", properties=properties, timestamp=at(n))


# --- SEG-10: the mapping cap -------------------------------------------------------------------


def test_mapping_cap_stops_adding_at_1000_but_the_call_resolves() -> None:
    run = Run(state_of({"limits": {"anonymous_id": 5000}}))
    run.apply_all(track("u1", f"a{n:04d}", n) for n in range(999))  # u1 + 999 = 1000 mappings
    assert run.steps[-1].codes == ()
    assert len(run.report()["persons"][0]["distinct_ids"]) == 1000
    step = run.apply(track("u1", "a9999", 999))
    assert step.codes == (Code.MAPPING_LIMIT_REACHED,)
    report = run.report()
    assert len(report["persons"]) == 1
    assert "a9999" not in report["persons"][0]["distinct_ids"]
    assert report["events"][-1]["person"] == 0


def test_a_merge_past_1000_mappings_is_refused_like_a_limit() -> None:
    run = Run(state_of({"limits": {"anonymous_id": 5000}}))
    run.apply_all(track("u1", f"a{n:04d}", n) for n in range(998))  # 999 mappings
    run.apply(track(None, "x1", 998))  # its own profile
    run.apply(track(None, "x2", 999))  # and another
    # u1 + x1: 999 + 1 = 1000 mappings after the merge: allowed.
    assert run.apply(track("u1", "x1", 1000)).codes == ()
    # u1 + x2: 1000 + 1 would be 1001: the anonymousId is dropped, the call goes to u1.
    assert run.apply(track("u1", "x2", 1001)).codes == (Code.MAPPING_LIMIT_REACHED,)
    persons = run.persons()
    assert [ids for ids, _ in persons if "x2" in ids] == [["x2"]]
    hub = next(index for index, (ids, _) in enumerate(persons) if "u1" in ids)
    assert (len(persons[hub][0]), persons[hub][1]) == (1000, 1)
    assert run.report()["events"][-1]["person"] == hub


# --- SEG-10 / D-SEG-3: merge counts -------------------------------------------------------------


def test_merge_count_is_the_sum_plus_one_per_profile_absorbed() -> None:
    run = Run(state_of())
    run.apply_all(
        [
            track(None, "a1", 0),
            track(None, "a2", 1),
            track("u1", "a1", 2),
            track("u1", "a2", 3),  # merge: 1
            track(None, "a3", 4),
            track(None, "a4", 5),
            identify_call(None, "a3", "e@example.com", 6),
            identify_call(None, "a4", "e@example.com", 7),  # merge: 1
            identify_call("u1", None, "e@example.com", 8),  # 1 + 1 + 1 = 3
        ]
    )
    assert run.persons() == [(["a1", "a2", "a3", "a4", "e@example.com", "u1"], 3)]


def test_one_call_can_merge_three_profiles() -> None:
    run = Run(state_of())
    run.apply_all(
        [
            track("u1", None, 0),
            track(None, "a1", 1),
            identify_call(None, "a2", "e@example.com", 2),
            identify_call("u1", "a1", "e@example.com", 3),
        ]
    )
    assert run.persons() == [(["a1", "a2", "e@example.com", "u1"], 2)]


def test_merge_cap_at_exactly_100_is_allowed() -> None:
    run = Run(state_of({"limits": {"anonymous_id": 1000}}))
    run.apply(track("hub", None, 0))
    for n in range(1, 101):
        run.apply(track(None, f"a{n:03d}", 2 * n))
        assert run.apply(track("hub", f"a{n:03d}", 2 * n + 1)).codes == ()
    assert [merges for ids, merges in run.persons() if "hub" in ids] == [100]


# --- SEG-07 windows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "gap", "fits"),
    [
        ("weekly", timedelta(days=7), True),
        ("weekly", timedelta(days=7) - timedelta(seconds=1), False),
        ("monthly", timedelta(days=30), True),
        ("annually", timedelta(days=364), False),
        ("ever", timedelta(days=3650), False),
    ],
)
def test_a_window_counts_values_added_less_than_its_length_before(
    window: str, gap: timedelta, fits: bool
) -> None:
    run = Run(state_of({"limits": {"email": {"count": 1, "window": window}}}))
    run.apply(identify_call("u1", None, "a@example.com", 0))
    later = Ingest(
        distinct_id="u1",
        event="$identify",
        properties={"$set": {"email": "b@example.com"}},
        timestamp=T0 + gap,
    )
    step = run.apply(later)
    assert step.codes == (() if fits else (Code.IDENTIFIER_LIMIT_EXCEEDED,))
    emails = run.report()["persons"][0]["identifiers"]["email"]
    assert emails == (["a@example.com", "b@example.com"] if fits else ["a@example.com"])


# --- SEG-09 -----------------------------------------------------------------------------------


def test_a_blocked_email_is_not_promoted_and_nothing_else_is_lost() -> None:
    run = Run(state_of({"blocked_values": ["regex:@test\\.com$"]}))
    step = run.apply(identify_call("u1", "a1", "x@test.com", 0))
    assert step.status is Status.APPLIED
    assert step.codes == (Code.IDENTIFIER_BLOCKED,)
    assert run.persons() == [(["a1", "u1"], 0)]


def test_a_call_with_every_identifier_blocked_belongs_to_no_profile() -> None:
    run = Run(state_of({"blocked_values": ["$recommended"]}))
    run.apply(track("null", "0-0", 0))
    assert run.report()["persons"] == []
    assert run.report()["events"][0]["person"] is None
    assert run.report()["usage"]["mtu"] == 1  # the userId "null" still counts (SEG-13)


# --- the config line --------------------------------------------------------------------------


def test_default_settings() -> None:
    settings = parse_unify({})
    assert settings is not None
    assert settings.priority == (IdType.USER_ID, IdType.EMAIL, IdType.ANONYMOUS_ID)
    assert {kind: limit.count for kind, limit in settings.limits.items()} == {
        IdType.USER_ID: 1,
        IdType.EMAIL: 5,
        IdType.ANONYMOUS_ID: 5,
    }
    assert {limit.window for limit in settings.limits.values()} == {Window.EVER}
    assert not settings.blocked.blocks("-1")  # SEG-09: nothing is blocked unless opted into


def test_partial_priority_keeps_the_default_order_for_the_rest() -> None:
    settings = parse_unify({"priority": ["anonymous_id"]})
    assert settings is not None
    assert settings.priority == (IdType.ANONYMOUS_ID, IdType.USER_ID, IdType.EMAIL)


def test_recommended_values() -> None:
    settings = parse_unify({"blocked_values": ["$recommended"]})
    assert settings is not None
    blocked = [
        v
        for v in ["-1", "null", "anonymous", "", "0", "0-0", "10", "Null"]
        if settings.blocked.blocks(v)
    ]
    assert blocked == ["-1", "null", "anonymous", "", "0", "0-0"]


def test_unify_false_is_connections_only() -> None:
    assert parse_unify(False) is None


@pytest.mark.parametrize(
    "raw",
    [
        True,
        None,
        {"limit": {}},
        {"limits": {"phone": 3}},
        {"limits": {"user_id": 0}},
        {"limits": {"user_id": True}},
        {"limits": {"email": {"count": 2, "window": "hourly"}}},
        {"limits": {"email": {"window": "daily"}}},
        {"priority": ["email", "email"]},
        {"priority": "email"},
        {"blocked_values": ["regex:("]},
        {"blocked_values": [1]},
    ],
)
def test_bad_unify_settings_are_invalid_operations(raw: Any) -> None:
    with pytest.raises(IdentityError) as caught:
        parse_unify(raw)
    assert caught.value.code is Code.INVALID_OPERATION


# --- analytics.js -----------------------------------------------------------------------------


def test_identify_ids_as_resolveUserArguments_reads_them() -> None:
    run = Run(state_of())
    run.apply(Identify(distinct_id=42, timestamp=at(0)))
    run.apply(Identify(distinct_id=None, set={"email": "a@example.com"}, timestamp=at(1)))
    run.apply(Identify(distinct_id=1.5, timestamp=at(2)))
    users = [call.user_id for _, call in run.calls]
    assert users == ["42", "42", "1.5"]
    # null kept the stored id and merged the traits; 1.5 is another user: fresh anonymousId.
    assert [call.anonymous_id for _, call in run.calls] == [
        "default-anon-0",
        "default-anon-0",
        "default-anon-1",
    ]
    assert [call.email for _, call in run.calls] == [None, "a@example.com", None]


def test_an_empty_id_while_identified_keeps_the_user_but_drops_the_traits() -> None:
    """analytics-next User.identify: ``currentId === id`` is false for "", so the traits are
    replaced, and ``if (id)`` keeps the stored id."""
    run = Run(state_of())
    run.apply(Identify(distinct_id="u1", set={"email": "a@example.com"}, timestamp=at(0)))
    run.apply(Identify(distinct_id="", timestamp=at(1)))
    run.apply(SetPersonProperties(set={"plan": "pro"}, timestamp=at(2)))
    assert [(call.user_id, call.email) for _, call in run.calls] == [
        ("u1", "a@example.com"),
        ("u1", None),
        ("u1", None),
    ]


def test_alias_without_a_stored_user_sends_the_alias() -> None:
    run = Run(state_of())
    run.apply(Alias(alias=7, timestamp=at(0)))
    ((_, call),) = run.calls
    assert (call.type, call.user_id, call.profile) == (CallType.ALIAS, "7", None)


def test_reset_takes_the_given_anonymous_id_and_advances_the_counter() -> None:
    run = Run(state_of())
    run.apply_all(
        [
            Identify(distinct_id="u1", timestamp=at(0)),
            Reset(new_anonymous_id="fresh", timestamp=at(1)),
            Capture(event="e", timestamp=at(2)),
            Identify(distinct_id="u2", timestamp=at(3)),
            Identify(distinct_id="u3", timestamp=at(4)),
        ]
    )
    assert [call.anonymous_id for _, call in run.calls] == [
        "default-anon-0",
        "fresh",
        "fresh",  # from no user to u2: nothing regenerated
        "default-anon-2",  # u2 -> u3: the counter went 1 (reset), now 2
    ]


def test_rejected_and_ignored_steps_carry_no_facts_and_leave_the_state() -> None:
    state = state_of()
    for op in (
        CreatePersonProfile(timestamp=at(0)),
        Capture(event="e", anonymous_id="x", timestamp=at(0), device="d"),
        Ingest(distinct_id=None, event="e", timestamp=at(0)),
        Ingest(distinct_id={"a": 1}, event="e", timestamp=at(0)),
        Ingest(distinct_id="u", event="e", properties={"$device_id": False}, timestamp=at(0)),
    ):
        run = Run(state)
        run.apply(Capture(event="e", timestamp=at(0), device="d", anonymous_id="d0"))
        before = run.state
        step = run.apply(op)
        assert step.status is not Status.APPLIED
        assert run.state is before
    codes = [decide(state, Ingest(distinct_id=None, event="e", timestamp=at(0)))[0].codes]
    assert codes == [(Code.MISSING_DISTINCT_ID,)]


def test_decide_reads_only() -> None:
    run = Run(state_of())
    run.apply(track("u1", "a1", 0))
    before = run.state
    decide(before, track("u2", "a1", 1))
    assert run.state == before
    assert run.report()["persons"][0]["distinct_ids"] == ["a1", "u1"]


# --- PRV-05/06 over a replayed script ---------------------------------------------------------


def test_a_replayed_script_is_billed_month_by_month() -> None:
    script = [
        {"config": {"vendor": "segment"}},
        {"op": "capture", "event": "Viewed", "timestamp": "2026-01-31T23:59:59Z"},
        {"op": "identify", "distinct_id": "u1", "timestamp": "2026-02-01T00:00:00Z"},
        {"op": "capture", "event": "Viewed", "device": "phone"},
    ]
    world = run_objects(script).world
    usage = vendor_named("segment").usage(world.state)
    # January: default-anon-0 alone; February: u1 (default-anon-0 associated) + phone-anon-0.
    assert {month: meters["mtu"] for month, meters in usage.items()} == {
        "2026-01": 1,
        "2026-02": 2,
    }
    book = load_segment_book()
    team = price_segment_months(usage, book, "team")
    assert {month: bill.invoice.total for month, bill in team.items()} == {
        "2026-01": Decimal("120.00"),
        "2026-02": Decimal("120.00"),
    }
    free = price_segment_months({"2026-03": {"mtu": 1001}}, book, "free")
    assert free["2026-03"].invoice.total == Decimal("0.00")
    assert free["2026-03"].flags == ("over_free_limit",)


def test_the_book_names_its_sources_and_the_third_party_schedule() -> None:
    book = load_segment_book()
    assert book.name == "segment-team-3p-lago"
    assert any("billing.md" in source for source in book.sources)
    assert any("Lago" in source for source in book.sources)
    team = book.plans["team"]
    assert team.fee == Decimal("120")
    assert [(tier.up_to, tier.unit_price) for tier in team.tiers] == [
        (10000, Decimal("0")),
        (25000, Decimal("0.012")),
        (100000, Decimal("0.011")),
        (None, Decimal("0.010")),
    ]
    assert book.plans["free"].free_limit == 1000
