"""Which insights each event (or person) can feed, with reasons (EL rules).

Pure functions over a PostHog world and its events (a world that keeps them, or the events
the steps sent). An event's eligibility follows the kind it was processed as: anonymous
(personless) events feed event-level insights only; person-level features need an
identified (person-processed) event or a person profile.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, assert_never

from identity_model.events import BillingKind, Event
from identity_model.rules import EligibilityRule, RuleId
from identity_model.vendors.posthog.events import PersonMode, ProcessedEvent
from identity_model.vendors.posthog.ingestion import DROP_RULE
from identity_model.world import World


class Feature(StrEnum):
    """The capabilities seed 000's FAQ and the PostHog blog name (EL table)."""

    EVENT_PROPERTIES = "event_properties"
    TRENDS = "trends"
    FUNNELS = "funnels"
    SQL_INSIGHTS = "sql_insights"
    RETENTION = "retention"
    WEB_ANALYTICS = "web_analytics"
    STICKINESS = "stickiness"
    USER_PATHS = "user_paths"
    LIFECYCLE = "lifecycle"
    PERSON_PROPERTIES = "person_properties"
    PERSON_PROPERTY_FILTERS = "person_property_filters"
    INDIVIDUAL_PERSONS = "individual_persons"
    COHORTS = "cohorts"
    FLAG_TARGETING = "flag_targeting"
    EXPERIMENT_TARGETING = "experiment_targeting"
    SURVEY_TARGETING = "survey_targeting"
    PERSONS_TABLE_SQL = "persons_table_sql"
    GROUP_ANALYTICS = "group_analytics"
    MULTI_TOUCH_ATTRIBUTION = "multi_touch_attribution"


class ReasonCode(StrEnum):
    ALLOWED = "allowed"
    REQUIRES_PERSON_PROFILE = "requires_person_profile"
    LIFECYCLE_EXCLUDES_ANONYMOUS = "lifecycle_excludes_anonymous"
    REQUIRES_GROUP_ANALYTICS_ON_IDENTIFIED = "requires_group_analytics_on_identified"
    LAST_TOUCH_ONLY = "last_touch_only"
    NOT_STORED = "not_stored"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    rule: RuleId
    code: ReasonCode
    sentence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Eligibility:
    allowed: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Capability:
    anonymous: bool  # can an anonymous event feed it?
    denied: ReasonCode  # why not, when it cannot
    what: str
    verified: bool = True


def _anonymous_ok(what: str, *, verified: bool = True) -> _Capability:
    return _Capability(anonymous=True, denied=ReasonCode.ALLOWED, what=what, verified=verified)


def _identified_only(
    what: str, denied: ReasonCode = ReasonCode.REQUIRES_PERSON_PROFILE
) -> _Capability:
    return _Capability(anonymous=False, denied=denied, what=what)


# EL-01: one row per capability: whether anonymous events may feed it, and why not.
TABLE_RULE: Final = "EL-01"
CAPABILITIES: dict[Feature, _Capability] = {
    Feature.EVENT_PROPERTIES: _anonymous_ok("event properties and filters on them"),
    Feature.TRENDS: _anonymous_ok("trends"),
    Feature.FUNNELS: _anonymous_ok("funnels"),
    Feature.SQL_INSIGHTS: _anonymous_ok("SQL insights over events"),
    Feature.RETENTION: _anonymous_ok("retention"),
    Feature.WEB_ANALYTICS: _anonymous_ok("web analytics"),
    Feature.STICKINESS: _anonymous_ok("stickiness", verified=False),
    Feature.USER_PATHS: _anonymous_ok("user paths", verified=False),
    Feature.LIFECYCLE: _identified_only(
        "lifecycle insights", ReasonCode.LIFECYCLE_EXCLUDES_ANONYMOUS
    ),
    Feature.PERSON_PROPERTIES: _identified_only("setting person properties"),
    Feature.PERSON_PROPERTY_FILTERS: _identified_only("filtering on person properties"),
    Feature.INDIVIDUAL_PERSONS: _identified_only("viewing or filtering on an individual person"),
    Feature.COHORTS: _identified_only("cohorts"),
    Feature.FLAG_TARGETING: _identified_only("feature flag targeting by person properties"),
    Feature.EXPERIMENT_TARGETING: _identified_only("experiment targeting by person properties"),
    Feature.SURVEY_TARGETING: _identified_only("survey targeting by person properties"),
    Feature.PERSONS_TABLE_SQL: _identified_only("the persons table in SQL"),
    Feature.GROUP_ANALYTICS: _identified_only(
        "group analytics", ReasonCode.REQUIRES_GROUP_ANALYTICS_ON_IDENTIFIED
    ),
    Feature.MULTI_TOUCH_ATTRIBUTION: _identified_only(
        "multi-touch attribution and initial UTM/referrer person properties",
        ReasonCode.LAST_TOUCH_ONLY,
    ),
}


def _unverified(feature: Feature) -> Reason:
    # EL-04: identified events feed everything; stickiness and paths for anonymous are unstated.
    return Reason(
        rule="EL-04",
        code=ReasonCode.UNVERIFIED,
        sentence=f"no PostHog source says whether anonymous events feed {feature.value}; allowed",
    )


