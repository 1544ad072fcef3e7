"""The Mixpanel profile (issue #14): Simplified and Original ID merge, ``$device:`` ids, the
identity-event criteria and their refusals, the 500-id cluster cap, refused distinct-id values
and billable events (docs/rules/mixpanel.md)."""

from identity_model.vendor import register_vendor
from identity_model.vendors.mixpanel.config import NAME, IdMerge, MixpanelConfig, parse_config
from identity_model.vendors.mixpanel.profile import Mixpanel
from identity_model.vendors.mixpanel.reducer import Facts, Verdict, decide, evolve
from identity_model.vendors.mixpanel.report import monthly_usage, report, report_parts
from identity_model.vendors.mixpanel.state import (
    Cluster,
    Device,
    MixpanelEvent,
    MixpanelState,
    empty_state,
)

PROFILE = register_vendor(Mixpanel())

__all__ = [
    "NAME",
    "PROFILE",
    "Cluster",
    "Device",
    "Facts",
    "IdMerge",
    "Mixpanel",
    "MixpanelConfig",
    "MixpanelEvent",
    "MixpanelState",
    "Verdict",
    "decide",
    "empty_state",
    "evolve",
    "monthly_usage",
    "parse_config",
    "report",
    "report_parts",
]
