"""Rule ids, typed: every id a step may record is one of these ``Literal`` values.

The ids are declared here only; each rule's wording is its heading in ``docs/rules/*.md`` (a
test checks the two against each other), and each rule is decided in exactly one code place
(another test). A new vendor adds one ``Literal`` of its own ids below and to ``RuleId``.
"""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

# fmt: off
ServerRule: TypeAlias = Literal[
    "SV-01", "SV-02", "SV-03", "SV-04", "SV-05", "SV-06", "SV-07", "SV-08", "SV-09", "SV-10",
    "SV-11", "SV-12", "SV-13", "SV-14", "SV-15", "SV-16", "SV-17", "SV-18", "SV-19", "SV-20",
    "SV-21", "SV-22", "SV-23", "SV-24", "SV-25", "SV-26", "SV-27", "SV-28", "SV-29", "SV-30",
    "SV-31", "SV-32", "SV-33", "SV-34",
]
ClientRule: TypeAlias = Literal[
    "CL-01", "CL-02", "CL-03", "CL-04", "CL-05", "CL-06", "CL-07", "CL-08", "CL-09", "CL-10",
    "CL-11", "CL-12", "CL-13", "CL-14", "CL-15", "CL-16", "CL-17", "CL-18", "CL-19", "CL-20",
    "CL-21", "CL-22", "CL-23", "CL-24", "CL-25", "CL-26", "CL-27",
    "CL-M1", "CL-M2", "CL-M3", "CL-M4", "CL-C1", "CL-C2", "CL-C3", "CL-C4", "CL-C5",
]
SdkRule: TypeAlias = Literal[
    "PY-01", "PY-02", "PY-03", "PY-04", "PY-05", "PY-06", "PY-07", "PY-08", "PY-09", "PY-10",
    "PY-11", "PY-12",
    "SRV-01", "SRV-02", "SRV-03", "SRV-04", "SRV-05", "SRV-06", "SRV-07",
    "MOB-01", "MOB-02", "MOB-03", "MOB-04", "MOB-05",
]
PricingRule: TypeAlias = Literal["PR-01", "PR-02", "PR-03", "PR-04", "PR-05", "PR-06", "PR-07"]
EligibilityRule: TypeAlias = Literal["EL-01", "EL-02", "EL-03", "EL-04"]
CustomerioRule: TypeAlias = Literal[
    "CIO-01", "CIO-02", "CIO-03", "CIO-04", "CIO-05", "CIO-06", "CIO-07", "CIO-08", "CIO-09",
    "CIO-10", "CIO-11", "CIO-12", "CIO-13", "CIO-14",
]
# --- Amplitude (issue #14) ---
AmplitudeRule: TypeAlias = Literal[
    "AMP-01", "AMP-02", "AMP-03", "AMP-04", "AMP-05", "AMP-06", "AMP-07", "AMP-08", "AMP-09",
    "AMP-10", "AMP-11", "AMP-12", "AMP-13", "AMP-14", "AMP-15", "AMP-16",
]
AmplitudePriceRule: TypeAlias = Literal["PRV-07", "PRV-08"]
# --- end Amplitude ---
# --- Segment (issue #14) ---
SegmentRule: TypeAlias = Literal[
    "SEG-01", "SEG-02", "SEG-03", "SEG-04", "SEG-05", "SEG-06", "SEG-07", "SEG-08", "SEG-09",
    "SEG-10", "SEG-11", "SEG-12", "SEG-13", "SEG-14", "SEG-15", "PRV-05", "PRV-06",
]
# --- end Segment ---
# --- Mixpanel (issue #14): MIX and its price books PRV-01..04 ---
MixpanelRule: TypeAlias = Literal[
    "MIX-01", "MIX-02", "MIX-03", "MIX-04", "MIX-05", "MIX-06", "MIX-07", "MIX-08", "MIX-09",
    "MIX-10", "MIX-11", "MIX-12", "MIX-13", "MIX-14", "MIX-15", "MIX-16", "MIX-17", "MIX-18",
    "MIX-19", "MIX-20", "MIX-21", "PRV-01", "PRV-02", "PRV-03", "PRV-04",
]
# --- end Mixpanel ---
# fmt: on

RuleId: TypeAlias = (
    ServerRule
    | ClientRule
    | SdkRule  # issue #11
    | PricingRule
    | EligibilityRule
    | CustomerioRule
    | AmplitudeRule  # issue #14
    | AmplitudePriceRule  # issue #14
    | SegmentRule  # issue #14
    | MixpanelRule  # issue #14
)


def rule_ids() -> frozenset[str]:
    """Every declared rule id."""
    return frozenset(rule for family in get_args(RuleId) for rule in get_args(family) or (family,))


# Presentation: of the server rules in a chain, these say who an event belongs to or how it
# is billed (the replay table's "decided by" column); the others are intermediate steps.
DECISIVE_SERVER_RULES: frozenset[ServerRule] = frozenset(
    {
        "SV-01", "SV-02", "SV-07", "SV-10", "SV-11", "SV-12", "SV-13", "SV-14", "SV-15",
        "SV-16", "SV-23", "SV-25", "SV-26", "SV-29", "SV-30",
    }
)  # fmt: skip
