"""Amplitude as a vendor profile (issue #14): the Browser SDK 2 and HTTP V2 reading of the
vendor-neutral operations over ``AmplitudeState``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from identity_model.events import Event
from identity_model.identities import neutral_identity_keys
from identity_model.operations import Config, Operation
from identity_model.outcome import StepRecord
from identity_model.vendor import Decision, MonthlyUsage, ProfileBase
from identity_model.vendors.amplitude import report as views
from identity_model.vendors.amplitude.config import parse_config
from identity_model.vendors.amplitude.reducer import Facts, decide, evolve
from identity_model.vendors.amplitude.state import (
    VENDOR_NAME,
    AmplitudeConfig,
    AmplitudeEvent,
    AmplitudeState,
)
from identity_model.vendors.amplitude.usage import meters

# AMP-13 counts an event in the month of the latest event so far, across all users: a clock
# shared by every identity (order-dependent, not a sum), so a partitioned replay keeps all of
# Amplitude's operations in one component (docs/scale.md).
SHARED_CLOCK = "amplitude\x00ingestion-clock"


class Amplitude(ProfileBase[AmplitudeState, Facts]):
    """MTU billing is priced by ``billing.amplitude`` (its book is not PostHog's
    kind), so the replay table shows no cost."""

    def identity_keys(self, op: Operation) -> tuple[str, ...]:
        return (SHARED_CLOCK, *neutral_identity_keys(op))

    name = VENDOR_NAME

    def parse_config(self, raw: Mapping[str, Any]) -> AmplitudeConfig:
        return parse_config(raw)

    def empty_state(self, config: Config) -> AmplitudeState:
        if not isinstance(config, AmplitudeConfig):
            raise TypeError(f"not an Amplitude config: {config!r}")
        return AmplitudeState(config=config)

    def decide(self, state: AmplitudeState, op: Operation) -> Decision[Facts]:
        return decide(state, op)

    def evolve(self, state: AmplitudeState, decision: Decision[Facts]) -> AmplitudeState:
        return evolve(state, decision)

    def report(self, state: AmplitudeState, records: Sequence[StepRecord]) -> dict[str, Any]:
        return views.report(state, records)

    def usage(self, state: AmplitudeState) -> MonthlyUsage:
        return meters(state)

    def summary(self, state: AmplitudeState) -> Mapping[str, int]:
        return views.summary(state)

    def person_label(self, state: AmplitudeState, event: Event) -> str:
        if not isinstance(event, AmplitudeEvent):
            return "-"
        return views.person_label(state, event)

    def describe(self, state: AmplitudeState) -> list[str]:
        return views.describe(state)
