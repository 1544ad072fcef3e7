"""The rules a Customer.io step records (``replay --explain``) name the rule page that decided it
(docs/rules/customerio.md): an anonymous track CIO-01/02, a user's track CIO-13, an identify
CIO-14 (and CIO-03 when it merges waiting events), a track inside the window CIO-04, after it
CIO-05; merged events CIO-10."""

from __future__ import annotations

from identity_model.io.report import run_objects

SCRIPT = [
    {"config": {"vendor": "customerio"}},
    {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-03-01T00:00:00Z"},
    {"op": "identify", "user_id": "u", "anonymous_id": "a", "timestamp": "2026-03-01T00:01:00Z"},
    {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-03-01T00:02:00Z"},
    {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-03-01T01:00:00Z"},
    {"op": "track", "event": "e", "user_id": "u", "timestamp": "2026-03-01T01:00:01Z"},
    {"op": "identify", "user_id": "u", "anonymous_id": "b", "timestamp": "2026-03-01T01:00:02Z"},
    {"op": "identify", "user_id": "v", "anonymous_id": "a", "timestamp": "2026-03-01T01:00:03Z"},
    {"op": "identify", "user_id": "u", "timestamp": "2026-03-01T01:00:04Z"},
    {"op": "identify", "user_id": "u", "anonymous_id": "a", "timestamp": "2026-03-01T01:00:05Z"},
]
EXPECTED = [
    {"CIO-01", "CIO-02"},
    {"CIO-14", "CIO-03", "CIO-10"},
    {"CIO-04", "CIO-10"},
    {"CIO-05"},
    {"CIO-13"},
    {"CIO-14", "CIO-03"},
    {"CIO-14", "CIO-06"},
    {"CIO-14"},
    {"CIO-14", "CIO-06"},
]


def test_each_step_records_the_rule_that_decided_it() -> None:
    records = run_objects(SCRIPT).records
    assert len(records) == len(EXPECTED)
    for record, expected in zip(records, EXPECTED, strict=True):
        assert set(record.rules) == expected, (record.line, record.rules, expected)
    assert [record.codes for record in records[-3:]] == [("anonymous_id_already_assigned",), (), ()]


def test_each_activity_entry_names_the_step_that_made_it() -> None:
    """CIO-09: one entry per merge that merged events. The partitioned replay orders entries by
    the step that made them (``entry_steps``: an index into the records, rejected and ignored
    steps counted): the identify that merged waiting events, or the first event merged on
    arrival when the identify found none waiting; later arrivals join that entry."""
    script = [
        {"config": {"vendor": "customerio"}},
        {"op": "advance", "timestamp": "2026-03-01T00:00:00Z"},
        {"op": "advance", "timestamp": "2026-02-01T00:00:00Z"},  # 1: ignored, clock stays
        {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-03-01T00:00:01Z"},
        {"op": "identify", "user_id": "u", "timestamp": "2026-03-01T00:00:02Z"},
        {
            "op": "identify",
            "user_id": "v",
            "anonymous_id": "b",
            "timestamp": "2026-03-01T00:00:03Z",
        },
        {"op": "track", "event": "e", "timestamp": "2026-03-01T00:00:04Z"},  # 5: rejected
        {
            "op": "identify",
            "user_id": "u",
            "anonymous_id": "a",
            "timestamp": "2026-03-01T00:00:05Z",
        },
        {"op": "track", "event": "e", "anonymous_id": "b", "timestamp": "2026-03-01T00:00:06Z"},
        {"op": "track", "event": "e", "anonymous_id": "a", "timestamp": "2026-03-01T00:00:07Z"},
    ]
    result = run_objects(script)
    statuses = [record.status.value for record in result.records]
    assert statuses[1] == "ignored"
    assert statuses[5] == "rejected"
    assert statuses.count("applied") == len(statuses) - 2
    made = result.world.profile.entry_steps(result.world.state, result.records)
    assert made == {"activity": [6, 7]}
