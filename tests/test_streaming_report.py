"""``replay --format json`` writes its report as it is made (#10): the same text as dumping
the whole report, from step records kept on disk (``RecordSpool``)."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from identity_model import ScriptReader, Session, build_report, empty_world
from identity_model.io.report import iter_records, write_report
from identity_model.io.spool import CHUNK, RecordSpool
from identity_model.operations import Config
from identity_model.outcome import Status, StepRecord
from identity_model_spec.strategies import customerio_scripts, mixed_scripts, server_scripts

SCRIPTS = st.one_of(mixed_scripts(), server_scripts(), customerio_scripts())


def _records(script: list[dict[str, Any]]) -> tuple[list[StepRecord], Session]:
    reader = ScriptReader()
    sessions: list[Session] = []

    def open_session(config: Config) -> list[Session]:
        sessions.append(Session(empty_world(config)))
        return sessions

    records = [
        found[0] for found in iter_records(reader, reader.read_objects(script), open_session)
    ]
    return records, sessions[0]


@given(SCRIPTS, st.booleans())
def test_the_streamed_report_is_the_dumped_report(
    script: list[dict[str, Any]], ensure_ascii: bool
) -> None:
    records, session = _records(script)
    expected = io.StringIO()
    json.dump(
        build_report(records, session.world),
        expected,
        indent=2,
        sort_keys=True,
        ensure_ascii=ensure_ascii,
    )
    expected.write("\n")
    with RecordSpool() as spool:
        for record in records:
            spool.append(record)
        written = io.StringIO()
        write_report(written, spool, session.world, ensure_ascii=ensure_ascii)
    assert written.getvalue() == expected.getvalue()


def test_a_spool_gives_back_its_records_in_order_as_often_as_asked() -> None:
    records = [
        StepRecord(line=n, op="ingest", status=Status.APPLIED, rules=("SV-01",))
        for n in range(2 * CHUNK + 5)
    ]
    with RecordSpool() as spool:
        for record in records:
            spool.append(record)
        assert len(spool) == len(records)
        assert list(spool) == records
        assert list(zip(spool, spool, strict=True)) == list(zip(records, records, strict=True))
        assert spool[CHUNK + 1] == records[CHUNK + 1] and spool[-1] == records[-1]
        assert spool[3:6] == records[3:6]
        spool.append(records[0])
        assert list(spool)[-2:] == [records[-1], records[0]]
