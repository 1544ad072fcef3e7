"""The docs are executable rules: every rule has an id, a MUST sentence, a source, examples
that run (identity_model_spec/test_cases.py runs them), and exactly one place in the code."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from identity_model.io.report import run_objects
from identity_model.io.rules import rules, rules_dir
from identity_model.rules import rule_ids
from identity_model_spec.cases import CASES_DIR, load_cases
from tests.rule_examples import examples

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "identity_model"
# The rule digest's id ranges (shared/spec/rules.md) this release covers.
DIGEST_IDS = (
    [f"SV-{n:02d}" for n in range(1, 34)]
    + [f"CL-{n:02d}" for n in range(1, 28)]
    + ["CL-M1", "CL-M2", "CL-M3", "CL-M4", "CL-C1"]
    + [f"PR-{n:02d}" for n in range(1, 8)]
    + [f"EL-{n:02d}" for n in range(1, 5)]
    + [f"CIO-{n:02d}" for n in range(1, 15)]
    # --- Amplitude (issue #14) ---
    + [f"AMP-{n:02d}" for n in range(1, 17)]
    + ["PRV-07", "PRV-08"]
    # --- end Amplitude ---
    + [f"SEG-{n:02d}" for n in range(1, 16)]
    + ["PRV-05", "PRV-06"]  # Segment (issue #14)
    # --- Mixpanel (issue #14) ---
    + [f"MIX-{n:02d}" for n in range(1, 22)]
    + [f"PRV-{n:02d}" for n in range(1, 5)]
    # --- end Mixpanel ---
)


def _code_markers(rule_id: str) -> list[str]:
    """Places citing ``rule_id`` as code: the quoted id a reducer records, or a ``# ID:`` note.

    Citations a few lines apart in one file (a comment over the line that records the id) are
    one place."""
    pattern = re.compile(rf'"{re.escape(rule_id)}"|#\s*{re.escape(rule_id)}:')
    places: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "rules.py":  # declares every id (typed), implements none
            continue
        last = -100
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                if number - last > 5:
                    places.append(f"{path.relative_to(ROOT)}:{number}")
                last = number
    return places


def test_pages_are_found() -> None:
    assert rules_dir() is not None
    assert rules()


@pytest.mark.parametrize("rule_id", DIGEST_IDS)
def test_every_digest_rule_is_documented(rule_id: str) -> None:
    rule = rules().get(rule_id)
    assert rule is not None, f"{rule_id} has no heading in docs/rules"
    assert "MUST" in rule.must, f"{rule_id} has no MUST sentence"
    assert rule.source, f"{rule_id} has no source"


@pytest.mark.parametrize("rule_id", sorted(rules()))
def test_every_rule_has_an_example(rule_id: str) -> None:
    cited = {rule for case in load_cases([ROOT / "docs" / "rules"]) for rule in case.rules}
    cited |= {rule for example in examples() for rule in example.data["rules"]}
    assert rule_id in cited, f"no ```case, ```price or ```eligibility example cites {rule_id}"


@pytest.mark.parametrize("rule_id", sorted(rules()))
def test_every_rule_has_exactly_one_code_place(rule_id: str) -> None:
    places = _code_markers(rule_id)
    assert len(places) == 1, f"{rule_id} is cited in {len(places)} code places: {places}"


def test_case_ids_are_unique() -> None:
    counts = Counter(case.id for case in load_cases([ROOT / "docs" / "rules"]))
    assert [case_id for case_id, n in counts.items() if n > 1] == []


def test_case_corpus_is_exported_from_the_pages() -> None:
    """identity_model_spec/cases is `python -m identity_model_spec.cases docs/rules`: rerun it
    after editing."""
    from_pages = {case.id: case.as_json() for case in load_cases([ROOT / "docs" / "rules"])}
    shipped = {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in CASES_DIR.glob("*.json")
    }
    assert shipped == from_pages


def test_every_rule_a_step_records_is_declared_and_documented() -> None:
    """The rules a step records (``--explain``, the replay table, the tally) are real ids: one
    wrong or missing entry in a reducer's list fails here, not only under mypy."""
    declared, documented = rule_ids(), set(rules())
    for case in load_cases([CASES_DIR]):
        for record in run_objects(list(case.script)).records:
            assert all(isinstance(rule, str) for rule in record.rules), (case.id, record)
            assert set(record.rules) <= declared & documented, (case.id, record.rules)
