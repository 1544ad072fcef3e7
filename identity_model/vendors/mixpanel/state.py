"""Mixpanel's immutable state: SDK devices, ID clusters, the merge memory and usage counters.

No event log: every processed event flows out in its step; the report attributes it to its
distinct id's cluster at the end (retroactive merges, MIX-16).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from immutables import Map

from identity_model.events import BillingKind
from identity_model.vendors.mixpanel.config import MixpanelConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """One mixpanel-js install. ``anonymous_id`` is its ``$device_id``; ``distinct_id`` the one
    it sends; ``alias`` the stored ``ALIAS_ID_KEY``."""

    name: str
    first_anonymous_id: str
    anonymous_id: str
    distinct_id: str
    user_id: str | None = None
    alias: str | None = None
    resets: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class MixpanelEvent:
    """One stored event as the report lists it (it satisfies the core's ``Event``)."""

    event: str
    distinct_id: str  # "" = an event of no user
    billed_as: BillingKind | None
    device_id: str | None
    user_id: str | None
    month: str  # the ingestion month (D-MIX-9)

    @property
    def stored(self) -> bool:
        return True


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """An ID cluster: its distinct ids (a set, as a persistent map), how many there are, and
    those that are not devices (in ``simplified`` at most one: its ``$user_id``)."""

    ids: Map[str, bool]
    size: int
    users: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    """One ingestion month's billable events, by ``billed_as``, and their distinct ids."""

    anonymous_events: int = 0
    identified_events: int = 0
    distinct_ids: Map[str, bool] = field(default_factory=Map)

    @property
    def billable_events(self) -> int:
        return self.anonymous_events + self.identified_events


@dataclass(frozen=True, slots=True, kw_only=True)
class MixpanelState:
    config: MixpanelConfig
    devices: Map[str, Device] = field(default_factory=Map)
    cluster_of: Map[str, int] = field(default_factory=Map)
    clusters: Map[int, Cluster] = field(default_factory=Map)
    next_cluster: int = 0
    used_aliases: Map[str, bool] = field(default_factory=Map)
    identified_ids: Map[str, bool] = field(default_factory=Map)  # named by an $identify
    anonymous_events: int = 0
    identified_events: int = 0
    months: Map[str, Month] = field(default_factory=Map)
    clock: datetime | None = None  # the script clock: latest timestamp of an applied op

    def cluster_ids(self, distinct_id: str) -> Map[str, bool] | None:
        key = self.cluster_of.get(distinct_id)
        return None if key is None else self.clusters[key].ids

    def size_of(self, distinct_id: str) -> int:
        """The size of the cluster ``distinct_id`` would bring to a merge (1 when unseen)."""
        key = self.cluster_of.get(distinct_id)
        return 1 if key is None else self.clusters[key].size

    def person_key_of(self, distinct_id: str) -> int | None:
        """The key of the ID cluster ``distinct_id`` belongs to (``None``: none)."""
        return self.cluster_of.get(distinct_id)

    def person_of(self, distinct_id: str) -> Cluster | None:
        key = self.cluster_of.get(distinct_id)
        return None if key is None else self.clusters[key]

    def together(self, a: str, b: str) -> bool:
        key = self.cluster_of.get(a)
        return key is not None and key == self.cluster_of.get(b)


def empty_state(config: MixpanelConfig) -> MixpanelState:
    return MixpanelState(config=config)
