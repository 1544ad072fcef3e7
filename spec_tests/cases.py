"""The JSON case corpus (format §4): loading cases, extracting them from the rule pages, and
checking a report against a case's partial expectation.

Matching: every key given in ``expect`` must match; keys not given are not checked. Objects
match key by key (partially); ``steps`` and ``events`` match by position and length;
``persons`` match as a set keyed by ``distinct_ids``; other values must be equal.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CASES_DIR = Path(__file__).parent / "cases"
CASE_BLOCK = re.compile(r"^```case\n(.*?)^```", re.DOTALL | re.MULTILINE)
CASE_KEYS = {"id", "description", "rules", "script", "expect"}
OPTIONAL_KEYS = {"source"}  # where the scenario comes from (an upstream file and test name)


class CaseFormatError(Exception):
    """A case file or block that is not a §4 case."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    id: str
    description: str
    rules: tuple[str, ...]
    script: tuple[dict[str, Any], ...]
    expect: dict[str, Any]
    origin: str
    source: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "description": self.description,
            "rules": list(self.rules),
        }
        if self.source is not None:
            data["source"] = self.source
        data["script"] = list(self.script)
        data["expect"] = self.expect
        return data


def case_from_json(data: Any, origin: str) -> Case:
    if not isinstance(data, dict) or not CASE_KEYS <= set(data) <= CASE_KEYS | OPTIONAL_KEYS:
        raise CaseFormatError(
            f"{origin}: a case has the keys {sorted(CASE_KEYS)} (and optionally "
            f"{sorted(OPTIONAL_KEYS)})"
        )
    if "source" in data and not isinstance(data["source"], str):
        raise CaseFormatError(f"{origin}: source must be a string")
    if not isinstance(data["script"], list) or not all(
        isinstance(op, dict) for op in data["script"]
    ):
        raise CaseFormatError(f"{origin}: script must be a list of objects")
    if not isinstance(data["expect"], dict):
        raise CaseFormatError(f"{origin}: expect must be an object")
    return Case(
        id=str(data["id"]),
        description=str(data["description"]),
        rules=tuple(str(rule) for rule in data["rules"]),
        script=tuple(data["script"]),
        expect=data["expect"],
        origin=origin,
        source=data.get("source"),
    )


def cases_in_markdown(text: str, origin: str) -> Iterator[Case]:
    """Every ```` ```case ```` block of a rule page, in order."""
    for match in CASE_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        where = f"{origin}:{line}"
        try:
            data = json.loads(match.group(1))
        except json.JSONDecodeError as error:
            raise CaseFormatError(f"{where}: not JSON: {error}") from error
        yield case_from_json(data, where)


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Cases from files and folders: ``*.json`` case files and ``*.md`` rule pages."""
    found: list[Case] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                load_cases(sorted(p for p in path.rglob("*") if p.suffix in (".json", ".md")))
            )
        elif path.suffix == ".md":
            found.extend(cases_in_markdown(path.read_text(encoding="utf-8"), str(path)))
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                raise CaseFormatError(f"{path}: not JSON: {error}") from error
            found.append(case_from_json(data, str(path)))
    return found


def corpus() -> list[Case]:
    """The shipped corpus, ``spec_tests/cases/*.json``."""
    return load_cases([CASES_DIR])


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` fails the partial expectation ``expected``; empty when it matches."""
    here = path or "report"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{here}: expected an object, got {actual!r}"]
        found: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{here}.{key}: missing")
            elif path == "" and key == "persons":
                found.extend(_person_differences(value, actual[key]))
            else:
                found.extend(differences(value, actual[key], f"{here}.{key}"))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{here}: expected a list, got {actual!r}"]
        if len(expected) != len(actual):
            return [f"{here}: expected {len(expected)} entries, got {len(actual)}: {actual!r}"]
        found = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found.extend(differences(want, got, f"{here}[{index}]"))
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{here}: expected {expected!r}, got {actual!r}"]
    return []


def _person_differences(expected: Any, actual: Any) -> list[str]:
    if not isinstance(expected, list) or not isinstance(actual, list):
        return differences(expected, actual, "report.persons")
    by_ids = {tuple(person.get("distinct_ids", ())): person for person in actual}
    found: list[str] = []
    if len(expected) != len(actual):
        found.append(
            f"report.persons: expected {len(expected)} persons, got {len(actual)}: "
            f"{[person.get('distinct_ids') for person in actual]!r}"
        )
    for person in expected:
        ids = tuple(person.get("distinct_ids", ()))
        if ids not in by_ids:
            found.append(f"report.persons: no person with distinct_ids {list(ids)!r}")
            continue
        found.extend(differences(person, by_ids[ids], f"report.persons[{list(ids)!r}]"))
    return found


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
    """``python -m spec_tests.cases DOCS_DIR``: regenerate ``spec_tests/cases`` from rule pages."""
    docs = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    cases = load_cases([docs])
    for stale in CASES_DIR.glob("*.json"):
        stale.unlink()
    for path in export(cases, CASES_DIR):
        print(path)


if __name__ == "__main__":
    main()
