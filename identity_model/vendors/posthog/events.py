"""PostHog's processed events and how they are billed (SV-27, SV-28, SV-30, PR-01)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import assert_never

from msgspec import Struct

from identity_model.events import BillingKind
from identity_model.jsontypes import EMPTY_OBJECT, JsonObject
from identity_model.rules import RuleId


class PersonMode(StrEnum):
    """How ingestion processed an event; ``dropped`` events were not stored."""

    # SV-27: force_upgrade if force-upgraded, else propertyless if personless, else full.

    FULL = "full"
    FORCE_UPGRADE = "force_upgrade"
    PROPERTYLESS = "propertyless"
    DROPPED = "dropped"


def billing_kind(mode: PersonMode) -> BillingKind | None:
    """The meter of a person mode."""
    # SV-28: identified iff full/force_upgrade, anonymous iff propertyless; dropped: none.
    match mode:
        case PersonMode.FULL | PersonMode.FORCE_UPGRADE:
            return BillingKind.IDENTIFIED
        case PersonMode.PROPERTYLESS:
            return BillingKind.ANONYMOUS
        case PersonMode.DROPPED:
            return None
        case _:
            assert_never(mode)


_BILLING_KIND = {mode: billing_kind(mode) for mode in PersonMode}  # the match, looked up


# SV-30, as posthog/tasks/usage_report.py BILLABLE_EVENT_EXCLUDED_EVENTS and the exact
# AI_EVENT_TYPES names (an unknown `$ai_*` name is billed as a standard event).
NON_BILLABLE_EVENTS: frozenset[str] = frozenset(
    {
        "$feature_flag_called",
        "$experiment_exposure",
        "survey sent",
        "survey shown",
        "survey dismissed",
        "$exception",
        "$llm_prompt_fetched",
        "$conversations_loaded",
        "$conversations_widget_loaded",
        "$conversations_message_sent",
        "$conversations_user_identified",
        "$conversations_restore_link_requested",
        "$conversations_widget_state_changed",
        "$conversations_back_to_tickets",
        "$ai_generation",
        "$ai_embedding",
        "$ai_evaluation",
        "$ai_span",
        "$ai_trace",
        "$ai_metric",
        "$ai_feedback",
    }
)


class ProcessedEvent(Struct, frozen=True, kw_only=True, gc=False):
    """An event as ingestion stored it. Its ``person_mode`` never changes afterwards (SV-31);
    later merges only change which person its ``distinct_id`` resolves to.

    A frozen ``msgspec.Struct`` rather than a frozen dataclass: one is made per event, and a
    Struct is built about ten times faster (immutable, slotted, keyword-only all the same).
    The hot-path Structs are not tracked by the cyclic garbage collector (``gc=False``): they
    are immutable values built from their parts, so no reference cycle can pass through them."""

    seq: int | None  # how many events were stored before it; None for a dropped event
    event: str
    distinct_id: str
    timestamp: datetime
    person_mode: PersonMode  # SV-31: written once here, never changed by later merges
    billable: bool
    device: str | None
    rules: tuple[RuleId, ...]
    # the properties as they reached ingestion (the report's "sent")
    sent: JsonObject = EMPTY_OBJECT

    @property
    def processed_as(self) -> BillingKind | None:
        """The kind it was processed as (derived from ``person_mode``)."""
        return _BILLING_KIND[self.person_mode]

    @property
    def billed_as(self) -> BillingKind | None:
        """Its meter; ``None``: dropped or not billable."""
        # PR-01: the billing kind is fixed when the event is processed, and never changes.
        return _BILLING_KIND[self.person_mode] if self.billable else None

    @property
    def stored(self) -> bool:
        return self.seq is not None
