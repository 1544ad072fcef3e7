"""The docs are executable rules: every rule has an id, a MUST sentence, a source, examples
that run (spec_tests/test_cases.py runs them), and exactly one place in the code."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from identity_model.ruledocs import rules, rules_dir
from spec_tests.cases import CASES_DIR, load_cases

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "identity_model"
DIGEST_RANGES = {"SV": 33}  # the rule digest's id ranges (shared/spec/rules.md) this release covers


def _code_markers(rule_id: str) -> list[str]:
    """Lines citing ``rule_id`` as code: the quoted id a reducer records, or a ``# ID:`` note."""
    pattern = re.compile(rf'"{re.escape(rule_id)}"|#\s*{re.escape(rule_id)}:')
    return [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_pages_are_found() -> None:
    assert rules_dir() is not None
    assert rules()


@pytest.mark.parametrize(
    "rule_id",
    [f"{prefix}-{n:02d}" for prefix, top in DIGEST_RANGES.items() for n in range(1, top + 1)],
)
def test_every_digest_rule_is_documented(rule_id: str) -> None:
    rule = rules().get(rule_id)
    assert rule is not None, f"{rule_id} has no heading in docs/rules"
    assert "MUST" in rule.must, f"{rule_id} has no MUST sentence"
    assert rule.source, f"{rule_id} has no source"


@pytest.mark.parametrize("rule_id", sorted(rules()))
def test_every_rule_has_an_example(rule_id: str) -> None:
    cited = {rule for case in load_cases([ROOT / "docs" / "rules"]) for rule in case.rules}
    assert rule_id in cited, f"no ```case example cites {rule_id}"


@pytest.mark.parametrize("rule_id", sorted(rules()))
def test_every_rule_has_exactly_one_code_place(rule_id: str) -> None:
    places = _code_markers(rule_id)
    assert len(places) == 1, f"{rule_id} is cited in {len(places)} code places: {places}"


def test_case_ids_are_unique() -> None:
    counts = Counter(case.id for case in load_cases([ROOT / "docs" / "rules"]))
    assert [case_id for case_id, n in counts.items() if n > 1] == []


def test_case_corpus_is_exported_from_the_pages() -> None:
    """spec_tests/cases is `python -m spec_tests.cases docs/rules`; rerun it after editing."""
    from_pages = {case.id: case.as_json() for case in load_cases([ROOT / "docs" / "rules"])}
    shipped = {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in CASES_DIR.glob("*.json")
    }
    assert shipped == from_pages
