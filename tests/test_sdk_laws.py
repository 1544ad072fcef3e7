"""Laws of the server and mobile SDK flavours over random scripts (issue #11)."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given

from identity_model import build_report, run_objects
from identity_model_spec.strategies import client_scripts, python_scripts

GENERATED = re.compile(r"^(default|worker)-anon-\d+$")


def report_of(script: list[dict[str, Any]]) -> dict[str, Any]:
    run = run_objects(script)
    return build_report(run.records, run.world)


@given(python_scripts())
def test_python_generated_ids_are_never_reused(script: list[dict[str, Any]]) -> None:
    """PY-03: a generated id appears on exactly one event (ingest lines never use that form)."""
    report = report_of(script)
    generated = [
        event["distinct_id"]
        for event in report["events"]
        if GENERATED.match(event["distinct_id"])
        and not any(
            line.get("op") == "ingest" and line.get("distinct_id") == event["distinct_id"]
            for line in script
        )
    ]
    assert len(generated) == len(set(generated))


@given(python_scripts())
def test_python_sdk_calls_send_exactly_what_the_report_says(script: list[dict[str, Any]]) -> None:
    """Every event's "sent" holds the properties as sent; a personless capture says so."""
    report = report_of(script)
    for event in report["events"]:
        assert isinstance(event["sent"], dict)
        if GENERATED.match(event["distinct_id"]) and event["event"] != "$groupidentify":
            assert "$process_person_profile" in event["sent"]


def _own_ids(script: list[dict[str, Any]], keep: list[int]) -> list[tuple[int, str]]:
    """(original line index, distinct id) of the events of the kept lines."""
    report = report_of([script[index] for index in keep])
    lines = [step["line"] for step in report["steps"]]
    return [(keep[lines[event["step"]] - 1], event["distinct_id"]) for event in report["events"]]


@given(client_scripts("identified_only", client="mobile"))
def test_mobile_capture_for_another_id_leaves_the_device_id(script: list[dict[str, Any]]) -> None:
    """MOB-03: capturing for another id never changes the id the device's own events use."""
    everything = list(range(len(script)))
    own = [
        index
        for index, line in enumerate(script)
        if not (line.get("op") == "capture" and line.get("distinct_id") is not None)
    ]
    with_others = [pair for pair in _own_ids(script, everything) if pair[0] in own]
    assert with_others == _own_ids(script, own)
