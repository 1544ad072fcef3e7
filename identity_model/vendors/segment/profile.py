"""Segment as a vendor profile: the reducer's ``decide``/``evolve`` behind the protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from identity_model.events import Event
from identity_model.operations import Config, Operation
from identity_model.outcome import StepRecord
from identity_model.vendor import Decision, MonthlyUsage, ProfileBase
from identity_model.vendors.segment import reducer
from identity_model.vendors.segment.calls import SegmentCall
from identity_model.vendors.segment.config import VENDOR, SegmentConfig, parse_config
from identity_model.vendors.segment.reducer import SegmentFacts, SegmentState
from identity_model.vendors.segment.report import report_parts


class Segment(ProfileBase[SegmentState, SegmentFacts]):
    """analytics.js and HTTP API calls, Unify profiles, MTUs and API calls (SEG rules).

    ``price_book`` stays ``None``: the command line prices with PostHog's book shape; Segment's
    book (``segment-team-3p-lago``) is priced by ``vendors.segment.pricing``."""

    name = VENDOR

    def parse_config(self, raw: Mapping[str, Any]) -> SegmentConfig:
        return parse_config(raw)

    def empty_state(self, config: Config) -> SegmentState:
        if not isinstance(config, SegmentConfig):
            raise TypeError(f"not a Segment config: {config!r}")
        return SegmentState(config=config)

    def decide(self, state: SegmentState, op: Operation) -> Decision[SegmentFacts]:
        step, facts = reducer.decide(state, op)
        if facts is None:
            return Decision(step=step)
        if facts.call is not None:
            step = replace(step, event=facts.call)
        return Decision(step=step, facts=facts)

    def evolve(self, state: SegmentState, decision: Decision[SegmentFacts]) -> SegmentState:
        return state if decision.facts is None else reducer.evolve(state, decision.facts)

    def report(self, state: SegmentState, records: Sequence[StepRecord]) -> dict[str, Any]:
        calls = [
            (index, record.event)
            for index, record in enumerate(records)
            if isinstance(record.event, SegmentCall)
        ]
        return report_parts(state, calls)

    def usage(self, state: SegmentState) -> MonthlyUsage:
        return {
            month: {
                "anonymous_events": meter.anonymous_events,
                "identified_events": meter.identified_events,
                "mtu": meter.mtu,
                "api_calls": meter.api_calls,
            }
            for month, meter in sorted(state.months.items())
        }

    def person_label(self, state: SegmentState, event: Event) -> str:
        if not isinstance(event, SegmentCall) or event.profile is None:
            return "-"
        return f"P{state.profiles.root(event.profile)}"