def event_eligibility(event: ProcessedEvent, feature: Feature) -> Eligibility:
    """Decided by the kind the event was processed as (its billing kind, PR-01)."""
    capability = CAPABILITIES[feature]
    kind = event.processed_as
    if kind is None:
        dropped = Reason(
            rule=DROP_RULE, code=ReasonCode.NOT_STORED, sentence="dropped, never stored"
        )
        return Eligibility(allowed=False, reasons=(dropped,))
    reasons: list[Reason] = []
    if event.person_mode is PersonMode.FORCE_UPGRADE:
        # EL-03: a force-upgraded personless event was processed with a person: identified.
        sentence = "sent personless but force-upgraded: processed with its person"
        reasons.append(Reason(rule="EL-03", code=ReasonCode.ALLOWED, sentence=sentence))
    match kind:
        case BillingKind.IDENTIFIED:
            allowed = True
        case BillingKind.ANONYMOUS:
            allowed = capability.anonymous
            if not capability.verified:
                reasons.append(_unverified(feature))
        case _:
            assert_never(kind)
    if allowed:
        sentence = f"a {kind.value} event can feed {capability.what}"
        reasons.append(Reason(rule=TABLE_RULE, code=ReasonCode.ALLOWED, sentence=sentence))
    else:
        sentence = f"an anonymous event cannot feed {capability.what}"
        reasons.append(Reason(rule=TABLE_RULE, code=capability.denied, sentence=sentence))
    return Eligibility(allowed=allowed, reasons=tuple(reasons))


def _answer(allowed: bool, rule: EligibilityRule, code: ReasonCode, sentence: str) -> Eligibility:
    return Eligibility(allowed=allowed, reasons=(Reason(rule=rule, code=code, sentence=sentence),))


def person_eligibility(
    world: World[Any], distinct_id: str, feature: Feature, events: Iterable[Event] | None = None
) -> Eligibility:
    """Whether the person behind ``distinct_id`` can be used by ``feature``: person-level
    features need a person profile; event-level ones do not. Lifecycle also needs the
    person's identified events: ``events``, or the world's (a world that keeps them)."""
    capability = CAPABILITIES[feature]
    key = world.person_key_of(distinct_id)
    if capability.anonymous:
        sentence = f"{capability.what} need no person profile"
        return _answer(True, TABLE_RULE, ReasonCode.ALLOWED, sentence)
    if key is None:
        sentence = f"{distinct_id!r} has no person profile"
        return _answer(False, TABLE_RULE, capability.denied, sentence)
    if feature is Feature.LIFECYCLE and not any(
        world.person_key_of(event.distinct_id) == key for event in lifecycle_events(world, events)
    ):
        sentence = "the person has no identified event yet"
        return _answer(False, LIFECYCLE_RULE, ReasonCode.LIFECYCLE_EXCLUDES_ANONYMOUS, sentence)
    return _answer(True, TABLE_RULE, ReasonCode.ALLOWED, f"{distinct_id!r} has a person profile")


def eligibility(
    world: World[Any],
    subject: ProcessedEvent | str,
    feature: Feature,
    events: Iterable[Event] | None = None,
) -> Eligibility:
    """An event (by value) or a person (by one of its distinct ids) for ``feature``."""
    if isinstance(subject, ProcessedEvent):
        return event_eligibility(subject, feature)
    return person_eligibility(world, subject, feature, events)


# EL-02: identified (person-processed) events with a person; under never: none.
LIFECYCLE_RULE: Final = "EL-02"


def _stored(world: World[Any], events: Iterable[Event] | None) -> list[ProcessedEvent]:
    """PostHog's stored events: ``events`` or the world's own log."""
    given = world.event_log() if events is None else events
    return [event for event in given if isinstance(event, ProcessedEvent) and event.stored]


def lifecycle_events(
    world: World[Any], events: Iterable[Event] | None = None
) -> list[ProcessedEvent]:
    """EL-02: the events lifecycle counts: a person's identified events only, in processing order.

    Anonymous events stay out even when a later merge attributes them to the person, so a
    person's lifecycle starts at their first identified event (``new`` then)."""
    return [
        event
        for event in _stored(world, events)
        if event.processed_as is BillingKind.IDENTIFIED
        and world.person_key_of(event.distinct_id) is not None
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureUse:
    feature: Feature
    events: int  # stored events the feature can use
    persons: int  # persons with at least one such event
    verified: bool


@dataclass(slots=True)
class FeatureTally:
    """``feature_matrix`` as the events flow by: counts per feature, and the distinct ids to
    resolve to their final persons at the end (memory grows with ids, not events)."""

    events: dict[Feature, int] = field(default_factory=lambda: dict.fromkeys(CAPABILITIES, 0))
    ids: dict[Feature, set[str]] = field(default_factory=lambda: {f: set() for f in CAPABILITIES})

    usable: dict[tuple[BillingKind | None, PersonMode], tuple[Feature, ...]] = field(
        default_factory=dict
    )  # what an event can feed depends on how it was processed only: decided once per kind

    def add(self, event: Event) -> None:
        if not isinstance(event, ProcessedEvent) or not event.stored:
            return
        how = (event.processed_as, event.person_mode)
        features = self.usable.get(how)
        if features is None:
            features = tuple(f for f in CAPABILITIES if event_eligibility(event, f).allowed)
            self.usable[how] = features
        for feature in features:
            self.events[feature] += 1
            self.ids[feature].add(event.distinct_id)

    def rows(self, world: World[Any]) -> list[FeatureUse]:
        """The matrix, with each event attributed to the final person of its distinct id."""
        rows = []
        for feature, capability in CAPABILITIES.items():
            persons: set[Hashable] = {world.person_key_of(i) for i in self.ids[feature]}
            rows.append(
                FeatureUse(
                    feature=feature,
                    events=self.events[feature],
                    persons=len(persons - {None}),
                    verified=capability.verified,
                )
            )
        return rows


def feature_matrix(world: World[Any], events: Iterable[Event] | None = None) -> list[FeatureUse]:
    """For each feature, how many of the events (``events`` or the world's own) and of the
    world's persons it can use."""
    tally = FeatureTally()
    for event in _stored(world, events):
        tally.add(event)
    return tally.rows(world)
