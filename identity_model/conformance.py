"""This package as an implementation under test, and what ``check`` needs of the suite.

An adapter is any callable ``run(script: list[dict]) -> dict``: it takes a script as JSON
objects (config first, if any; line n is ``script[n-1]``) and returns the report of the
conformance format. ``pytest -p spec_tests.plugin --identity-impl=identity_model.conformance:run``.

A case (format §4) is a script and a partial expectation of its report; ``differences``
says where a report fails one. Loading case files and rule pages is in ``io.cases``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from identity_model.io.report import build_report, run_objects

Script: TypeAlias = Sequence[dict[str, Any]]
Report: TypeAlias = dict[str, Any]
Adapter: TypeAlias = Callable[[Script], Report]

DEFAULT_IMPL = "identity_model.conformance:run"
CASE_KEYS = {"id", "description", "rules", "script", "expect"}
OPTIONAL_KEYS = {"source"}  # where the scenario comes from (an upstream file and test name)


def run(script: Sequence[Any]) -> dict[str, Any]:
    """Replay ``script`` and return its ``identity-model-report/1`` report."""
    result = run_objects(script)
    return build_report(result.records, result.world)


# --- adapters -------------------------------------------------------------------------------


class AdapterLoadError(Exception):
    """The ``--identity-impl`` value does not name a callable."""


def load_adapter(spec: str) -> Adapter:
    """``package.module:function`` (``:run`` when omitted) → the adapter callable."""
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise AdapterLoadError(f"cannot import {module_name!r}: {error}") from error
    adapter = getattr(module, attribute or "run", None)
    if not callable(adapter):
        raise AdapterLoadError(f"{spec!r} is not a callable adapter run(script) -> report")
    return adapter  # type: ignore[no-any-return]


# --- cases ----------------------------------------------------------------------------------


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


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` fails the partial expectation ``expected``; empty when it matches.

    Every key given in ``expect`` must match; keys not given are not checked. Objects match
    key by key (partially); ``steps`` and ``events`` match by position and length;
    ``persons`` match as a set keyed by ``distinct_ids``; other values must be equal."""
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
