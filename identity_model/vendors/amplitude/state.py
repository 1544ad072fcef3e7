"""The Amplitude profile's state: devices (Browser SDK installs), the Amplitude ID maps, merges
and the month tallies, as immutable values.

Amplitude IDs are internal (D-AMP-6): numbered from 1 in the order they are assigned, never
shown in a report. A merge maps an anonymous Amplitude ID to a user's; user ids never merge, so
a merged ID's target is never merged itself and ``root`` is one look-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from immutables import Map

from identity_model.events import BillingKind
from identity_model.operations import Config
from identity_model.vendors.amplitude.ids import DEFAULT_MIN_ID_LENGTH

VENDOR_NAME = "amplitude"
# AMP-15: one project: a device tied to a user in another project of the organisation is never
# tied here (Portfolio cross-project mapping is not modelled).


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplitudeConfig(Config):
    """The config line ``{"vendor": "amplitude", "min_id_length": 5}``."""

    vendor: str = VENDOR_NAME
    min_id_length: int = DEFAULT_MIN_ID_LENGTH


@dataclass(frozen=True, slots=True, kw_only=True)
class AmpDevice:
    """One Browser SDK install: its current ``device_id`` and the user id set on it."""

    name: str
    first_anonymous_id: str  # fixed by its first applied call (format §1)
    device_id: str
    user_id: str | None = None
    resets: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplitudeEvent:
    """An event as ingestion kept it; it flows out in its step (the state keeps no log)."""

    event: str
    timestamp: datetime
    user_id: str | None
    device_id: str | None
    amplitude_id: int  # assigned when processed; a later merge maps it to the merged user
    billed_as: BillingKind | None  # fixed when processed; None: not billable (D-AMP-2)
    month: str  # the ingestion month, "YYYY-MM" (D-AMP-5)

    @property
    def stored(self) -> bool:
        """Amplitude stores every event it accepts."""
        return True

    @property
    def distinct_id(self) -> str:
        """The report's ``distinct_id``: the user id, else the device id."""
        found = self.user_id if self.user_id is not None else self.device_id
        assert found is not None  # ingestion refuses an event with neither
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthTally:
    """One ingestion month: the Amplitude IDs with a billable event, the billable events, and
    the MTU count once the month is closed."""

    amplitude_ids: Map[int, int] = field(default_factory=Map)  # Amplitude ID -> its events
    anonymous_events: int = 0
    identified_events: int = 0
    closed_mtu: int | None = None

    @property
    def events(self) -> int:
        """The month's billable events."""
        return self.anonymous_events + self.identified_events

    def counted(self, amplitude_id: int, billed_as: BillingKind) -> MonthTally:
        """The tally with one more billable event of ``amplitude_id``."""
        identified = billed_as is BillingKind.IDENTIFIED
        return replace(
            self,
            amplitude_ids=self.amplitude_ids.set(
                amplitude_id, self.amplitude_ids.get(amplitude_id, 0) + 1
            ),
            anonymous_events=self.anonymous_events + (not identified),
            identified_events=self.identified_events + identified,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplitudeState:
    config: AmplitudeConfig = field(default_factory=AmplitudeConfig)
    devices: Map[str, AmpDevice] = field(default_factory=Map)
    by_user: Map[str, int] = field(default_factory=Map)  # user id -> its Amplitude ID
    by_device: Map[str, int] = field(default_factory=Map)  # device id -> its current Amplitude ID
    carriers: Map[int, str] = field(default_factory=Map)  # Amplitude ID -> the user id it carries
    merged: Map[int, int] = field(default_factory=Map)  # anonymous Amplitude ID -> user's
    seen: Map[int, frozenset[str]] = field(default_factory=Map)  # device ids on its events
    next_id: int = 1
    clock: datetime | None = None  # the latest event timestamp so far
    months: Map[str, MonthTally] = field(default_factory=Map)

    def root(self, amplitude_id: int) -> int:
        """The merged user an Amplitude ID belongs to now."""
        return self.merged.get(amplitude_id, amplitude_id)

    def is_identified(self, amplitude_id: int) -> bool:
        """Whether the merged user of ``amplitude_id`` carries a user id."""
        return self.root(amplitude_id) in self.carriers

    def live_ids(self) -> list[int]:
        """Every Amplitude ID that is a merged user (not merged into another), in order."""
        return [n for n in range(1, self.next_id) if n not in self.merged]


def empty_state(config: AmplitudeConfig | None = None) -> AmplitudeState:
    return AmplitudeState(config=config or AmplitudeConfig())
