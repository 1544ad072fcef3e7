"""Mixpanel's part of a report (format §2 + the Mixpanel extension) and its monthly usage.

Persons are the final ID clusters; each event is attributed to its distinct id's cluster at
the end of the script, so merges re-attribute earlier events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from identity_model.vendors.mixpanel.config import IdMerge
from identity_model.vendors.mixpanel.ids import is_uuid4
from identity_model.vendors.mixpanel.state import Cluster, MixpanelEvent, MixpanelState

MTU_EVENTS = 1000  # MTU_COUNT: users averaging over 1,000 events count as events / 1,000


def is_identified(state: MixpanelState, cluster: Cluster) -> bool:
    """D-MIX-8: simplified: the cluster holds a ``$user_id``; original: an id that is neither a
    device nor UUIDv4-shaped."""
    if state.config.id_merge is IdMerge.SIMPLIFIED:
        return bool(cluster.users)
    return any(not is_uuid4(distinct_id) for distinct_id in cluster.users)


def persons_in_order(state: MixpanelState) -> list[tuple[int, list[str]]]:
    """(cluster key, sorted distinct ids), ordered by the sorted ids, element by element."""
    ordered = [(key, sorted(cluster.ids)) for key, cluster in state.clusters.items()]
    ordered.sort(key=lambda entry: entry[1])
    return ordered


def monthly_usage(state: MixpanelState) -> dict[str, dict[str, int]]:
    """Per ingestion month: billable events and (for information) MTUs, months in order."""
    months: dict[str, dict[str, int]] = {}
    for month, counts in sorted(state.months.items()):
        users = {state.cluster_of[distinct_id] for distinct_id in counts.distinct_ids}
        months[month] = {
            "billable_events": counts.billable_events,
            "mtu": max(len(users), counts.billable_events // MTU_EVENTS),
        }
    return months


def report_parts(
    state: MixpanelState, events: Iterable[tuple[int, MixpanelEvent]]
) -> dict[str, Any]:
    """``events``, ``persons`` and ``usage``; ``events`` pairs each event with its step index."""
    persons = persons_in_order(state)
    index = {key: number for number, (key, _) in enumerate(persons)}
    listed = []
    for step, event in events:
        # Attributed by the final clusters (RETROACTIVE), whatever merged since.
        key = state.cluster_of.get(event.distinct_id)
        listed.append(
            {
                "step": step,
                "event": event.event,
                "distinct_id": event.distinct_id,
                "billed_as": None if event.billed_as is None else event.billed_as.value,
                "person": None if key is None else index[key],
                "device_id": event.device_id,
                "user_id": event.user_id,
            }
        )
    return {
        "events": listed,
        "persons": [
            {
                "distinct_ids": ids,
                "is_identified": is_identified(state, state.clusters[key]),
                "properties": {},  # PROFILES: not reported in v1
            }
            for key, ids in persons
        ],
        "usage": {
            "anonymous_events": state.anonymous_events,
            "identified_events": state.identified_events,
            "billable_events": state.anonymous_events + state.identified_events,
            "months": monthly_usage(state),
        },
    }
