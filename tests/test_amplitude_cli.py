"""The command line under the Amplitude profile (issue #14): replay and price."""

from __future__ import annotations

import json
from typing import Any, cast

from identity_model.conformance import run
from tests.test_cli import cli

# rules-vendors.md, "Vendor-neutral traffic": the worked example.
WORKED = [
    {"config": {"vendor": "amplitude"}},
    {"op": "capture", "device": "web", "event": "view"},
    {"op": "capture", "device": "app", "event": "view"},
    {"op": "identify", "device": "app", "distinct_id": "user-42"},
    {"op": "capture", "device": "app", "event": "view"},
    {"op": "identify", "device": "app", "distinct_id": "user-77"},
    {"op": "capture", "device": "app", "event": "view"},
    {"op": "identify", "device": "web", "distinct_id": "user-42"},
    {"op": "capture", "device": "web", "event": "view"},
]


def _script(lines: list[dict[str, object]]) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_replay_the_worked_example() -> None:
    result = cli("replay", "--format", "json", "-", stdin=_script(WORKED))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The digest: {app-anon-0, web-anon-0, user-42} and {app-anon-0, user-77}, 2 MTUs.
    assert [person["distinct_ids"] for person in report["persons"]] == [
        ["app-anon-0", "user-42", "web-anon-0"],
        ["app-anon-0", "user-77"],
    ]
    assert report["usage"]["mtu"] == 2
    text = cli("replay", "-", stdin=_script(WORKED))
    assert "AMP-08" in text.stdout
    assert "2026-01: 2 MTUs, 5 events" in text.stdout


def test_a_bad_min_id_length_is_a_rejected_config_line() -> None:
    config = {"config": {"vendor": "amplitude", "min_id_length": "5"}}
    # The library: a rejected step (format §1).
    report = run(cast(list[dict[str, Any]], [config]))
    assert report["steps"] == [
        {"line": 1, "op": None, "outcome": "rejected", "codes": ["invalid_operation"]}
    ]
    # The command refuses the whole run rather than replay it under the defaults (#17).
    refused = cli("replay", "--format", "json", "-", stdin=_script([config]))
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.startswith("-:1: invalid_operation: ")


def test_price_starter_flags_a_breach() -> None:
    result = cli("price", "--vendor", "amplitude", "--mtu", "10_001", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["total"], data["over_free_limit"], data["model"]) == ("0.00", True, None)
    text = cli("price", "--vendor", "amplitude", "--mtu", "10001").stdout
    assert "over_free_limit" in text


def test_price_plus_needs_the_customers_price() -> None:
    refused = cli("price", "--vendor", "amplitude", "--plan", "plus", "--mtu", "5")
    assert refused.returncode == 2
    assert "customer's price" in refused.stderr
    data = json.loads(
        cli(
            "price",
            "--vendor",
            "amplitude",
            "--plan",
            "plus",
            "--unit-price",
            "0.049",
            "--purchased-mtus",
            "1000",
            "--mtu",
            "1200",
            "--events",
            "500000",
            "--format",
            "json",
        ).stdout
    )
    # PRV-08 by hand: 1,000 x 0.049 = 49.00; 200 x (1.2 x 0.049) = 11.76.
    assert data["total"] == "60.76"
    assert [(line["name"], line["amount"]) for line in data["lines"]] == [
        ("Plus plan", "49.00"),
        ("MTU overage", "11.76"),
    ]
