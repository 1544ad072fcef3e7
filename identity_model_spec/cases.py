"""The JSON case corpus (format §4): the shipped cases, and exporting them from the rule pages.

Reading cases and matching a report against a case's partial expectation live in the library
(``identity_model.conformance``, ``identity_model.io.cases``: ``identity-model check`` uses
them too); they are re-exported here for the suite.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from identity_model.conformance import Case, CaseFormatError, case_from_json, differences
from identity_model.io.cases import CASE_BLOCK, cases_in_markdown, load_cases

__all__ = [
    "CASES_DIR",
    "CASE_BLOCK",
    "Case",
    "CaseFormatError",
    "case_from_json",
    "cases_in_markdown",
    "corpus",
    "differences",
    "export",
    "load_cases",
    "main",
]

CASES_DIR = Path(__file__).parent / "cases"


def corpus() -> list[Case]:
    """The shipped corpus, ``identity_model_spec/cases/*.json``."""
    return load_cases([CASES_DIR])


def export(cases: Iterable[Case], folder: Path) -> list[Path]:
    """Write each case as ``<id>.json`` (stable formatting); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in cases:
        target = folder / f"{case.id}.json"
        target.write_text(
            json.dumps(case.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append(target)
    return written


def main() -> None:
    """``python -m identity_model_spec.cases DOCS_DIR``: regenerate ``identity_model_spec/cases``
    from the rule pages."""
    docs = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    cases = load_cases([docs])
    for stale in CASES_DIR.glob("*.json"):
        stale.unlink()
    for path in export(cases, CASES_DIR):
        print(path)


if __name__ == "__main__":
    main()
