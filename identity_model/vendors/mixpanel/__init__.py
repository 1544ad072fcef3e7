"""The Mixpanel profile (issue #14): Simplified and Original ID merge, ``$device:`` ids, the
identity-event criteria and their refusals, the 500-id cluster cap, refused distinct-id values
and billable events (docs/rules/mixpanel.md)."""

from __future__ import annotations

from identity_model.vendors.mixpanel.config import NAME, IdMerge, MixpanelConfig, parse_config
from identity_model.vendors.mixpanel.reducer import Facts, Verdict, decide, evolve
from identity_model.vendors.mixpanel.report import monthly_usage, report_parts
from identity_model.vendors.mixpanel.state import (
    Cluster,
    Device,
    MixpanelEvent,
    MixpanelState,
    empty_state,
)

__all__ = [
    "NAME",
    "Cluster",
    "Device",
    "Facts",
    "IdMerge",
    "MixpanelConfig",
    "MixpanelEvent",
    "MixpanelState",
    "Verdict",
    "decide",
    "empty_state",
    "evolve",
    "monthly_usage",
    "parse_config",
    "report_parts",
]
