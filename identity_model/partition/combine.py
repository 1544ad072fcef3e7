"""Joining the partial reports of independently replayed components into one report.

Everything a report holds is either per component or a sum over components: ``steps`` and
``events`` are placed back at their script positions; ``persons`` (each within one component)
are sorted by their sorted distinct ids, which is every vendor's person order; ``usage`` (per
month and meter too) is a sum; any other list (Customer.io's ``activity``) is ordered by the
step at which each entry was made, which the profile tells (``VendorProfile.entry_steps``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentPart:
    """One component's share of a report.

    ``steps[i]`` is the script position (global step index) of the component's i-th step;
    ``report`` is the profile's report of the component alone (``events`` with local step and
    person indices); ``entry_steps[key][j]`` is the local step that made entry j of the list
    ``report[key]``."""

    steps: Sequence[int]
    report: Mapping[str, Any]
    entry_steps: Mapping[str, Sequence[int]] = field(default_factory=dict)


def add_counts(total: dict[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """``total`` plus ``more``, numbers summed key by key, nested objects alike."""
    for key, value in more.items():
        if isinstance(value, Mapping):
            total[key] = add_counts(dict(total.get(key, {})), value)
        elif isinstance(value, bool) or not isinstance(value, int):
            total.setdefault(key, value)  # not a count: the same in every part
        else:
            total[key] = total.get(key, 0) + value
    return total


def combine_reports(parts: Sequence[ComponentPart], empty: Mapping[str, Any]) -> dict[str, Any]:
    """The vendor part of the whole script's report (``events``, ``persons``, ``usage`` and
    extras); ``empty`` is the profile's report of an empty script (keys and zero usage)."""
    persons: list[tuple[list[str], int, int, dict[str, Any]]] = []
    for number, part in enumerate(parts):
        for local, person in enumerate(part.report["persons"]):
            persons.append((sorted(map(str, person["distinct_ids"])), number, local, person))
    persons.sort(key=lambda entry: entry[0])
    person_index = {(number, local): index for index, (_, number, local, _) in enumerate(persons)}
    events: list[dict[str, Any]] = []
    for number, part in enumerate(parts):
        for event in part.report["events"]:
            placed = dict(event)
            placed["step"] = part.steps[event["step"]]
            if event.get("person") is not None:
                placed["person"] = person_index[(number, event["person"])]
            events.append(placed)
    events.sort(key=lambda event: event["step"])
    usage: dict[str, Any] = add_counts({}, empty.get("usage", {}))
    for part in parts:
        usage = add_counts(usage, part.report.get("usage", {}))
    combined: dict[str, Any] = {
        **{key: value for key, value in empty.items()},
        "events": events,
        "persons": [person for *_, person in persons],
        "usage": usage,
    }
    for key, value in empty.items():
        if key in ("events", "persons", "usage") or not isinstance(value, list):
            continue
        entries: list[tuple[int, int, Any]] = []
        for number, part in enumerate(parts):
            made = part.entry_steps.get(key)
            for index, entry in enumerate(part.report.get(key, [])):
                step = part.steps[made[index]] if made is not None else number
                entries.append((step, index, entry))
        entries.sort(key=lambda entry: (entry[0], entry[1]))
        combined[key] = [entry for *_, entry in entries]
    return combined


def combine_summaries(parts: Sequence[Mapping[str, int]]) -> dict[str, int]:
    """``persons`` and ``identified_persons`` of components add up."""
    total: dict[str, Any] = {}
    for part in parts:
        total = add_counts(total, part)
    return total
