"""Random Mixpanel scripts: the implementation under test against the oracle, the laws of a
Mixpanel report, and the 500-id cap at its boundary (issue #14)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings

from identity_model_spec import oracle
from identity_model_spec.invariants import billing_changes, report_violations
from identity_model_spec.protocol import Adapter
from identity_model_spec.strategies_mixpanel import mixpanel_cap_scripts, mixpanel_scripts

CAP = 500


def mixpanel_violations(script: list[dict[str, Any]], report: dict[str, Any]) -> list[str]:
    """What a Mixpanel report must obey whatever the script."""
    found = report_violations(script, report)
    original = script[0]["config"].get("id_merge") == "original"
    for person in report["persons"]:
        ids = person["distinct_ids"]
        users = [i for i in ids if not i.startswith("$device:")]
        if not original and len(users) > 1:
            found.append(f"two user ids in one simplified cluster (MIX-09): {ids}")
        if original and len(ids) > CAP:
            found.append(f"a cluster of {len(ids)} ids (MIX-15)")
        if not original and person["is_identified"] is not bool(users):
            found.append(f"is_identified without a user id (D-MIX-8): {person}")
    usage = report["usage"]
    billed = Counter(event["billed_as"] for event in report["events"])
    if usage["billable_events"] != billed["anonymous"] + billed["identified"]:
        found.append(f"billable_events {usage['billable_events']} != {dict(billed)}")
    if (
        sum(month["billable_events"] for month in usage["months"].values())
        != (usage["billable_events"])
    ):
        found.append(f"months do not add up: {usage}")
    for event in report["events"]:
        if event["event"] in ("$identify", "$create_alias", "$merge") and event["billed_as"]:
            found.append(f"an identity event billed (MIX-19): {event}")
    return found


def _check(impl: Adapter, script: list[dict[str, Any]]) -> dict[str, Any]:
    report = impl(script)
    assert report == oracle.run(script)
    violations = mixpanel_violations(script, report)
    assert not violations, violations
    return report


def test_mixpanel_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(mixpanel_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        report = _check(identity_impl, script)
        # PR-01 as MIX-19 reads it: a longer script never rebills an earlier event.
        shorter = identity_impl(script[:-1]) if len(script) > 1 else None
        if shorter is not None:
            assert billing_changes(shorter, report) == []

    check()


def test_mixpanel_cluster_cap_matches_oracle(identity_impl: Adapter) -> None:
    @settings(max_examples=10)
    @given(mixpanel_cap_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        _check(identity_impl, script)

    check()
