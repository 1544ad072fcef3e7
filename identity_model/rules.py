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
    "SV-31", "SV-32", "SV-33",
]
ClientRule: TypeAlias = Literal[
    "CL-01", "CL-02", "CL-03", "CL-04", "CL-05", "CL-06", "CL-07", "CL-08", "CL-09", "CL-10",
    "CL-11", "CL-12", "CL-13", "CL-14", "CL-15", "CL-16", "CL-17", "CL-18", "CL-19", "CL-20",
    "CL-21", "CL-22", "CL-23", "CL-24", "CL-25", "CL-26", "CL-27",
    "CL-M1", "CL-M2", "CL-M3", "CL-M4", "CL-C1",
]
PricingRule: TypeAlias = Literal["PR-01", "PR-02", "PR-03", "PR-04", "PR-05", "PR-06", "PR-07"]
EligibilityRule: TypeAlias = Literal["EL-01", "EL-02", "EL-03", "EL-04"]
CustomerioRule: TypeAlias = Literal[
    "CIO-01", "CIO-02", "CIO-03", "CIO-04", "CIO-05", "CIO-06", "CIO-07", "CIO-08", "CIO-09",
    "CIO-10", "CIO-11", "CIO-12", "CIO-13", "CIO-14",
]
# fmt: on

RuleId: TypeAlias = ServerRule | ClientRule | PricingRule | EligibilityRule | CustomerioRule


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
