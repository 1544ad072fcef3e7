"""Broken server-side rules, one adapter each: ``identity_model_spec.broken.server:<name>``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from identity_model_spec import oracle


class MergesIdentifiedPersons(oracle.Oracle):
    """Breaks SV-15: merges an identified source person away."""

    def refuses_identified_source(self, source: dict[str, Any], name: str) -> bool:
        return False


class StringFalseIsPersonless(oracle.Oracle):
    """Breaks SV-22: treats the string "false" like the boolean."""

    def turns_processing_off(self, flag: Any) -> bool:
        return flag is False or flag == "false"


class NoIllegalGuard(oracle.Oracle):
    """Breaks SV-06/07: merges generic ids like "null"."""

    def is_illegal(self, distinct_id: str) -> bool:
        return False


class NoForceUpgrade(oracle.Oracle):
    """Breaks SV-26: never force-upgrades a personless event of an existing person."""

    def force_upgraded(self, person: dict[str, Any], when: datetime) -> bool:
        return False


class SetOnceOverwrites(oracle.Oracle):
    """Breaks SV-18: `$set_once` overwrites like `$set`."""

    def update(self, person: dict[str, Any], props: dict[str, Any]) -> None:
        if isinstance(props.get("$set_once"), dict):
            props = {**props, "$set": {**props["$set_once"], **(props.get("$set") or {})}}
        super().update(person, props)


def merges_identified_persons(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, MergesIdentifiedPersons)


def string_false_is_personless(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, StringFalseIsPersonless)


def no_illegal_guard(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, NoIllegalGuard)


def no_force_upgrade(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, NoForceUpgrade)


def set_once_overwrites(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, SetOnceOverwrites)


def rebills_after_merge(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks PR-01/SV-31: re-bills past events as identified once their person is known."""
    report = oracle.run(script)
    for event in report["events"]:
        if event["person"] is not None and event["billed_as"] == "anonymous":
            event["billed_as"] = "identified"
    return report


class MergedPersonCreatedLater(oracle.Oracle):
    """Breaks SV-14: a merged person keeps the later of the two creation times."""

    def merged_created(self, source: datetime, target: datetime) -> datetime:
        return max(source, target)


def merged_person_created_later(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, MergedPersonCreatedLater)
