"""Person-level eligibility (EL-01, EL-02) and Customer.io's monthly usage, as functions.

Expected answers from the EL table of the rule digest: person-level features need a person
profile; event-level ones need none; lifecycle needs one of the person's identified events.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from identity_model import (
    Feature,
    Ingest,
    Usage,
    eligibility,
    feature_matrix,
    monthly_usage,
    replay,
)
from identity_model.io.report import run_objects

SCRIPT = [
    {"op": "ingest", "distinct_id": "u1", "event": "e"},
    {"op": "capture", "event": "$pageview"},
]


@pytest.mark.parametrize(
    ("distinct_id", "feature", "allowed", "reason"),
    [
        ("u1", Feature.COHORTS, True, ("EL-01", "allowed")),
        ("u1", Feature.GROUP_ANALYTICS, True, ("EL-01", "allowed")),
        ("u1", Feature.LIFECYCLE, True, ("EL-01", "allowed")),
        ("default-anon-0", Feature.COHORTS, False, ("EL-01", "requires_person_profile")),
        (
            "default-anon-0",
            Feature.GROUP_ANALYTICS,
            False,
            ("EL-01", "requires_group_analytics_on_identified"),
        ),
        ("default-anon-0", Feature.MULTI_TOUCH_ATTRIBUTION, False, ("EL-01", "last_touch_only")),
        ("default-anon-0", Feature.LIFECYCLE, False, ("EL-01", "lifecycle_excludes_anonymous")),
        ("default-anon-0", Feature.TRENDS, True, ("EL-01", "allowed")),
        ("nobody", Feature.STICKINESS, True, ("EL-01", "allowed")),
    ],
)
def test_person_level_answers(
    distinct_id: str, feature: Feature, allowed: bool, reason: tuple[str, str]
) -> None:
    world = run_objects(SCRIPT, keep_events=True).world
    answer = eligibility(world, distinct_id, feature)
    assert answer.allowed is allowed
    assert [(r.rule, r.code.value) for r in answer.reasons] == [reason]


def test_lifecycle_needs_one_of_the_persons_identified_events() -> None:
    """EL-02: judged from the events given; with none of the person's, lifecycle refuses."""
    world = run_objects(SCRIPT, keep_events=True).world
    answer = eligibility(world, "u1", Feature.LIFECYCLE, events=[])
    assert answer.allowed is False
    assert [(r.rule, r.code.value) for r in answer.reasons] == [
        ("EL-02", "lifecycle_excludes_anonymous")
    ]


def test_customerio_usage_is_counted_per_month_by_attachment() -> None:
    """A Customer.io track is billed identified iff attached to a person when processed."""
    script = [
        {"config": {"vendor": "customerio"}},
        {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-01-30T00:00:00Z"},
        {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-01-31T00:00:00Z"},
        {"op": "identify", "user_id": "u", "timestamp": "2026-02-01T00:00:00Z"},
        {"op": "track", "event": "e", "user_id": "u", "timestamp": "2026-02-02T00:00:00Z"},
        {"op": "track", "event": "e", "anonymous_id": "b", "timestamp": "2026-03-01T00:00:00Z"},
    ]
    assert monthly_usage(run_objects(script).world) == {
        "2026-01": Usage(anonymous_events=2, identified_events=0),
        "2026-02": Usage(anonymous_events=0, identified_events=1),
        "2026-03": Usage(anonymous_events=1, identified_events=0),
    }


def test_posthog_usage_is_counted_in_the_utc_month_of_each_timestamp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PR-06: calendar months in UTC, whatever the machine's zone (here 14 hours east) and the
    zone an operation's timestamp was given in (through the API, an aware datetime keeps its
    own zone): 00:30 on 1 February at +02:00 is still January, 23:00 and 23:30 on 31 January at
    -02:00 are already February."""
    east, west = timezone(timedelta(hours=2)), timezone(timedelta(hours=-2))
    ops = [
        Ingest(distinct_id="u1", event="e", timestamp=datetime(2026, 2, 1, 0, 30, tzinfo=east)),
        Ingest(distinct_id="u1", event="e", timestamp=datetime(2026, 1, 31, 23, 30, tzinfo=west)),
        Ingest(distinct_id="u1", event="e", timestamp=datetime(2026, 1, 31, 23, 0, tzinfo=west)),
    ]
    monkeypatch.setenv("TZ", "XYZ-14")  # POSIX TZ: a zone 14 hours east of UTC
    time.tzset()
    try:
        usage = monthly_usage(replay(ops))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert usage == {
        "2026-01": Usage(anonymous_events=0, identified_events=1),
        "2026-02": Usage(anonymous_events=0, identified_events=2),
    }


def test_the_feature_matrix_counts_stored_events_and_their_final_persons() -> None:
    """The anonymous pageview, then identify and a click: every stored event ends on one
    person; the dropped (personless) $identify of x is stored nowhere and counted nowhere."""
    script = [
        {"op": "capture", "event": "$pageview"},
        {"op": "identify", "distinct_id": "user-1"},
        {"op": "capture", "event": "clicked"},
        {
            "op": "ingest",
            "distinct_id": "x",
            "event": "$identify",
            "properties": {"$process_person_profile": False},
        },
    ]
    world = run_objects(script, keep_events=True).world
    rows = {row.feature: (row.events, row.persons, row.verified) for row in feature_matrix(world)}
    assert rows[Feature.TRENDS] == (3, 1, True)
    assert rows[Feature.STICKINESS] == (3, 1, False)
    assert rows[Feature.COHORTS] == (2, 1, True)
    assert rows[Feature.LIFECYCLE] == (2, 1, True)
    assert len(rows) == len(Feature)


def test_the_feature_matrix_counts_the_events_it_is_given() -> None:
    world = run_objects(SCRIPT, keep_events=True).world
    assert all(row.events == 0 and row.persons == 0 for row in feature_matrix(world, events=[]))
