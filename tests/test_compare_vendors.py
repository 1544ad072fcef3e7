"""``compare --vendors``: the cross-vendor what-if (issue #14) on the digest's worked example.

Expectations are the digest's (rules-vendors.md, end of "Vendor-neutral traffic"), never the
model's output: web anonymous, app anonymous, app logs in as user-42, the same app switches
to user-77 without reset, then web logs in as user-42."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import cli

VENDORS = "posthog,mixpanel,amplitude,segment"
PRESENT = VENDORS

# The digest's persons, per vendor (sets of distinct ids; persons as a multiset).
DIGEST: dict[str, list[frozenset[str]]] = {
    "mixpanel": [
        frozenset({"$device:app-anon-0", "$device:web-anon-0", "user-42"}),
        frozenset({"user-77"}),
    ],
    "amplitude": [
        frozenset({"app-anon-0", "web-anon-0", "user-42"}),
        frozenset({"app-anon-0", "user-77"}),
    ],
    "segment": [
        frozenset({"app-anon-0", "web-anon-0", "user-42"}),
        frozenset({"app-anon-1", "user-77"}),
    ],
}


def _example() -> str:
    result = cli("example", "--name", "vendors")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _compare_json(vendors: str) -> dict[str, Any]:
    result = cli("compare", "--vendors", vendors, "-", "--format", "json", stdin=_example())
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _persons(column: dict[str, Any]) -> list[frozenset[str]]:
    return sorted(
        (frozenset(person["distinct_ids"]) for person in column["persons"]["members"]), key=sorted
    )


def _text_persons(text: str, vendor: str) -> list[frozenset[str]]:
    """The persons the text prints under ``vendor`` in its "persons" section."""
    section = text.split("\npersons\n", 1)[1]
    block = re.search(rf"^  {re.escape(vendor)}\n((?:    .*\n)*)", section, re.MULTILINE)
    assert block is not None, section
    found = re.findall(r"\{([^}]*)\}", block.group(1))
    return sorted((frozenset(item.split(", ")) for item in found), key=sorted)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return _compare_json(PRESENT)


@pytest.fixture(scope="module")
def text() -> str:
    result = cli("compare", "--vendors", PRESENT, "-", stdin=_example())
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_worked_example_is_shipped_and_vendor_neutral() -> None:
    lines = [line for line in _example().splitlines() if line and not line.startswith("//")]
    assert len(lines) == 8  # 5 captures and 3 identifies, no config line
    assert not any('"config"' in line for line in lines)


def test_amplitude_as_the_digest_says(data: dict[str, Any], text: str) -> None:
    column = data["vendors"]["amplitude"]
    assert _persons(column) == sorted(DIGEST["amplitude"], key=sorted)  # AMP-07, AMP-08
    assert _text_persons(text, "amplitude") == sorted(DIGEST["amplitude"], key=sorted)
    assert column["meters"]["mtu"] == 2


def test_segment_as_the_digest_says(data: dict[str, Any], text: str) -> None:
    column = data["vendors"]["segment"]
    assert _persons(column) == sorted(DIGEST["segment"], key=sorted)  # SEG-03 regenerates
    assert _text_persons(text, "segment") == sorted(DIGEST["segment"], key=sorted)
    assert (column["meters"]["mtu"], column["meters"]["api_calls"]) == (2, 8)


def test_mixpanel_as_the_digest_says(data: dict[str, Any], text: str) -> None:
    column = data["vendors"]["mixpanel"]
    assert _persons(column) == sorted(DIGEST["mixpanel"], key=sorted)  # D-MIX-1
    assert _text_persons(text, "mixpanel") == sorted(DIGEST["mixpanel"], key=sorted)
    assert column["meters"]["billable_events"] == 5
    # D-MIX-1: user-77's event on the app links nothing and says so.
    assert column["codes"] == {"device_already_linked": 1}


def test_one_column_per_vendor_in_the_order_asked(data: dict[str, Any], text: str) -> None:
    assert data["format"] == "identity-model-compare-vendors/1"
    assert data["order"] == PRESENT.split(",")
    header = text.splitlines()[4].split()
    assert header == PRESENT.split(",")


def test_posthog_shows_its_person_profiles_mode(data: dict[str, Any]) -> None:
    assert data["vendors"]["posthog"]["person_profiles"] == "identified_only"  # the default
    assert data["vendors"]["segment"]["person_profiles"] is None
    forced = cli(
        "compare",
        "--vendors",
        "posthog,segment",
        "--person-profiles",
        "always",
        "-",
        "--format",
        "json",
        stdin=_example(),
    )
    assert json.loads(forced.stdout)["vendors"]["posthog"]["person_profiles"] == "always"


def test_each_vendor_is_billed_from_its_own_book(data: dict[str, Any]) -> None:
    bills = {name: column["bill"] for name, column in data["vendors"].items()}
    assert bills["segment"]["book"] == "segment-team-3p-lago"
    # PRV-06 / D-PRV-2: Team's $120 is always charged; 2 MTUs are inside the 10,000 included.
    assert bills["segment"]["months"]["2026-01"]["total"] == "120.00"
    # PRV-07: Amplitude Starter is free up to 10,000 MTUs.
    assert (bills["amplitude"]["book"], bills["amplitude"]["total"]) == ("amplitude-2026", "0.00")
    # PR: 7 PostHog events sit in the free million.
    assert bills["posthog"]["total"] == "0.00"


def test_the_config_lines_vendor_keeps_its_settings_others_their_defaults() -> None:
    script = '{"config": {"vendor": "amplitude", "min_id_length": 3}}\n' + _example()
    result = cli("compare", "--vendors", "posthog,amplitude", "-", "--format", "json", stdin=script)
    vendors = json.loads(result.stdout)["vendors"]
    assert vendors["amplitude"]["config"]["min_id_length"] == 3
    assert vendors["posthog"]["config"]["person_profiles"] == "identified_only"


def test_a_vendor_not_installed_is_a_usage_error() -> None:
    result = cli("compare", "--vendors", "posthog,nosuchvendor", "-", stdin=_example())
    assert result.returncode == 2
    assert "no vendor 'nosuchvendor' is installed" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_person_profiles_without_vendors_is_a_usage_error() -> None:
    result = cli("compare", "--person-profiles", "always", "-", stdin=_example())
    assert result.returncode == 2


def test_the_three_mode_compare_stays_the_default() -> None:
    result = cli("compare", "-", "--format", "json", stdin=_example())
    assert json.loads(result.stdout)["format"] == "identity-model-compare/1"


def test_a_file_and_standard_input_give_the_same(tmp_path: Path) -> None:
    """One pass: standard input can be read only once, and gives what the file gives."""
    path = tmp_path / "vendors.jsonl"
    path.write_text(_example(), encoding="utf-8")
    from_file = cli("compare", "--vendors", VENDORS, str(path), "--format", "json")
    assert from_file.returncode == 0, from_file.stderr
    from_stdin = _compare_json(VENDORS)
    assert json.loads(from_file.stdout)["vendors"] == from_stdin["vendors"]


def test_a_rejected_line_is_reported_once_with_the_vendors_that_rejected_it() -> None:
    script = _example() + "not json\n"
    result = cli("compare", "--vendors", "posthog,segment", "-", stdin=script)
    assert result.returncode == 1
    assert result.stderr.count(":18: invalid_operation") == 1
    assert "(posthog, segment)" in result.stderr


def test_a_vendor_without_a_book_is_compared_but_not_priced(tmp_path: Path) -> None:
    env = {**os.environ, "IDENTITY_MODEL_VENDORS": "tests.toy_vendor"}
    result = subprocess.run(
        [sys.executable, "-m", "identity_model", "compare", "--vendors", "segment,toy", "-"],
        input=_example(),
        cwd=Path(__file__).parents[1],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr
    assert "toy          not priced" in result.stdout


def test_bill_options_reach_the_vendors_that_read_them() -> None:
    # PR-03: docs_split is PostHog's other reading; no other vendor's bill reads --model.
    data = json.loads(
        cli(
            "compare",
            "--vendors",
            "posthog,segment",
            "--model",
            "docs_split",
            "-",
            "--format",
            "json",
            stdin=_example(),
        ).stdout
    )
    assert data["vendors"]["posthog"]["bill"]["terms"] == "model docs_split"
    assert data["vendors"]["segment"]["bill"]["terms"] == "plan team"
    refused = cli("compare", "--vendors", "segment,amplitude", "--model", "docs_split", "-")
    assert refused.returncode == 2
    assert "--model" in refused.stderr


def test_bill_sets_one_vendors_plan() -> None:
    result = cli(
        "compare",
        "--vendors",
        VENDORS,
        "-",
        "--format",
        "json",
        "--bill",
        "segment.plan=free",
        "--bill",
        "mixpanel.addon=group_analytics",
        "--bill",
        "amplitude.plan=plus",
        "--bill",
        "amplitude.unit_price=0.049",
        "--bill",
        "amplitude.purchased_mtus=1000",
        stdin=_example(),
    )
    assert result.returncode == 0, result.stderr
    bills = {name: column["bill"] for name, column in json.loads(result.stdout)["vendors"].items()}
    # PRV-05: Free costs nothing (2 MTUs, far under 1,000).
    assert (bills["segment"]["terms"], bills["segment"]["total"]) == ("plan free", "0.00")
    # PRV-08 by hand: 1,000 purchased MTUs x 0.049 = 49.00; 2 MTUs are no overage.
    assert (bills["amplitude"]["terms"], bills["amplitude"]["total"]) == ("plan plus", "49.00")
    # PRV-02/03: 5 events are inside the free million; the add-on is 40 % of nothing.
    assert bills["mixpanel"]["terms"] == "plan growth + group_analytics"
    assert bills["mixpanel"]["total"] == "0.00"


@pytest.mark.parametrize(
    "setting",
    ["segment.plan", "nosuch.plan=free", "segment.model=docs_split", "amplitude.unit_price=x"],
)
def test_a_bad_bill_setting_is_a_usage_error(setting: str) -> None:
    result = cli("compare", "--vendors", "segment,amplitude", "--bill", setting, "-")
    assert result.returncode == 2, setting
    assert "--bill" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_vendors_export_is_compared_too() -> None:
    """#13 with #14: a Segment export (--from) replayed under every vendor in one pass."""
    fixture = Path(__file__).parent / "fixtures" / "importers" / "segment-archive.jsonl"
    result = cli(
        "compare", "--vendors", VENDORS, "--from", "segment", str(fixture), "--format", "json"
    )
    assert result.returncode == 1  # the fixture has records every importer rejects
    data = json.loads(result.stdout)
    assert data["order"] == VENDORS.split(",")
    assert all(column["persons"]["count"] > 0 for column in data["vendors"].values())
    assert "(segment export)" in data["file"]
