"""Laws of the house (issues #9, #10): frozen values, the log is not the state, one billable
predicate, typed rule ids, and "rejected or ignored: the very same world" for every vendor."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from enum import Enum
from types import MappingProxyType
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from immutables import Map

from identity_model import (
    Code,
    IdentityError,
    Ingest,
    ScriptOp,
    ScriptReader,
    Session,
    Status,
    World,
    apply,
    build_report,
    empty_world,
    monthly_usage,
    parse_price_book,
    price_months,
    replay,
    run_objects,
)
from identity_model.io.books import load_price_book
from identity_model.io.rules import rules
from identity_model.rules import rule_ids
from identity_model.world import keeping_events
from identity_model_spec.strategies import customerio_scripts, mixed_scripts
from identity_model_spec.strategies_segment import segment_scripts  # Segment (issue #14)

T = datetime(2026, 1, 1, tzinfo=UTC)


def ops_and_world(script: list[dict[str, Any]]) -> tuple[list[Any], World[Any]]:
    reader = ScriptReader()
    items = list(reader.read_objects(script))
    return [item.op for item in items if isinstance(item, ScriptOp)], empty_world(reader.config)


SCRIPTS = st.one_of(mixed_scripts(), customerio_scripts(), segment_scripts())


# --- the freeze bug (#9) -------------------------------------------------------------------


def test_a_callers_mapping_proxy_cannot_change_an_old_world() -> None:
    inner = {"tier": "free"}
    op = Ingest(
        distinct_id="u",
        event="e",
        timestamp=T,
        properties={"$set": {"plan": MappingProxyType(inner)}},
    )
    world = apply(empty_world(), op).world
    inner["tier"] = "x"
    person = world.person_of("u")
    assert person is not None
    assert dict(person.properties["plan"]) == {"tier": "free"}


def reachable(value: object, seen: set[int] | None = None) -> Iterator[object]:
    """Every value reachable from ``value`` (dataclass fields, maps, sequences)."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, str | int | float | bool | Enum) or value is None:
        return
    seen.add(id(value))
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from reachable(getattr(value, item.name), seen)
    elif isinstance(value, msgspec.Struct):  # the hot-path values (events, persons, facts)
        for name in value.__struct_fields__:
            yield from reachable(getattr(value, name), seen)
    elif isinstance(value, Mapping | Map):
        for key, item in value.items():
            yield from reachable(key, seen)
            yield from reachable(item, seen)
    elif isinstance(value, tuple):
        for item in value:
            yield from reachable(item, seen)


@given(SCRIPTS)
def test_nothing_reachable_from_a_world_can_be_changed(script: list[dict[str, Any]]) -> None:
    ops, world = ops_and_world(script)
    end = replay(ops, world, keep_events=True)
    for value in reachable(end):
        with pytest.raises((AttributeError, TypeError)):
            value.__setattr__("seq", 1)
        if hasattr(value, "__getitem__") and not isinstance(value, type):
            with pytest.raises(TypeError):
                value["x"] = 1  # type: ignore[index]
            assert not hasattr(value, "append")


def _nested_properties() -> st.SearchStrategy[dict[str, Any]]:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
    values = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=6,
    )
    return st.dictionaries(st.sampled_from(["$set", "$set_once", "a", "b", "[x]"]), values)


@given(st.lists(_nested_properties(), min_size=1, max_size=4))
def test_nothing_reachable_from_a_line_read_the_fast_way_can_be_changed(
    properties: list[dict[str, Any]],
) -> None:
    """The reader's fast lane decodes a line into values nobody else holds and freezes them in
    place (#10): the operation, its events' ``sent`` and the world it makes are all frozen,
    nested objects and arrays included."""
    reader = ScriptReader()
    ops = []
    for number, props in enumerate(properties, start=1):
        line = {"op": "ingest", "distinct_id": "u", "event": "e", "properties": props}
        item = reader.read_bytes(number, json.dumps(line).encode())
        assert isinstance(item, ScriptOp)
        ops.append(item.op)
    session = Session(keeping_events(empty_world(reader.config), True))
    events = [session.apply(op).event for op in ops]
    for value in reachable((tuple(ops), tuple(events), session.world)):
        if hasattr(value, "__getitem__") and not isinstance(value, type):
            with pytest.raises(TypeError):
                value["x"] = 1  # type: ignore[index]
            assert not hasattr(value, "append")


