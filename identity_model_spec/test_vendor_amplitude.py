"""Random Amplitude scripts: the implementation under test against the oracle, and the laws of
an Amplitude report (issue #14)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given

from identity_model_spec import oracle
from identity_model_spec.invariants import billing_changes
from identity_model_spec.protocol import Adapter
from identity_model_spec.strategies_amplitude import amplitude_scripts


def amplitude_violations(report: dict[str, Any]) -> list[str]:
    """What an Amplitude report must obey whatever the script."""
    found = []
    persons = report["persons"]
    users = Counter(user for person in persons for user in person["identifiers"]["user_id"])
    found += [f"user id {user!r} in {n} persons (AMP-09)" for user, n in users.items() if n > 1]
    for person in persons:
        ids = person["identifiers"]
        if len(ids["user_id"]) > 1:
            found.append(f"two user ids merged (AMP-09): {person}")
        if person["distinct_ids"] != sorted(ids["user_id"] + ids["device_id"]):
            found.append(f"distinct_ids are not its identifiers: {person}")
        if person["is_identified"] is not bool(ids["user_id"]):
            found.append(f"is_identified without a user id: {person}")
    keys = [person["distinct_ids"] for person in persons]
    if keys != sorted(keys):
        found.append("persons not ordered by their sorted distinct ids")
    for event in report["events"]:
        if event["distinct_id"] not in persons[event["person"]]["distinct_ids"]:
            found.append(f"event attributed to a person without its id: {event}")
    usage = report["usage"]
    billed = Counter(event["billed_as"] for event in report["events"])
    if usage["events"] != billed["anonymous"] + billed["identified"]:
        found.append(f"usage.events {usage['events']} != billable events {dict(billed)}")
    if usage["mtu"] != sum(month["mtu"] for month in usage["months"].values()):
        found.append("usage.mtu is not the sum of the months")
    for month, counts in usage["months"].items():
        if not 1 <= counts["mtu"] <= counts["events"]:
            found.append(f"{month}: {counts['mtu']} MTUs for {counts['events']} events")
    return found


def test_amplitude_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(amplitude_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        report = identity_impl(script)
        assert report == oracle.run(script)
        assert not amplitude_violations(report), amplitude_violations(report)

    check()


def test_amplitude_history_is_final(identity_impl: Adapter) -> None:
    """Growing a script never re-bills an event (PR-01) nor changes a closed month (AMP-13)."""

    @given(amplitude_scripts(max_size=12), amplitude_scripts(max_size=6))
    def check(script: list[dict[str, Any]], more: list[dict[str, Any]]) -> None:
        before = identity_impl(script)
        after = identity_impl(script + more[1:])
        assert not billing_changes(before, after)
        months = sorted(before["usage"]["months"])
        for month in months[:-1]:  # every month but the last one is closed
            assert after["usage"]["months"][month] == before["usage"]["months"][month]

    check()
