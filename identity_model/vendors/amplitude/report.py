"""The Amplitude report's ``events``, ``persons`` and ``usage`` (format §2 and its Amplitude
extension): persons are merged users, each with its user id and every device id seen on its
events; Amplitude IDs are never shown (D-AMP-6)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from identity_model.events import BillingKind
from identity_model.outcome import StepRecord
from identity_model.vendors.amplitude.state import AmplitudeEvent, AmplitudeState
from identity_model.vendors.amplitude.usage import monthly


@dataclass(frozen=True, slots=True, kw_only=True)
class MergedUser:
    """One person of the report: a merged user (its Amplitude IDs are internal)."""

    root: int
    user_ids: tuple[str, ...]  # at most one: user ids never merge
    device_ids: tuple[str, ...]

    @property
    def distinct_ids(self) -> list[str]:
        return sorted((*self.user_ids, *self.device_ids))

    @property
    def is_identified(self) -> bool:
        return bool(self.user_ids)


def merged_users(state: AmplitudeState) -> list[MergedUser]:
    """Every merged user, ordered by sorted distinct ids compared element by element."""
    devices: dict[int, set[str]] = {root: set() for root in state.live_ids()}
    for amplitude_id, seen in state.seen.items():
        devices[state.root(amplitude_id)] |= seen
    # AMP-16: anonymous users are users too (charts and MTUs count them): listed, not identified.
    users = [
        MergedUser(
            root=root,
            user_ids=(state.carriers[root],) if root in state.carriers else (),
            device_ids=tuple(sorted(found)),
        )
        for root, found in devices.items()
    ]
    users.sort(key=lambda user: user.distinct_ids)
    return users


def report(state: AmplitudeState, records: Sequence[StepRecord]) -> dict[str, Any]:
    """The report's ``events``, ``persons`` and ``usage``; the events flow out in the steps."""
    return report_parts(
        state,
        (
            (index, record.event)
            for index, record in enumerate(records)
            if isinstance(record.event, AmplitudeEvent)
        ),
    )


def report_parts(
    state: AmplitudeState, events: Iterable[tuple[int, AmplitudeEvent]]
) -> dict[str, Any]:
    """``events`` (step index, event) in script order → the report's vendor parts."""
    users = merged_users(state)
    index = {user.root: n for n, user in enumerate(users)}
    entries = []
    anonymous = identified = 0
    for step, event in events:
        billed = event.billed_as
        anonymous += billed is BillingKind.ANONYMOUS
        identified += billed is BillingKind.IDENTIFIED
        entries.append(
            {
                "step": step,
                "event": event.event,
                "distinct_id": event.distinct_id,
                "billed_as": None if billed is None else billed.value,
                "person": index[state.root(event.amplitude_id)],
                "device_id": event.device_id,
                "user_id": event.user_id,
            }
        )
    months = monthly(state)
    return {
        "events": entries,
        "persons": [
            {
                "distinct_ids": user.distinct_ids,
                "is_identified": user.is_identified,
                "properties": {},
                "identifiers": {
                    "device_id": list(user.device_ids),
                    "user_id": list(user.user_ids),
                },
            }
            for user in users
        ],
        "usage": {
            "anonymous_events": anonymous,
            "identified_events": identified,
            "mtu": sum(month["mtu"] for month in months.values()),
            "events": sum(month["events"] for month in months.values()),
            "months": months,
        },
    }


def person_label(state: AmplitudeState, event: AmplitudeEvent) -> str:
    """The replay table's person column: the merged user's user id, else its first device."""
    root = state.root(event.amplitude_id)
    if root in state.carriers:
        return state.carriers[root]
    return min(state.seen.get(root, frozenset({"-"})))


def describe(state: AmplitudeState) -> list[str]:
    """The end of the replay table: merged users, and MTUs and events per month."""
    users = merged_users(state)
    lines = [f"merged users ({len(users)})"]
    for user in users:
        kind = "identified" if user.is_identified else "anonymous"
        lines.append(f"  {', '.join(user.distinct_ids)}  ({kind})")
    for month, counts in monthly(state).items():
        lines.append(f"{month}: {counts['mtu']} MTUs, {counts['events']} events")
    return lines


def summary(state: AmplitudeState) -> dict[str, int]:
    users = merged_users(state)
    return {
        "persons": len(users),
        "identified_persons": sum(1 for user in users if user.is_identified),
    }
