"""Pricing through the vendor protocol (issue #14): ``VendorProfile.bill`` behind ``replay``'s
cost and ``price --vendor V``. Expected figures come from the digest (rules-vendors.md, PRV
and "Decisions for the model (prices)"), worked by hand."""

from __future__ import annotations

import json

import pytest

from identity_model.vendor import ProfileBase, vendor_named
from tests.test_cli import cli


def _script(*lines: dict[str, object]) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_every_priced_vendor_declares_what_its_bill_reads() -> None:
    for name in ("posthog", "mixpanel", "amplitude", "segment"):
        inputs = vendor_named(name).price_inputs
        assert any(item.kind == "meter" for item in inputs), name
    assert vendor_named("customerio").price_inputs == ()
    assert vendor_named("customerio").bill({"2026-01": {}}, {}) is None


def test_profile_base_prices_nothing_by_default() -> None:
    assert ProfileBase.price_inputs == ()


def test_segment_team_30000_mtus_is_the_digests_355() -> None:
    # D-PRV-2: $120 + 15,000 x 0.012 + 5,000 x 0.011 = $355.00.
    result = cli("price", "--vendor", "segment", "--mtu", "30000", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["total"], data["plan"], data["over_free_limit"]) == ("355.00", "team", False)
    text = cli("price", "--vendor", "segment", "--mtu", "30000").stdout
    assert "15,000 x 0.012 = 180" in text
    assert "5,000 x 0.011 = 55" in text
    assert "355.00 USD" in text


def test_segment_free_breach_is_a_flag_never_money() -> None:
    # PRV-05 and D-PRV-4: over 1,000 MTUs on Free costs nothing and is flagged.
    data = json.loads(
        cli(
            "price", "--vendor", "segment", "--plan", "free", "--mtu", "1001", "--format", "json"
        ).stdout
    )
    assert (data["total"], data["over_free_limit"]) == ("0.00", True)
    text = cli("price", "--vendor", "segment", "--plan", "free", "--mtu", "1001").stdout
    assert "over_free_limit" in text


def test_amplitude_synthetic_mtus_are_explained() -> None:
    # AMP-14 / PRV-07: the plan's 10,000 MTUs x 1,000 = 10,000,000 events; 20,000,000 events
    # are 10,000,000 over: 10,000 synthetic MTUs, 20,001 in all.
    text = cli("price", "--vendor", "amplitude", "--mtu", "10001", "--events", "20000000").stdout
    assert "10,001 unique + 10,000 synthetic (for 20,000,000 events) = 20,001" in text
    assert "over_free_limit" in text


def test_a_flag_the_vendor_does_not_read_is_a_usage_error() -> None:
    for args in (
        ("--vendor", "amplitude", "--model", "docs_split"),
        ("--vendor", "segment", "--plan", "starter"),
        ("--vendor", "posthog", "--mtu", "5"),
        (
            "--vendor",
            "customerio",
        ),
    ):
        result = cli("price", *args)
        assert result.returncode == 2, args
        assert result.stdout == ""


@pytest.mark.parametrize(
    ("vendor", "expected"),
    [
        # PRV-06: Team's $120 is charged every month; one MTU is inside the 10,000 included.
        ("segment", "cost total: 120.00 USD (book segment-team-3p-lago, plan team)"),
        # PRV-07: Starter is free up to 10,000 MTUs.
        ("amplitude", "cost total: 0.00 USD (book amplitude-2026, plan starter)"),
    ],
)
def test_replay_prices_any_vendor_with_its_book(vendor: str, expected: str) -> None:
    script = _script(
        {"config": {"vendor": vendor}},
        {"op": "capture", "device": "web", "event": "view"},
    )
    result = cli("replay", "-", stdin=script)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert "cost 2026-01:" in result.stdout


def test_replay_book_is_refused_for_a_vendor_whose_bill_has_no_book_option() -> None:
    script = _script({"config": {"vendor": "segment"}}, {"op": "capture", "event": "view"})
    result = cli("replay", "-", "--book", "posthog-product-analytics-2026", stdin=script)
    assert result.returncode == 2
    assert "does not read --book" in result.stderr


@pytest.mark.parametrize(
    ("args", "total", "amounts"),
    [
        # D-PRV-1: 1,500,000 events: 500,000 x 0.00028 = $140.00.
        (("--events", "1500000"), "140.00", ["140.00"]),
        # D-PRV-1: 10,000,000 events: 9,000,000 x 0.00028 = $2,520.00.
        (("--events", "10000000"), "2520.00", ["2520.00"]),
        # D-PRV-1: with Group Analytics, 1,100,000 events: $28.00 + 40 % = $11.20: $39.20.
        (("--events", "1100000", "--addon", "group_analytics"), "39.20", ["28.00", "11.20"]),
    ],
)
def test_mixpanel_reproduces_the_digests_figures(
    args: tuple[str, ...], total: str, amounts: list[str]
) -> None:
    result = cli("price", "--vendor", "mixpanel", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["total"], data["plan"]) == (total, "growth")
    assert [line["amount"] for line in data["lines"]] == amounts


def test_mixpanel_mtu_plan_is_not_priced() -> None:
    # PRV-04: sales-quoted; the model does not price it.
    result = cli("price", "--vendor", "mixpanel", "--plan", "mtu", "--events", "1")
    assert result.returncode == 2
    assert "sales-quoted" in result.stderr
