"""Mixpanel as a vendor profile over ``MixpanelState`` (the neutral operations only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from identity_model.events import Event
from identity_model.operations import Config, Operation
from identity_model.outcome import StepRecord
from identity_model.vendor import MonthlyUsage, ProfileBase
from identity_model.vendors.mixpanel import reducer
from identity_model.vendors.mixpanel import report as views
from identity_model.vendors.mixpanel.config import NAME, MixpanelConfig, parse_config
from identity_model.vendors.mixpanel.reducer import Facts, Verdict
from identity_model.vendors.mixpanel.state import MixpanelState, empty_state


class Mixpanel(ProfileBase[MixpanelState, Facts]):
    name = NAME
    # Its book (mixpanel-events-2026) has plans, not PostHog's tiers: priced by
    # identity_model.billing.mixpanel, not by the replay table's cost line.
    price_book = None

    def parse_config(self, raw: Mapping[str, Any]) -> MixpanelConfig:
        return parse_config(raw)

    def empty_state(self, config: Config) -> MixpanelState:
        return empty_state(config if isinstance(config, MixpanelConfig) else MixpanelConfig())

    def decide(self, state: MixpanelState, op: Operation) -> Verdict:
        return reducer.decide(state, op)

    def evolve(self, state: MixpanelState, decision: Verdict) -> MixpanelState:
        return reducer.evolve(state, decision)

    def report(self, state: MixpanelState, records: Sequence[StepRecord]) -> dict[str, Any]:
        return views.report(state, records)

    def usage(self, state: MixpanelState) -> MonthlyUsage:
        return views.monthly_usage(state)

    def person_label(self, state: MixpanelState, event: Event) -> str:
        key = state.person_key_of(event.distinct_id)
        return "-" if key is None else f"C{key}"
