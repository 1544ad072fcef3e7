"""Segment scripts: the implementation under test against the naive oracle, and the laws every
Segment report obeys (SEG rules; format extension "Segment")."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from identity_model_spec import oracle
from identity_model_spec.protocol import Adapter
from identity_model_spec.strategies_segment import (
    mapping_cap_scripts,
    merge_cap_scripts,
    segment_scripts,
)


def segment_violations(report: dict[str, Any]) -> list[str]:
    """What is wrong with a Segment report, whatever the script."""
    found: list[str] = []
    usage, events, persons = report["usage"], report["events"], report["persons"]
    months = usage["months"]
    if usage["api_calls"] != len(events):  # SEG-14
        found.append(f"api_calls {usage['api_calls']} != {len(events)} calls")
    if usage["api_calls"] != sum(month["api_calls"] for month in months.values()):
        found.append("api_calls is not the sum of the months")
    if usage["mtu"] != sum(month["mtu"] for month in months.values()):
        found.append("mtu is not the sum of the months")
    if usage["anonymous_events"] + usage["identified_events"] != len(events):
        found.append("every call is billed anonymous or identified")
    ids = {event["user_id"] for event in events} | {event["anonymous_id"] for event in events}
    if usage["mtu"] > len(ids - {None}) * max(1, len(months)):
        found.append("more MTUs than ids")
    keys = [person["distinct_ids"] for person in persons]
    if keys != sorted(keys):
        found.append("persons not ordered by their sorted distinct ids")
    for person in persons:
        if person["merges"] > 100 or len(person["distinct_ids"]) > 1000:  # SEG-10
            found.append(f"a profile past a cap: {person['merges']} merges")
        values = [value for values in person["identifiers"].values() for value in values]
        if sorted(set(values)) != person["distinct_ids"]:
            found.append(f"distinct_ids are not the identifier values: {person}")
        kinds = person["identifiers"]
        identified = bool(kinds.get("user_id") or kinds.get("email"))
        if person["is_identified"] is not identified:  # SEG-15
            found.append(f"is_identified wrong: {person}")
    for event in events:
        if event["billed_as"] != ("identified" if event["user_id"] else "anonymous"):
            found.append(f"billed_as is not whether the call had a userId: {event}")
        if event["type"] == "alias" and event["person"] is not None:  # SEG-04
            found.append(f"an alias call reached Unify: {event}")
    return found


def check(impl: Adapter, script: list[dict[str, Any]]) -> dict[str, Any]:
    report = impl(script)
    expected = oracle.run(script)
    for key in ("steps", "events", "persons", "usage"):
        assert report.get(key) == expected[key], f"{key}: oracle {expected[key]!r}"
    violations = segment_violations(report)
    assert not violations, violations
    return report


def test_segment_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(segment_scripts())
    def run(script: list[dict[str, Any]]) -> None:
        check(identity_impl, script)

    run()


def test_merge_cap_matches_oracle(identity_impl: Adapter) -> None:
    @settings(max_examples=6)
    @given(merge_cap_scripts())
    def run(script: list[dict[str, Any]]) -> None:
        report = check(identity_impl, script)
        hub = next(p for p in report["persons"] if "hub" in p["distinct_ids"])
        assert hub["merges"] == min(100, len(script) // 2 - 1)

    run()


def test_mapping_cap_matches_oracle(identity_impl: Adapter) -> None:
    @settings(max_examples=3)
    @given(mapping_cap_scripts())
    def run(script: list[dict[str, Any]]) -> None:
        report = check(identity_impl, script)
        held = next(p for p in report["persons"] if "u1" in p["distinct_ids"])
        assert len(held["distinct_ids"]) <= 1000

    run()


def test_mtus_do_not_depend_on_unify(identity_impl: Adapter) -> None:
    """SEG-13: MTUs and API calls are counted from the calls before Unify, so no identity
    resolution setting (not even turning Unify off) changes the usage."""

    @given(segment_scripts())
    def run(script: list[dict[str, Any]]) -> None:
        connections_only = [{"config": {"vendor": "segment", "unify": False}}, *script[1:]]
        assert identity_impl(script)["usage"] == identity_impl(connections_only)["usage"]

    run()
