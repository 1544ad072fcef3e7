"""This package as an implementation under test, and what ``check`` needs of the suite.

An adapter is any callable ``run(script: list[dict]) -> dict``: it takes a script as JSON
objects (config first, if any; line n is ``script[n-1]``) and returns the report of the
conformance format.
``pytest -p identity_model_spec.plugin --identity-impl=identity_model.conformance:run``.

A case (format §4) is a script and a partial expectation of its report; ``differences``
says where a report fails one. Loading case files and rule pages is in ``io.cases``.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from identity_model.io.report import build_report, run_objects

Script: TypeAlias = Sequence[dict[str, Any]]
Report: TypeAlias = dict[str, Any]
Adapter: TypeAlias = Callable[[Script], Report]

DEFAULT_IMPL = "identity_model.conformance:run"
CASE_KEYS = {"id", "description", "rules", "script", "expect"}
OPTIONAL_KEYS = {"source"}  # where the scenario comes from (an upstream file and test name)
EXACT = "$exact"  # an expected object holding "$exact": true must match key for key


def run(script: Sequence[Any]) -> dict[str, Any]:
    """Replay ``script`` and return its ``identity-model-report/1`` report."""
    result = run_objects(script)
    return build_report(result.records, result.world)


# --- adapters -------------------------------------------------------------------------------


class AdapterLoadError(Exception):
    """The ``--identity-impl`` value does not name a callable."""


_SPEC = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:([A-Za-z_][A-Za-z0-9_]*)?)?"
)


def load_adapter(spec: str) -> Adapter:
    """``package.module:function`` (``:run`` when omitted) → the adapter callable.

    Every way this can fail is an ``AdapterLoadError`` (#17): a spec that names no module
    (``''``, ``:``), a module that cannot be imported or raises while importing, a name that
    is not a callable taking one argument (the script)."""
    if not _SPEC.fullmatch(spec):
        raise AdapterLoadError(
            f"{spec!r} is not module:function (e.g. my_package.adapter:run; ':run' is the default)"
        )
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise AdapterLoadError(f"cannot import {module_name!r}: {error}") from error
    except Exception as error:  # the module's own code failed while importing
        raise AdapterLoadError(
            f"cannot import {module_name!r}: it raised {type(error).__name__}: {error}"
        ) from error
    adapter = getattr(module, attribute or "run", None)
    if not callable(adapter):
        raise AdapterLoadError(f"{spec!r} is not a callable adapter run(script) -> report")
    try:
        inspect.signature(adapter).bind([])
    except TypeError:
        raise AdapterLoadError(
            f"{spec!r} cannot be called with one argument, the script: run(script) -> report"
        ) from None
    except ValueError:
        pass  # no signature to inspect (a builtin): calling it will tell
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
    extra: dict[str, Any] = field(default_factory=dict)  # other keys ("comment", ...): unchecked

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "description": self.description,
            "rules": list(self.rules),
        }
        if self.source is not None:
            data["source"] = self.source
        data.update(self.extra)
        data["script"] = list(self.script)
        data["expect"] = self.expect
        return data


def case_from_json(data: Any, origin: str) -> Case:
    """A §4 case; keys beyond the five (``source``, ``comment``, ...) are kept, not checked
    (format extension of #9/#12)."""
    if not isinstance(data, dict) or not set(data) >= CASE_KEYS:
        missing = sorted(CASE_KEYS - set(data)) if isinstance(data, dict) else sorted(CASE_KEYS)
        raise CaseFormatError(f"{origin}: a case needs the keys {', '.join(missing)}")
    if "source" in data and not isinstance(data["source"], str):
        raise CaseFormatError(f"{origin}: source must be a string")
    if not isinstance(data["script"], list) or not all(
        isinstance(op, dict) for op in data["script"]
    ):
        raise CaseFormatError(f"{origin}: script must be a list of objects")
    if not isinstance(data["expect"], dict):
        raise CaseFormatError(f"{origin}: expect must be an object")
    bad = _bad_exact_flags(data["expect"], "expect")
    if bad:
        raise CaseFormatError(f"{origin}: {bad[0]}: {EXACT!r} must be true or false")
    # issue #17: every shape ``differences`` relies on is checked here, with the case's name.
    for key in ("id", "description"):
        if not isinstance(data[key], str):
            raise CaseFormatError(f"{origin}: {key} must be a string")
    rules = data["rules"]
    if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
        raise CaseFormatError(f"{origin}: rules must be a list of rule ids (strings)")
    persons = data["expect"].get("persons")
    if persons is not None and not (
        isinstance(persons, list) and all(_is_person(person) for person in persons)
    ):
        raise CaseFormatError(
            f"{origin}: expect.persons must be a list of objects whose distinct_ids, if given, "
            "is a list of strings"
        )
    return Case(
        id=str(data["id"]),
        description=str(data["description"]),
        rules=tuple(str(rule) for rule in data["rules"]),
        script=tuple(data["script"]),
        expect=data["expect"],
        origin=origin,
        source=data.get("source"),
        extra={k: v for k, v in data.items() if k not in CASE_KEYS | OPTIONAL_KEYS},
    )


def _bad_exact_flags(expected: Any, path: str) -> list[str]:
    """Where ``expected`` holds a ``"$exact"`` that is not a boolean."""
    if isinstance(expected, dict):
        found = [path] if EXACT in expected and not isinstance(expected[EXACT], bool) else []
        for key, value in expected.items():
            found.extend(_bad_exact_flags(value, f"{path}.{key}"))
        return found
    if isinstance(expected, list):
        return [
            bad
            for index, item in enumerate(expected)
            for bad in _bad_exact_flags(item, f"{path}[{index}]")
        ]
    return []


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` fails the partial expectation ``expected``; empty when it matches.

    Every key given in ``expect`` must match; keys not given are not checked. Objects match
    key by key (partially), or exactly when they hold ``"$exact": true``; ``steps`` and
    ``events`` match by position and length; ``persons`` match as a set keyed by
    ``distinct_ids``; other values must be equal."""
    here = path or "report"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{here}: expected an object, got {actual!r}"]
        found: list[str] = []
        for key, value in expected.items():
            if key == EXACT:
                continue
            if key not in actual:
                found.append(f"{here}.{key}: missing")
            elif path == "" and key == "persons":
                found.extend(_person_differences(value, actual[key]))
            else:
                found.extend(differences(value, actual[key], f"{here}.{key}"))
        if expected.get(EXACT) is True:
            found.extend(
                f"{here}.{key}: not expected (exact object), got {actual[key]!r}"
                for key in sorted(set(actual) - set(expected))
            )
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


def _is_person(person: Any) -> bool:
    if not isinstance(person, dict):
        return False
    ids = person.get("distinct_ids", [])
    return isinstance(ids, list) and all(isinstance(one, str) for one in ids)


def _person_differences(expected: Any, actual: Any) -> list[str]:
    if not isinstance(expected, list) or not isinstance(actual, list):
        return differences(expected, actual, "report.persons")
    if not all(_is_person(person) for person in actual):  # an adapter's own shape (#17)
        return [f"report.persons: expected objects with distinct_ids lists, got {actual!r}"]
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
