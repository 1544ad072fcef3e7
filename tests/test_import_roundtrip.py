"""Property: replaying an export directly and replaying the script `import` writes from it give
the same report, but for line numbers and the rejected records (kept as comments)."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from identity_model import Code, Config, ScriptReader, Session, build_report, empty_world
from identity_model.importers import ExportReader, ExportSource
from identity_model.importers.script import script_lines
from identity_model.io.report import iter_records, run_script

IDS = st.sampled_from(["u1", "u2", "anon-a", "anon-b", "DEV-C", "", 7])
NAMES = st.sampled_from(["$pageview", "signed up", "$identify", "$create_alias", "purchase"])
SECONDS = st.integers(min_value=1_600_000_000, max_value=1_600_100_000)


def _maybe(key: str, value: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), value.map(lambda item: {key: item}))


def _segment() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda kind, ids, previous, event, traits, seconds: {
            "type": kind,
            **ids,
            **previous,
            **event,
            **traits,
            "timestamp": f"2020-09-{1 + seconds % 28:02d}T{seconds % 24:02d}:00:00Z",
        },
        st.sampled_from(["track", "page", "identify", "alias", "group", "screen", "nope"]),
        st.fixed_dictionaries({}, optional={"userId": IDS, "anonymousId": IDS}),
        _maybe("previousId", IDS),
        _maybe("event", NAMES),
        _maybe("traits", st.fixed_dictionaries({"plan": st.sampled_from(["free", "pro"])})),
        SECONDS,
    )


def _mixpanel() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda event, properties, seconds, millis: {
            "event": event,
            "properties": {**properties, "time": seconds * 1000 if millis else seconds},
        },
        NAMES,
        st.fixed_dictionaries(
            {},
            optional={
                "distinct_id": IDS,
                "$device_id": IDS,
                "$user_id": IDS,
                "$anon_distinct_id": IDS,
                "alias": IDS,
                "$browser": st.just("Chrome"),
            },
        ),
        SECONDS,
        st.booleans(),
    )


def _amplitude() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda event, ids, seconds: {
            "event_type": event,
            **ids,
            "event_time": f"2020-09-{1 + seconds % 28:02d} {seconds % 24:02d}:00:00.000000",
        },
        st.sampled_from(["click", "session_start", "$identify", "[Amplitude] Page Viewed"]),
        st.fixed_dictionaries({}, optional={"user_id": IDS, "device_id": IDS}),
        SECONDS,
    )


def _posthog() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda event, distinct, properties, seconds: {
            "event": event,
            **distinct,
            "properties": properties,
            "timestamp": seconds,
        },
        NAMES,
        _maybe("distinct_id", IDS),
        st.fixed_dictionaries(
            {},
            optional={
                "$anon_distinct_id": IDS,
                "alias": IDS,
                "$set": st.fixed_dictionaries({"plan": st.sampled_from(["free", "pro"])}),
                "$process_person_profile": st.booleans(),
            },
        ),
        SECONDS,
    )


EXPORTS = {
    ExportSource.SEGMENT: _segment(),
    ExportSource.MIXPANEL: _mixpanel(),
    ExportSource.AMPLITUDE: _amplitude(),
    ExportSource.POSTHOG: _posthog(),
}
RECORDS = st.sampled_from(list(EXPORTS)).flatmap(
    lambda source: st.tuples(
        st.just(source),
        st.lists(st.one_of(EXPORTS[source], st.just("{not json")), max_size=12),
    )
)


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """Steps without line numbers and without the importer's own rejections; event step
    indices renumbered to match."""
    kept: dict[int, int] = {}
    steps: list[dict[str, Any]] = []
    for index, step in enumerate(report["steps"]):
        if step["codes"] and step["codes"][0].startswith("import_"):
            continue
        kept[index] = len(steps)
        steps.append({key: value for key, value in step.items() if key != "line"})
    events = [{**event, "step": kept[event["step"]]} for event in report["events"]]
    return {**report, "steps": steps, "events": events}


def _reader(source: ExportSource, data: bytes) -> ExportReader:
    return ExportReader(["-"], source, stdin=io.BytesIO(data))


@given(RECORDS)
def test_import_then_replay_is_replaying_the_export(case: tuple[ExportSource, list[Any]]) -> None:
    source, records = case
    data = "".join(
        (record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records
    ).encode()

    sessions: list[Session] = []

    def open_session(config: Config) -> list[Session]:
        sessions.append(Session(empty_world(config)))
        return sessions

    direct_records = [
        records[0]
        for records in iter_records(ScriptReader(), _reader(source, data).items(), open_session)
    ]
    direct = build_report(direct_records, sessions[0].world)

    script = list(script_lines(_reader(source, data).items()))
    replayed = run_script(script)
    via_script = build_report(list(replayed.records), replayed.world)

    assert _comparable(via_script) == _comparable(direct)
    rejected = sum(
        1 for step in direct["steps"] if step["codes"][:1] == ["import_unreadable_record"]
    )
    assert rejected == sum(1 for record in records if isinstance(record, str))
    assert all(step["outcome"] != "rejected" or step["codes"] for step in direct["steps"])
    assert Code.IMPORT_UNREADABLE_RECORD.value.startswith("import_")