# --- rejected or ignored: the very same world, for every vendor ------------------------------


@given(SCRIPTS)
def test_rejected_or_ignored_returns_the_same_world(script: list[dict[str, Any]]) -> None:
    ops, world = ops_and_world(script)
    session = Session(world)
    for op in ops:
        outcome = apply(world, op)
        if outcome.status is not Status.APPLIED and not outcome.bookkeeping:
            assert outcome.world is world
        if outcome.bookkeeping:
            # Bookkeeping (a device named for the first time, issue #11) shows in no report.
            assert outcome.status is not Status.APPLIED
            assert build_report([], outcome.world) == build_report([], world)
        session.apply(op)
        world = outcome.world
    assert session.world == world  # the batch equals the fold of apply


# --- the log is not the state (#10) ---------------------------------------------------------


@given(SCRIPTS)
def test_keeping_events_changes_nothing_else(script: list[dict[str, Any]]) -> None:
    kept, plain = run_objects(script, keep_events=True), run_objects(script)
    assert kept.world.state == plain.world.state
    assert kept.world.usage_by_month() == plain.world.usage_by_month()
    assert build_report(kept.records, kept.world) == build_report(plain.records, plain.world)
    assert plain.world.log is None
    assert kept.world.event_log() == [event for event in kept.events if event.stored]


# --- one billable predicate -----------------------------------------------------------------


def test_a_book_cannot_change_which_events_are_billed() -> None:
    book = json.loads(json.dumps(_book_json()))
    book["non_billable_events"] = ["$pageview"]
    with pytest.raises(IdentityError) as error:
        parse_price_book(book, "test")
    assert error.value.code is Code.INVALID_PRICE_BOOK
    assert "SV-30" in error.value.message


def _book_json() -> dict[str, Any]:
    return {
        "name": "flat",
        "effective_from": "2026-01-01",
        "currency": "EUR",
        "base": [{"up_to": None, "unit_price": "1"}],
        "addon": [{"up_to": None, "unit_price": "2"}],
    }


@given(mixed_scripts())
def test_replay_usage_and_the_invoice_count_the_same_events(script: list[dict[str, Any]]) -> None:
    result = run_objects(script)
    report = build_report(result.records, result.world)
    invoices = price_months(monthly_usage(result.world), load_price_book())
    billed = sum(line.quantity for invoice in invoices.values() for line in invoice.lines[:1])
    usage = report["usage"]
    assert billed == usage["anonymous_events"] + usage["identified_events"]
    flat = parse_price_book(_book_json(), "flat")
    total = sum(
        invoice.total for invoice in price_months(monthly_usage(result.world), flat).values()
    )
    assert total == usage["anonymous_events"] + 3 * usage["identified_events"]


# --- typed rule ids -------------------------------------------------------------------------


def test_the_typed_rule_ids_are_the_rule_pages_headings() -> None:
    assert rule_ids() == set(rules())


# --- per-vendor config ----------------------------------------------------------------------


def test_a_config_key_of_another_vendor_is_refused_by_the_model_and_the_oracle() -> None:
    from identity_model_spec import oracle  # noqa: PLC0415 (the oracle, for this one comparison)

    script = [
        {"config": {"vendor": "customerio", "person_profiles": "always"}},
        {"op": "advance", "timestamp": "2026-01-01T00:00:00Z"},
    ]
    result = run_objects(script)
    report = build_report(result.records, result.world)
    # The rejected config line leaves the default vendor (PostHog), which has no `advance`.
    assert [step["outcome"] for step in report["steps"]] == ["rejected", "rejected"]
    assert report == oracle.run(script)


def test_the_merge_table_has_a_row_for_every_situation() -> None:
    from identity_model.vendors.posthog.ingestion import MERGE_TABLE  # noqa: PLC0415

    situations = {known for known, _ in MERGE_TABLE}
    assert set(MERGE_TABLE) == {(known, d) for known in situations for d in (False, True)}
    assert len(situations) == 5
    assert {row.rule for row in MERGE_TABLE.values()} == {f"SV-{n}" for n in range(11, 17)}
