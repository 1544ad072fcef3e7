"""The Mixpanel reducer on its own: purity, the cluster cap at its boundary, no cap in
simplified, the MTU count, config reading; the book and its pricing. (The model against the
oracle on random scripts: identity_model_spec/test_vendor_mixpanel.py.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from identity_model.billing.mixpanel import price_month, price_months
from identity_model.cli import main
from identity_model.errors import Code, IdentityError
from identity_model.io.books import load_mixpanel_book as load_book
from identity_model.operations import Capture, CreatePersonProfile, Identify, Ingest
from identity_model.outcome import Status
from identity_model.vendors import mixpanel
from identity_model.vendors.mixpanel import IdMerge, MixpanelConfig, MixpanelState

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ORIGINAL = MixpanelConfig(id_merge=IdMerge.ORIGINAL)


def _apply(state: MixpanelState, op: Any) -> tuple[MixpanelState, mixpanel.Verdict]:
    verdict = mixpanel.decide(state, op)
    if verdict.step.status is Status.APPLIED:
        return mixpanel.evolve(state, verdict), verdict
    assert verdict.facts is None
    return state, verdict


def _merge(first: str, second: str) -> Ingest:
    return Ingest(
        distinct_id=None,
        event="$merge",
        properties={"$distinct_ids": [first, second]},
        timestamp=T0,
    )


def _cluster(state: MixpanelState, root: str, size: int) -> MixpanelState:
    """``root`` and ``size - 1`` more ids in one cluster, by $merge."""
    for n in range(1, size):
        state, verdict = _apply(state, _merge(root, f"{root}-{n}"))
        assert verdict.step.codes == ()
    assert state.size_of(root) == size
    return state


def test_rejected_and_ignored_steps_leave_the_state_alone() -> None:
    state = mixpanel.empty_state(MixpanelConfig())
    for op in (
        Ingest(distinct_id="null", event="e", timestamp=T0),
        Identify(distinct_id="$device:x", timestamp=T0),
        CreatePersonProfile(timestamp=T0),
    ):
        after, verdict = _apply(state, op)
        assert after is state
        assert verdict.step.status in (Status.REJECTED, Status.IGNORED)


def test_decide_reads_only() -> None:
    state = mixpanel.empty_state(MixpanelConfig())
    op = Capture(event="e", timestamp=T0)
    first, second = mixpanel.decide(state, op), mixpanel.decide(state, op)
    assert first == second
    assert state == mixpanel.empty_state(MixpanelConfig())


@pytest.mark.parametrize(
    ("big", "small", "refused"),
    [(499, 1, False), (498, 2, False), (500, 1, True), (250, 251, True)],
)
def test_cluster_cap_at_500(big: int, small: int, refused: bool) -> None:
    state = _cluster(mixpanel.empty_state(ORIGINAL), "big", big)
    state = _cluster(state, "small", small)
    after, verdict = _apply(state, _merge("big", "small"))
    if refused:
        assert verdict.step.codes == (Code.CLUSTER_LIMIT_EXCEEDED,)
        assert after.size_of("big") == big and after.size_of("small") == small
    else:
        assert verdict.step.codes == ()
        assert after.size_of("small") == big + small <= 500


def test_identify_and_alias_hit_the_cap_too() -> None:
    state = _cluster(mixpanel.empty_state(ORIGINAL), "big", 500)
    identify = Ingest(
        distinct_id=None,
        event="$identify",
        properties={"$identified_id": "big", "$anon_id": "11111111-1111-4111-8111-111111111111"},
        timestamp=T0,
    )
    alias = Ingest(
        distinct_id="big", event="$create_alias", properties={"alias": "new"}, timestamp=T0
    )
    for op in (identify, alias):
        after, verdict = _apply(state, op)
        assert verdict.step.status is Status.APPLIED
        assert verdict.step.codes == (Code.CLUSTER_LIMIT_EXCEEDED,)
        assert after.size_of("big") == 500


def test_simplified_has_no_cap() -> None:
    state = mixpanel.empty_state(MixpanelConfig())
    for n in range(600):
        op = Ingest(
            distinct_id=None,
            event="e",
            properties={"$user_id": "u", "$device_id": f"d{n}"},
            timestamp=T0,
        )
        state, verdict = _apply(state, op)
        assert verdict.step.codes == ()
    assert state.size_of("u") == 601


def test_mtu_is_events_per_thousand_for_heavy_users() -> None:
    state = mixpanel.empty_state(MixpanelConfig())
    for _ in range(2500):
        state, _verdict = _apply(state, Ingest(distinct_id="u1", event="e", timestamp=T0))
    assert mixpanel.monthly_usage(state) == {
        "2026-01": {
            "billable_events": 2500,
            "anonymous_events": 0,
            "identified_events": 2500,
            "mtu": 2,
        }
    }


@pytest.mark.parametrize(
    "body", [{"id_merge": "legacy"}, {"id_merge": 1}, {"person_profiles": "always"}]
)
def test_bad_config_is_invalid_operation(body: dict[str, Any]) -> None:
    with pytest.raises(IdentityError) as raised:
        mixpanel.parse_config(body)
    assert raised.value.code is Code.INVALID_OPERATION


def test_the_book_is_dated_data_with_its_sources() -> None:
    book = load_book()
    assert book.name == "mixpanel-events-2026"
    assert str(book.effective_from) == "2026-08-17"
    assert book.currency == "USD"
    assert any("pricing.mdx" in source for source in book.sources)
    assert book.plans["growth"].tiers[-1].unit_price == Decimal("0.00028")


@pytest.mark.parametrize(
    ("plan", "addons"),
    [("enterprise", ()), ("free", ("group_analytics",)), ("growth", ("warehouse",))],
)
def test_pricing_refuses_what_the_book_does_not_sell(plan: str, addons: tuple[str, ...]) -> None:
    with pytest.raises(IdentityError) as raised:
        price_month(1_000, load_book(), plan, addons)
    assert raised.value.code is Code.INVALID_OPERATION


def test_each_month_is_priced_on_its_own() -> None:
    bills = price_months(
        {"2026-01": {"billable_events": 1_500_000}, "2026-02": {"billable_events": 900_000}},
        load_book(),
    )
    assert {month: bill.invoice.total for month, bill in bills.items()} == {
        "2026-01": Decimal("140.00"),
        "2026-02": Decimal("0.00"),
    }


def test_price_command_reads_the_mixpanel_book(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["price", "--vendor", "mixpanel", "--events", "1100000", "--addon", "group_analytics"]
    assert main([*argv, "--format", "json"]) == 0
    bill = json.loads(capsys.readouterr().out)
    assert (bill["total"], bill["plan"], bill["over_free_limit"]) == ("39.20", "growth", False)
    assert [line["amount"] for line in bill["lines"]] == ["28.00", "11.20"]
    assert main(["price", "--vendor", "mixpanel", "--plan", "mtu", "--events", "1"]) != 0


def test_replay_command_runs_a_mixpanel_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "script.jsonl"
    lines = [
        {"config": {"vendor": "mixpanel", "id_merge": "original"}},
        {"op": "capture", "event": "e"},
        {"op": "identify", "distinct_id": "u1"},
    ]
    script.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert main(["replay", "--format", "json", str(script)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["persons"] == [
        {"distinct_ids": ["$device:default-anon-0", "u1"], "is_identified": True, "properties": {}}
    ]
    assert report["usage"]["billable_events"] == 1
