"""The Amplitude reducer directly (issue #14): the vendor's own tables of Amplitude IDs, the
reducer laws, month closing, config and pricing inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity_model.billing.amplitude import (
    AmplitudePlan,
    price_month,
    price_months,
    synthetic_mtus,
)
from identity_model.errors import Code, IdentityError
from identity_model.io.books import load_amplitude_book as load_book
from identity_model.operations import Alias, Capture, Identify, Ingest, Operation, Reset
from identity_model.outcome import Status
from identity_model.vendors.amplitude import (
    PROFILE,
    AmplitudeState,
    decide,
    empty_state,
    evolve,
    parse_config,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


def event(device: str | None, user: str | None, seconds: int = 0, name: str = "e") -> Ingest:
    properties = {} if device is None else {"$device_id": device}
    return Ingest(
        distinct_id=user,
        event=name,
        properties=properties,
        timestamp=START + timedelta(seconds=seconds),
    )


def amplitude_ids(rows: list[tuple[str | None, str | None]]) -> tuple[list[int], AmplitudeState]:
    """Replay (device, user) rows; the Amplitude ID each event got, and the final state."""
    state = empty_state()
    found = []
    for n, (device, user) in enumerate(rows):
        decision = decide(state, event(device, user, n))
        assert decision.facts is not None and decision.facts.ingested is not None
        found.append(decision.facts.ingested.event.amplitude_id)
        state = evolve(state, decision)
    return found, state


# The tables of "Track unique users" (AM-U), device ids and user ids lengthened to 5 characters;
# the docs number Amplitude IDs across examples, the model from 1 in each.
@pytest.mark.parametrize(
    ("rows", "expected", "users"),
    [
        # No user ID is assigned: A 1, B 2, B 2, C 3, A 1, C 3 -> three users.
        (
            [
                ("dev-A", None),
                ("dev-B", None),
                ("dev-B", None),
                ("dev-C", None),
                ("dev-A", None),
                ("dev-C", None),
            ],
            [1, 2, 2, 3, 1, 3],
            3,
        ),
        # User ID is assigned after anonymous events: G/null 4, G/null 4, G/John 4.
        ([("dev-G", None), ("dev-G", None), ("dev-G", "john1")], [1, 1, 1], 1),
        # Same user ID on multiple devices, no anonymous events: K/Zack 5, L/Zack 5.
        ([("dev-K", "zack1"), ("dev-L", "zack1")], [1, 1], 1),
        # Multiple user IDs on the same device: R/Jane 6, null 6, Mary 7, null 7, null 7.
        (
            [
                ("dev-R", "jane1"),
                ("dev-R", None),
                ("dev-R", "mary1"),
                ("dev-R", None),
                ("dev-R", None),
            ],
            [1, 1, 2, 2, 2],
            2,
        ),
        # Same user ID on multiple devices, with anonymous events: Y/David 8, Z/null 9,
        # Z/David 8, Z/null 8; 9 is merged into 8.
        (
            [("dev-Y", "david"), ("dev-Z", None), ("dev-Z", "david"), ("dev-Z", None)],
            [1, 2, 1, 1],
            1,
        ),
    ],
)
def test_the_vendor_tables(
    rows: list[tuple[str | None, str | None]], expected: list[int], users: int
) -> None:
    found, state = amplitude_ids(rows)
    assert found == expected
    assert len(state.live_ids()) == users


def test_the_merged_id_maps_to_the_user() -> None:
    _, state = amplitude_ids([("dev-Y", "david"), ("dev-Z", None), ("dev-Z", "david")])
    assert state.root(2) == 1
    assert dict(state.merged) == {2: 1}


def test_user_ids_never_merge() -> None:
    _, state = amplitude_ids(
        [
            ("dev-X", "user-a"),
            ("dev-X", "user-b"),
            ("dev-X", "user-a"),
            ("dev-W", "user-b"),
            ("dev-W", "user-a"),
        ]
    )
    assert dict(state.merged) == {}
    assert sorted(state.carriers.values()) == ["user-a", "user-b"]


@pytest.mark.parametrize(
    "op",
    [
        event("dev-A", "null"),  # listed: rejected
        event("abc", None),  # too short, nothing left: rejected
        event(None, None),
        Alias(alias="user-1", timestamp=START),  # ignored
        Identify(distinct_id=7, timestamp=START),  # not a string: rejected
    ],
)
def test_rejected_and_ignored_change_nothing(op: Operation) -> None:
    _, state = amplitude_ids([("dev-A", "user-a")])
    decision = decide(state, op)
    assert decision.step.status is not Status.APPLIED
    assert decision.facts is None
    assert evolve(state, decision) is state


def test_decide_is_pure() -> None:
    _, state = amplitude_ids([("dev-A", None)])
    before = (state.by_device, state.months, state.next_id)
    decide(state, event("dev-A", "user-a"))
    assert (state.by_device, state.months, state.next_id) == before


def test_set_user_id_then_reset_on_a_device() -> None:
    state = empty_state()
    steps = []
    ops: list[Operation] = [
        Capture(event="view", timestamp=START),
        Identify(distinct_id="user-1", timestamp=START),
        Capture(event="view", timestamp=START),
        Reset(timestamp=START),
        Capture(event="view", timestamp=START),
    ]
    for op in ops:
        decision = decide(state, op)
        steps.append(decision)
        state = evolve(state, decision)
    sent = [d.facts.ingested.event for d in steps if d.facts and d.facts.ingested]
    assert [(e.device_id, e.user_id) for e in sent] == [
        ("default-anon-0", None),
        ("default-anon-0", "user-1"),
        ("default-anon-1", None),
    ]
    assert steps[1].facts is not None and steps[1].facts.ingested is None  # setUserId: no event


def test_a_month_is_counted_when_it_closes() -> None:
    state = empty_state()
    january = START + timedelta(days=20)
    for op in [
        event("dev-Y", "david", 0),
        Ingest(distinct_id=None, event="e", properties={"$device_id": "dev-Z"}, timestamp=january),
        Ingest(
            distinct_id="david",
            event="e",
            properties={"$device_id": "dev-Z"},
            timestamp=START + timedelta(days=40),
        ),
    ]:
        state = evolve(state, decide(state, op))
    assert state.months["2026-01"].closed_mtu == 2  # before the February merge
    assert state.months["2026-02"].closed_mtu is None


def test_config() -> None:
    assert parse_config({}).min_id_length == 5
    assert parse_config({"min_id_length": 0}).min_id_length == 0
    for bad in ({"min_id_length": -1}, {"min_id_length": "5"}, {"person_profiles": "always"}):
        with pytest.raises(IdentityError) as error:
            parse_config(bad)
        assert error.value.code is Code.INVALID_OPERATION


def test_synthetic_mtus_at_the_boundary() -> None:
    book = load_book()
    starter, plus = book.plans[AmplitudePlan.STARTER], book.plans[AmplitudePlan.PLUS]
    assert synthetic_mtus(10_000_000, 10_000, starter) == 0
    assert synthetic_mtus(10_000_999, 10_000, starter) == 0
    assert synthetic_mtus(10_001_000, 10_000, starter) == 1
    assert synthetic_mtus(1_000_000, 1_000, plus) == 0
    assert synthetic_mtus(1_000_001, 1_000, plus) == 1


def test_plus_needs_the_customers_price() -> None:
    book = load_book()
    for kwargs in ({}, {"unit_price": Decimal("0.05")}, {"purchased_mtus": 1000}):
        with pytest.raises(IdentityError):
            price_month(10, 10, book, AmplitudePlan.PLUS, **kwargs)
    with pytest.raises(IdentityError):
        price_month(10, 10, book, AmplitudePlan.PLUS, unit_price=Decimal(1), purchased_mtus=300_001)
    with pytest.raises(IdentityError):
        price_month(10, 10, book, AmplitudePlan.STARTER, unit_price=Decimal(1))


def test_a_starter_breach_is_a_flag_never_money() -> None:
    bill = price_month(1_000_000, 5_000_000_000, load_book())
    assert bill.over_free_limit
    assert bill.invoice.total == Decimal("0.00")
    assert bill.invoice.as_json()["model"] is None


# --- pricing laws ------------------------------------------------------------------------------

MTUS = st.integers(0, 400_000)
EVENTS = st.integers(0, 500_000_000)
PRICES = st.decimals(min_value=0, max_value=1, places=4)
BOUGHT = st.integers(1, 300_000)


@given(MTUS, EVENTS)
def test_starter_never_charges_and_flags_exactly_the_breach(mtu: int, events: int) -> None:
    bill = price_month(mtu, events, load_book())
    assert bill.invoice.total == 0
    assert bill.over_free_limit is (bill.total_mtu > 10_000)
    # whole thousands over the 10M guardrail
    assert bill.synthetic_mtu == max(0, events - 10_000_000) // 1000


@given(MTUS, EVENTS, PRICES, BOUGHT, st.integers(0, 5_000), st.integers(0, 5_000_000))
def test_plus_is_monotone_and_never_flagged(
    mtu: int, events: int, unit: Decimal, bought: int, more_mtu: int, more_events: int
) -> None:
    book = load_book()
    bill = price_month(
        mtu, events, book, AmplitudePlan.PLUS, unit_price=unit, purchased_mtus=bought
    )
    more = price_month(
        mtu + more_mtu,
        events + more_events,
        book,
        AmplitudePlan.PLUS,
        unit_price=unit,
        purchased_mtus=bought,
    )
    assert more.invoice.total >= bill.invoice.total
    assert not bill.over_free_limit
    assert bill.invoice.total == sum(line.amount for line in bill.invoice.lines)
    # a portion of 1,000 events over the guardrail is one more MTU
    over = max(0, events - bought * 1000)
    assert bill.synthetic_mtu * 1000 >= over > (bill.synthetic_mtu - 1) * 1000


def test_every_month_is_priced_from_the_profiles_usage() -> None:
    state = empty_state()
    for n, (device, user) in enumerate([("dev-A", None), ("dev-B", "user-b")]):
        state = evolve(state, decide(state, event(device, user, n)))
    late = Ingest(
        distinct_id=None,
        event="e",
        properties={"$device_id": "dev-C"},
        timestamp=START + timedelta(days=40),
    )
    state = evolve(state, decide(state, late))
    bills = price_months(PROFILE.usage(state), load_book())
    assert {month: bill.unique_mtu for month, bill in bills.items()} == {
        "2026-01": 2,
        "2026-02": 1,
    }
