"""PostHog's part of a report (format §2) and of the replay table: events attributed to the
final person of their distinct id, persons in report order, usage."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from identity_model.events import Event, total_usage
from identity_model.jsontypes import thaw
from identity_model.outcome import Step, StepRecord
from identity_model.rules import DECISIVE_SERVER_RULES
from identity_model.vendor import MonthlyUsage
from identity_model.vendors.posthog.events import ProcessedEvent
from identity_model.vendors.posthog.persons import PersonGraph, PersonKey
from identity_model.vendors.posthog.state import PostHogState, View


def usage(state: PostHogState) -> MonthlyUsage:
    return {month: state.usage[month].as_json() for month in sorted(state.usage)}


def persons_in_report_order(graph: PersonGraph) -> list[tuple[PersonKey, list[str]]]:
    """Live persons with sorted distinct ids, ordered by smallest distinct id (code points)."""
    ordered = [(key, sorted(ids)) for key, ids in graph.distinct_ids_by_person().items()]
    ordered.sort(key=lambda entry: entry[1][0])
    return ordered


def report(state: PostHogState, records: Sequence[StepRecord]) -> dict[str, Any]:
    parts = report_stream(state, records)
    parts["events"] = list(parts["events"])
    return parts


def report_stream(state: PostHogState, records: Iterable[StepRecord]) -> dict[str, Any]:
    """``report`` whose ``events`` is an iterator over ``records`` (read once, as it goes):
    memory is bounded by the persons, not by the events."""
    graph = state.graph
    persons = persons_in_report_order(graph)
    person_index = {key: index for index, (key, _) in enumerate(persons)}
    return {
        "events": _events(graph, person_index, records),
        "persons": [
            {
                "distinct_ids": ids,
                "is_identified": graph.persons[key].is_identified,
                # SV-21: no $creator_event_uuid: the model has no event uuids.
                "properties": {
                    name: thaw(value)
                    for name, value in sorted(graph.persons[key].properties.items())
                },
            }
            for key, ids in persons
        ],
        "usage": total_usage(usage(state)).as_json(),
    }


def _events(
    graph: PersonGraph, person_index: dict[PersonKey, int], records: Iterable[StepRecord]
) -> Iterator[dict[str, Any]]:
    for index, record in enumerate(records):
        event = record.event
        if event is None:
            continue
        # An event belongs to the final person of its distinct id; a dropped one to nobody.
        key = graph.key_of(event.distinct_id) if event.stored else None
        billed = event.billed_as
        yield {
            "step": index,
            "event": event.event,
            "distinct_id": event.distinct_id,
            "billed_as": None if billed is None else billed.value,
            "person": None if key is None else person_index[key],
            # The event's properties as they reached ingestion (issue #11).
            "sent": thaw(event.sent) if isinstance(event, ProcessedEvent) else {},
        }


# Presentation (the replay table), not a rule: left out of mutation testing.
def summary(state: PostHogState) -> dict[str, int]:  # pragma: no mutate block
    persons = state.graph.persons
    return {
        "persons": len(persons),
        "identified_persons": sum(1 for person in persons.values() if person.is_identified),
    }


# Presentation (the replay table), not a rule: left out of mutation testing.
def person_label(state: View, event: Event) -> str:  # pragma: no mutate block
    """``P<key>`` of the person ``event`` belongs to now, in a state or a builder ("-": none)."""
    key = state.graph.key_of(event.distinct_id) if event.stored else None
    return "-" if key is None else f"P{key}"


# Presentation (the replay table), not a rule: left out of mutation testing.
def decided_by(step: Step) -> str:  # pragma: no mutate block
    """The client rule that chose what to send, and the last server rule that decided it."""
    client = next((rule for rule in step.rules if rule.startswith("CL-")), None)
    server = next((rule for rule in reversed(step.rules) if rule in DECISIVE_SERVER_RULES), None)
    decided = " -> ".join(rule for rule in (client, server) if rule) or "-"
    return decided + (f" [{', '.join(step.codes)}]" if step.codes else "")


# Presentation (the replay table), not a rule: left out of mutation testing.
def describe(state: PostHogState) -> list[str]:  # pragma: no mutate block
    """The final persons, their ids, earlier keys and properties."""
    graph = state.graph
    earlier = graph.merged_keys()
    groups = graph.distinct_ids_by_person()
    lines = [f"persons ({len(groups)})"]
    for key, ids in sorted(groups.items(), key=lambda entry: min(entry[1])):
        person = graph.persons[key]
        merged = (
            f" (earlier also {', '.join(f'P{k}' for k in earlier[key])})" if key in earlier else ""
        )
        identified = "identified" if person.is_identified else "not identified"
        lines.append(f"  P{key}{merged}: {', '.join(sorted(ids))} — {identified}")
        nulls = 0
        for name, value in sorted(person.properties.items()):
            if value is None and name.startswith("$initial_"):
                nulls += 1  # posthog-js sends every campaign key, null when absent
                continue
            lines.append(f"      {name} = {json.dumps(thaw(value), ensure_ascii=False)}")
        if nulls:
            lines.append(f"      (and {nulls} $initial_* campaign keys = null)")
    lines.append("  Each event belongs to the final person of its distinct id (see --format json).")
    return lines
