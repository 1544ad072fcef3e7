"""The Amplitude profile (issue #14): device ids, user ids, merged users, MTUs per month.

Rules: docs/rules/amplitude.md (AMP-01 … AMP-16, PRV-07/08). The state is an immutable
``AmplitudeState``; ``decide`` reads it, ``evolve`` applies a decision's facts.
"""

from identity_model.vendor import register_vendor
from identity_model.vendors.amplitude.config import parse_config
from identity_model.vendors.amplitude.profile import Amplitude
from identity_model.vendors.amplitude.reducer import Facts, decide, evolve
from identity_model.vendors.amplitude.report import MergedUser, merged_users, report_parts
from identity_model.vendors.amplitude.state import (
    VENDOR_NAME,
    AmpDevice,
    AmplitudeConfig,
    AmplitudeEvent,
    AmplitudeState,
    empty_state,
)
from identity_model.vendors.amplitude.usage import monthly

PROFILE = register_vendor(Amplitude())

__all__ = [
    "PROFILE",
    "VENDOR_NAME",
    "AmpDevice",
    "Amplitude",
    "AmplitudeConfig",
    "AmplitudeEvent",
    "AmplitudeState",
    "Facts",
    "MergedUser",
    "decide",
    "empty_state",
    "evolve",
    "merged_users",
    "monthly",
    "parse_config",
    "report_parts",
]
