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
]
EXPECTED = [
    {"CIO-01", "CIO-02"},
    {"CIO-14", "CIO-03", "CIO-10"},
    {"CIO-04", "CIO-10"},
    {"CIO-05"},
    {"CIO-13"},
    {"CIO-14", "CIO-03"},
    {"CIO-14"},
]


def test_each_step_records_the_rule_that_decided_it() -> None:
    records = run_objects(SCRIPT).records
    assert len(records) == len(EXPECTED)
    for record, expected in zip(records, EXPECTED, strict=True):
        assert expected <= set(record.rules), (record.line, record.rules, expected)
    assert records[-1].codes == ("anonymous_id_already_assigned",)
