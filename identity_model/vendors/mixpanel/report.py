"""Mixpanel's part of a report (format §2 + the Mixpanel extension) and its monthly usage.

Persons are the final ID clusters; each event is attributed to its distinct id's cluster at
the end of the script, so merges re-attribute earlier events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from identity_model.outcome import StepRecord
from identity_model.vendors.mixpanel.config import IdMerge
from identity_model.vendors.mixpanel.ids import is_uuid4
from identity_model.vendors.mixpanel.state import Cluster, MixpanelEvent, MixpanelState, Month

# MIX-21: the Enterprise MTU count, for information: users with a billable event in the month,
# or events / 1,000 when users average over 1,000 events.
MTU_EVENTS = 1000


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


def mtu(state: MixpanelState, month: Month) -> int:
    users = {state.cluster_of[distinct_id] for distinct_id in month.distinct_ids}
    return max(len(users), month.billable_events // MTU_EVENTS)


def monthly_usage(state: MixpanelState) -> dict[str, dict[str, int]]:
    """Per ingestion month (in order): billable events (the meter), by ``billed_as``, and MTUs
    (for information)."""
    return {
        name: {
            "billable_events": month.billable_events,
            "anonymous_events": month.anonymous_events,
            "identified_events": month.identified_events,
            "mtu": mtu(state, month),
        }
        for name, month in sorted(state.months.items())
    }


def report(state: MixpanelState, records: Sequence[StepRecord]) -> dict[str, Any]:
    """The ``events``, ``persons`` and ``usage`` of a report; ``records`` are the steps."""
    return report_parts(
        state,
        (
            (index, record.event)
            for index, record in enumerate(records)
            if isinstance(record.event, MixpanelEvent)
        ),
    )


def report_parts(
    state: MixpanelState, events: Iterable[tuple[int, MixpanelEvent]]
) -> dict[str, Any]:
    """``events``, ``persons`` and ``usage``; ``events`` pairs each event with its step index."""
    persons = persons_in_order(state)
    index = {key: number for number, (key, _) in enumerate(persons)}
    listed = []
    for step, event in events:
        # MIX-16: attributed by the final clusters, so merges re-attribute earlier events.
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
                "properties": {},  # profiles are not reported in v1 (MIX-18)
            }
            for key, ids in persons
        ],
        "usage": {
            "anonymous_events": state.anonymous_events,
            "identified_events": state.identified_events,
            "billable_events": state.anonymous_events + state.identified_events,
            "months": {
                name: {"billable_events": month.billable_events, "mtu": mtu(state, month)}
                for name, month in sorted(state.months.items())
            },
        },
    }
