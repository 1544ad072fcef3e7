"""Export readers: each fixture line's operations and rejections, written by hand from the
vendors' documented payloads and PostHog's own mapping code (docs/importing.md)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from identity_model import BadLine, Code, IdentityError, Ingest, ScriptOp, Session, empty_world
from identity_model.importers import (
    SCRIPT,
    ExportReader,
    ExportSource,
    ImportedOp,
    ImportItem,
    RejectedRecord,
    detect,
)
from identity_model.importers.common import parse_iso
from identity_model.io.report import record_of
from identity_model.jsontypes import thaw

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def read(*names: str, source: ExportSource | None = None) -> list[ImportItem]:
    return list(ExportReader([str(FIXTURES / name) for name in names], source).items())


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def outline(items: list[ImportItem]) -> list[tuple[Any, ...]]:
    """(line, event, distinct id, time) per operation; (line, code) per rejection."""
    rows: list[tuple[Any, ...]] = []
    for item in items:
        if isinstance(item, RejectedRecord):
            rows.append((item.line, item.code))
        else:
            op = item.op
            assert isinstance(op, Ingest)
            rows.append((item.line, op.event, op.distinct_id, op.timestamp))
    return rows


def props(items: list[ImportItem], line: int, index: int = 0) -> dict[str, Any]:
    ops = [item for item in items if isinstance(item, ImportedOp) and item.line == line]
    op = ops[index].op
    assert isinstance(op, Ingest)
    result = thaw(op.properties)
    assert isinstance(result, dict)
    return result


# --- Segment (PostHog/posthog-segment index.js) ---------------------------------------------

SEGMENT_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/40.0.2214.115 Safari/537.36"
)
PETER = {
    "name": "Peter Gibbons",
    "email": "peter@example.com",
    "plan": "premium",
    "logins": 5,
    "address": {
        "street": "6th St",
        "city": "San Francisco",
        "state": "CA",
        "postalCode": "94103",
        "country": "USA",
    },
}


def test_segment_archive_line_by_line() -> None:
    items = read("segment-archive.jsonl")
    spec_time = t("2015-02-23T22:28:55.111Z")
    assert outline(items) == [
        (1, "$identify", "97980cfea0067", spec_time),
        (2, "$set", "507f191e810c19729de860ea", spec_time),
        (3, "Course Clicked", "AiUGstSDIg", t("2015-12-12T19:11:01.249Z")),
        (4, "$pageview", "97980cfea0067", spec_time),
        (5, "$screen", "97980cfea0067", spec_time),
        (6, "$groupidentify", "97980cfea0067", spec_time),
        (7, "$create_alias", "507f191e81", spec_time),
        (9, "$create_alias", "507f191e81", t("2015-02-24T07:00:00Z")),
        (10, "Order Completed", 12345, t("2015-02-24T10:00:00Z")),
        (11, "Order Refunded", "anon-7", t("2015-02-24T11:00:00Z")),
        (12, "Server Ping", None, t("2015-02-24T12:00:00Z")),
        (13, Code.IMPORT_UNSUPPORTED_TYPE),
        (14, Code.IMPORT_INVALID_TIMESTAMP),
        (15, Code.IMPORT_MISSING_FIELD),
        (16, Code.IMPORT_UNREADABLE_RECORD),
    ]


def test_segment_properties_are_those_posthogs_destination_sends() -> None:
    # The expected bodies of PostHog/posthog-segment test.js, without the distinct_id it puts
    # in the properties (here it is the operation's distinct_id, which capture reads first).
    items = read("segment-archive.jsonl")
    common = {"$ip": "8.8.8.8", "segment_ip": "8.8.8.8", "segment_userAgent": SEGMENT_UA}
    assert props(items, 1) == {
        **common,
        "$anon_distinct_id": "507f191e810c19729de860ea",
        "$lib": "Segment",
        "$set": PETER,
    }
    assert props(items, 2) == {**common, "$lib": "Segment", "$set": PETER}
    assert props(items, 3) == {
        "$current_url": "https://segment.com/academy/",
        "$groups": {"segment_group": "GroupId1"},
        "$ip": "108.0.78.21",
        "$lib": "Segment",
        "$pathname": "/academy/",
        "$referrer": "",
        "segment_ip": "108.0.78.21",
        "segment_library": {"name": "analytics.js", "version": "2.11.1"},
        "segment_page": {
            "path": "/academy/",
            "referrer": "",
            "search": "",
            "title": "Analytics Academy",
            "url": "https://segment.com/academy/",
        },
        "segment_userAgent": (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_0) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/46.0.2490.86 Safari/537.36"
        ),
        "title": "Intro to Analytics",
        "utm_campaign": "utm_name",
        "utm_name": "utm_name",
        "segment_groupId": "GroupId1",
    }
    assert props(items, 4) == {
        **common,
        "$current_url": "http://www.example.com",
        "title": "Welcome | Initech",
        "$lib": "Segment",
    }
    assert props(items, 5) == {
        "$ip": "8.8.8.8",
        "segment_ip": "8.8.8.8",
        "variation": "blue signup button",
        "$screen_name": "Home",
        "$lib": "Segment",
    }
    assert props(items, 6) == {
        **common,
        "$geoip_disable": True,
        "$group_type": "segment_group",
        "$group_key": "0e8c78ea9d97a7b8185e8632",
        "$group_set": {
            "name": "Initech",
            "industry": "Technology",
            "employees": 329,
            "plan": "enterprise",
            "total billed": 830,
        },
        "$lib": "Segment",
    }
    assert props(items, 7) == {**common, "alias": "39239-239239-239239-23923", "$lib": "Segment"}
    # Segment spec alias.md: previousId is the alias, userId the distinct id.
    assert props(items, 9) == {"alias": "jen@email.com", "$lib": "Segment"}


def test_segment_gz_archive_reads_the_same(tmp_path: Path) -> None:
    packed = tmp_path / "archive.json.gz"
    with gzip.open(packed, "wb") as out:
        out.write((FIXTURES / "segment-archive.jsonl").read_bytes())
    reader = ExportReader([str(packed)])
    items = list(reader.items())
    assert reader.source is ExportSource.SEGMENT
    assert outline(items) == outline(read("segment-archive.jsonl"))
    assert {item.file for item in items} == {str(packed)}
    assert reader.progress.done == reader.progress.total == packed.stat().st_size


# --- Mixpanel (rust/batch-import-worker/src/parse/content/mixpanel.rs) -----------------------


def test_mixpanel_export_line_by_line() -> None:
    items = read("mixpanel-export.jsonl")
    anonymous = "91304156-cafc-4673-a237-623d1129c801"
    assert outline(items) == [
        (1, "Signup", anonymous, t("2021-04-18T03:27:57Z")),  # 1618716477000 ms
        (2, "Purchase", anonymous, t("2021-04-18T03:27:57Z")),
        (3, "$identify", "user-42", t("2021-04-18T03:28:00Z")),  # 1618716480 s
        (4, "$identify", "YOUR_CHOSEN_USER_ID", t("2021-04-18T03:28:10Z")),
        (5, "$create_alias", "ORIGINAL_ID", t("2021-04-18T03:28:20Z")),
        (6, Code.IMPORT_MISSING_ID),  # $merge carries $distinct_ids, no distinct_id
        (7, "$identify", "user-7", t("2021-04-18T03:28:40Z")),  # 1618716520123 ms, cut
        (7, "Login", "user-7", t("2021-04-18T03:28:40Z")),
        (8, "Logout", "user-7", t("2021-04-18T03:28:50Z")),  # the pair is linked already
        (9, "$pageview", "17f0a1b2c3d", t("2021-04-18T03:29:00Z")),
        (10, Code.IMPORT_INVALID_FIELD),
        (11, Code.IMPORT_INVALID_TIMESTAMP),
        (12, Code.IMPORT_INVALID_TIMESTAMP),
        (13, Code.IMPORT_MISSING_ID),
        (14, Code.IMPORT_MISSING_FIELD),
    ]


def test_mixpanel_properties() -> None:
    items = read("mixpanel-export.jsonl")
    source = {"historical_migration": True, "analytics_source": "mixpanel"}
    # $insert_id dropped; time and distinct_id are not properties.
    assert props(items, 1) == {"Referred by": "Friend", "URL": "mixpanel.com/signup", **source}
    # mixpanel-js's $identify keeps $anon_distinct_id: PostHog's ingestion merges on it.
    assert props(items, 3) == {
        "$anon_distinct_id": "91304156-cafc-4673-a237-623d1129c801",
        **source,
    }
    # The HTTP API's $identify names the anonymous id $anon_id: passed through, no merge key.
    assert "$anon_distinct_id" not in props(items, 4)
    assert props(items, 5)["alias"] == "NEW_ID"
    assert props(items, 7, 0) == {
        "$anon_distinct_id": "DEV-1",
        "$mixpanel_user_id": "user-7",
        "$mixpanel_device_id": "DEV-1",
        **source,
    }
    assert props(items, 7, 1) == {
        "$browser": "Chrome",
        "$initial_referrer": "$direct",
        "$mixpanel_user_id": "user-7",
        "$mixpanel_device_id": "DEV-1",
        **source,
        "$set": {"$browser": "Chrome"},
        "$set_once": {"$initial_referrer": "$direct"},
    }
    assert props(items, 9) == {
        "$distinct_id_before_identity": "17f0a1b2c3d",
        "$geoip_city_name": "San Francisco",
        "$geoip_subdivision_1_name": "California",
        "$geoip_country_code": "US",
        **source,
        "$set": {
            "$geoip_city_name": "San Francisco",
            "$geoip_subdivision_1_name": "California",
            "$geoip_country_code": "US",
        },
    }


def test_mixpanel_without_identify_generation() -> None:
    reader = ExportReader(
        [str(FIXTURES / "mixpanel-export.jsonl")],
        ExportSource.MIXPANEL,
        generate_identify_events=False,
    )
    events = [item.op for item in reader.items() if isinstance(item, ImportedOp)]
    assert [op.event for op in events if isinstance(op, Ingest) and op.distinct_id == "user-7"] == [
        "Login",
        "Logout",
    ]


# --- Amplitude (amplitude.rs, amplitude/identify.rs) ------------------------------------------


def test_amplitude_export_line_by_line() -> None:
    items = read("amplitude-export.json")
    assert outline(items) == [
        (1, "$identify", "user123", t("2023-10-15T14:30:00.123456Z")),
        (1, "button_click", "user123", t("2023-10-15T14:30:00.123456Z")),
        (2, "button_click", "user123", t("2023-10-15T14:31:00Z")),
        (3, "$pageview", "device999", t("2023-10-15T14:32:00Z")),
        (4, "$identify", "user123", t("2023-10-15T14:33:00Z")),
        (5, Code.IMPORT_SKIPPED_EVENT),
        (6, "$identify", "user123", t("2023-10-15T14:35:01Z")),  # client_event_time
        (6, "$autocapture", "user123", t("2023-10-15T14:35:01Z")),
        (7, Code.IMPORT_INVALID_TIMESTAMP),
        (8, Code.IMPORT_MISSING_ID),
        (9, Code.IMPORT_MISSING_FIELD),
        (10, Code.IMPORT_INVALID_FIELD),
        (11, Code.IMPORT_MISSING_ID),  # "" is Some(""): the $identify fails on it
        (12, Code.IMPORT_MISSING_ID),
    ]


def test_amplitude_properties() -> None:
    items = read("amplitude-export.json")
    source = {"historical_migration": True, "analytics_source": "amplitude"}
    assert props(items, 1, 0) == {
        "$anon_distinct_id": "device456",
        "$amplitude_user_id": "user123",
        "$amplitude_device_id": "device456",
        **source,
    }
    assert props(items, 1, 1) == {
        "action": "click",
        "$amplitude_user_id": "user123",
        "$amplitude_device_id": "device456",
        "$device_id": "device456",
        "$amplitude_event_id": 101112,
        "$amplitude_session_id": 131415,
        "$geoip_country_name": "United States",
        "$geoip_city_name": "San Francisco",
        "$geoip_subdivision_1_name": "California",
        "$browser": "iOS",
        "$os": "iOS",
        "$browser_version": 15,  # "15" parses as an integer
        "$device_type": "Mobile",
        "$ip": "192.168.1.1",
        **source,
        "$set": {
            "$os": "iOS",
            "$browser": "iOS",
            "$device_type": "Mobile",
            "$browser_version": "15",
            "$geoip_city_name": "San Francisco",
            "$geoip_subdivision_1_name": "California",
            "$geoip_country_name": "United States",
        },
        "$set_once": {"$initial_utm_source": "google"},  # "EMPTY" initial_referrer left out
    }
    page = props(items, 3)
    assert (page["$current_url"], page["$host"], page["$pathname"]) == (
        "https://example.com/page",
        "example.com",
        "/page",
    )
    assert page["$set"] == {"$current_url": "https://example.com/page", "$pathname": "/page"}
    # Amplitude's own $identify has no $anon_distinct_id: nothing for PostHog to merge.
    assert "$anon_distinct_id" not in props(items, 4)


# --- PostHog events (already captured: one ingest each) ---------------------------------------


def test_posthog_json_lines_line_by_line() -> None:
    items = read("posthog-events.jsonl")
    assert outline(items) == [
        (1, "$pageview", "anon-1", t("2024-01-01T10:00:00Z")),
        (2, "$identify", "user-1", t("2024-01-01T10:05:00Z")),  # no offset: UTC
        (3, "$identify", "user-2", t("2024-01-01T10:10:00Z")),  # 12:10+02:00
        (4, "purchase", 42, t("2024-01-01T10:10:00Z")),  # 1704103800 s
        (5, "purchase", "user-1", t("2024-01-01T10:20:00Z")),  # 1704104400000 ms
        (6, "signed up", None, t("2024-01-01T10:30:00Z")),
        (7, "signed up", None, t("2024-01-01T10:31:00Z")),
        (8, "$set", "user-1", t("2024-01-01T10:40:00Z")),
        (9, "$create_alias", "user-1", t("2024-01-01T10:41:00Z")),
        (10, "api call", "anon-9", t("2024-01-01T10:42:00Z")),
        (11, Code.IMPORT_MISSING_FIELD),
        (12, Code.IMPORT_INVALID_TIMESTAMP),
        (13, Code.IMPORT_INVALID_TIMESTAMP),
        (14, Code.IMPORT_INVALID_FIELD),
        (15, Code.IMPORT_UNREADABLE_RECORD),
    ]
    assert props(items, 2) == {
        "$anon_distinct_id": "anon-1",
        "$set": {"email": "max@hedgehogmail.com"},
    }
    assert props(items, 3) == {"$set": {"name": "Max Hedgehog"}}
    assert props(items, 6) == {"distinct_id": "user-3"}  # capture's fallback id
    # The set / set_once columns win over properties.$set, as normalizeEvent merges them.
    assert props(items, 8) == {
        "$set": {"plan": "paid", "email": "max@hedgehogmail.com"},
        "$set_once": {"first_seen": "2024-01-01"},
    }
    assert props(items, 10) == {"$process_person_profile": False}


def test_posthog_csv_rows() -> None:
    items = read("posthog-events.csv")
    assert outline(items) == [
        (2, "$pageview", "anon-1", t("2024-01-01T10:00:00Z")),
        (3, "$identify", "user-1", t("2024-01-01T10:05:00Z")),
        (4, "signed up", None, t("2024-01-01T10:06:00Z")),  # an empty cell: no id
        (5, "multi\nline", "user-1", t("2024-01-01T10:07:00Z")),  # the row starts on line 5
        (7, Code.IMPORT_INVALID_FIELD),
        (8, Code.IMPORT_UNREADABLE_RECORD),
    ]
    assert props(items, 2) == {"$current_url": "https://example.com/", "$browser": "Chrome"}
    assert props(items, 3) == {
        "$anon_distinct_id": "anon-1",
        "$set": {"email": "max@hedgehogmail.com"},
    }


def test_posthog_parquet_rows(tmp_path: Path) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    table = pyarrow.table(
        {
            "uuid": ["u-1", "u-2"],
            "event": ["$pageview", "$identify"],
            "distinct_id": ["anon-1", "user-1"],
            "properties": ["{}", json.dumps({"$anon_distinct_id": "anon-1"})],
            "timestamp": [
                datetime(2024, 1, 1, 10, 0, tzinfo=UTC),
                datetime(2024, 1, 1, 10, 5, tzinfo=UTC),
            ],
        }
    )
    path = tmp_path / "events.parquet"
    parquet.write_table(table, path)
    items = list(ExportReader([str(path)]).items())
    assert outline(items) == [
        (1, "$pageview", "anon-1", t("2024-01-01T10:00:00Z")),
        (2, "$identify", "user-1", t("2024-01-01T10:05:00Z")),
    ]
    assert props(items, 2) == {"$anon_distinct_id": "anon-1"}


def test_parquet_without_pyarrow_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "events.parquet"
    path.write_bytes(b"PAR1 not really")
    import importlib  # noqa: PLC0415

    real = importlib.import_module

    def without_pyarrow(name: str, package: str | None = None) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pyarrow)
    with pytest.raises(IdentityError) as error:
        list(ExportReader([str(path)], ExportSource.POSTHOG).items())
    assert error.value.code is Code.IMPORT_PARQUET_UNAVAILABLE


# --- inputs, guessing, and the runner ----------------------------------------------------------


def test_a_directory_is_read_in_name_order_with_each_file_named(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "2015").mkdir(parents=True)
    shutil.copy(FIXTURES / "segment-archive.jsonl", folder / "2015" / "b.jsonl")
    (folder / "a.jsonl").write_text(
        '{"type":"track","userId":"u","event":"E","timestamp":"2015-01-01T00:00:00Z"}\n'
    )
    (folder / "notes.txt").write_text("not an export")
    (folder / ".hidden.jsonl").write_text("{}\n")
    items = list(ExportReader([str(folder)]).items())
    assert items[0].file == str(folder / "2015" / "b.jsonl")
    assert items[-1].file == str(folder / "a.jsonl")
    assert len(items) == len(read("segment-archive.jsonl")) + 1


def test_standard_input_gzipped_or_not() -> None:
    raw = (FIXTURES / "mixpanel-export.jsonl").read_bytes()
    for data in (raw, gzip.compress(raw)):
        reader = ExportReader(["-"], stdin=io.BytesIO(data))
        items = list(reader.items())
        assert reader.source is ExportSource.MIXPANEL
        assert reader.progress.total is None
        assert outline(items) == outline(read("mixpanel-export.jsonl"))
        assert {item.file for item in items} == {"-"}


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("segment-archive.jsonl", ExportSource.SEGMENT),
        ("mixpanel-export.jsonl", ExportSource.MIXPANEL),
        ("amplitude-export.json", ExportSource.AMPLITUDE),
        ("posthog-events.jsonl", ExportSource.POSTHOG),
        ("posthog-events.csv", ExportSource.POSTHOG),
    ],
)
def test_the_vendor_is_guessed_from_the_first_record(name: str, source: ExportSource) -> None:
    reader = ExportReader([str(FIXTURES / name)])
    list(reader.items())
    assert reader.source is source


def test_an_unrecognisable_export_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "mystery.jsonl"
    path.write_text('not json\n{"hello": "world"}\n')
    with pytest.raises(IdentityError) as error:
        list(ExportReader([str(path)]).items())
    assert error.value.code is Code.IMPORT_UNKNOWN_FORMAT
    assert f"{path}:2" in error.value.message and "--from" in error.value.message


def test_rejections_are_counted_by_code() -> None:
    reader = ExportReader([str(FIXTURES / "posthog-events.jsonl")])
    list(reader.items())
    assert dict(reader.rejected) == {
        Code.IMPORT_MISSING_FIELD: 1,
        Code.IMPORT_INVALID_TIMESTAMP: 2,
        Code.IMPORT_INVALID_FIELD: 1,
        Code.IMPORT_UNREADABLE_RECORD: 1,
    }


def test_items_are_script_items_the_runner_takes_unchanged() -> None:
    session = Session(empty_world())
    items = read("segment-archive.jsonl")
    assert all(isinstance(item, ScriptOp | BadLine) for item in items)
    records = [record_of(session, item) for item in items]
    assert [(r.line, r.op, r.status.value) for r in records][:2] == [
        (1, "ingest", "applied"),
        (2, "ingest", "applied"),
    ]
    # Line 12 has no id at all: the model itself rejects the ingest (SV-01).
    assert (records[10].line, records[10].status.value, records[10].codes) == (
        12,
        "rejected",
        (Code.MISSING_DISTINCT_ID,),
    )
    assert (records[-1].line, records[-1].op, records[-1].codes) == (
        16,
        None,
        (Code.IMPORT_UNREADABLE_RECORD,),
    )
    # Segment's identify merged the anonymous id into the user (PostHog's $anon_distinct_id).
    world = session.world
    user = world.person_of("97980cfea0067")
    assert user is not None and user.is_identified
    assert world.person_of("507f191e810c19729de860ea") == user


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00+00:00"),
        ("2024-01-01 10:00:00.123456789", "2024-01-01T10:00:00.123456+00:00"),
        ("2024-01-01T12:00:00+0200", "2024-01-01T10:00:00+00:00"),
        ("2024-01-01T12:00:00+02", "2024-01-01T10:00:00+00:00"),
        ("2024-01-01 10:00 UTC", "2024-01-01T10:00:00+00:00"),
        ("2024-01-01", "2024-01-01T00:00:00+00:00"),
    ],
)
def test_iso_times(text: str, expected: str) -> None:
    parsed = parse_iso(text)
    assert parsed is not None and parsed.isoformat() == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", ""])
def test_unreadable_iso_times(text: str) -> None:
    assert parse_iso(text) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("segment-archive.jsonl", ExportSource.SEGMENT),
        ("posthog-events.csv", ExportSource.POSTHOG),
    ],
)
def test_detect_tells_exports_from_scripts(name: str, kind: ExportSource) -> None:
    detected = detect([str(FIXTURES / name)], io.BytesIO())
    assert detected.kind is kind


def test_detect_a_script_of_ours_and_keep_standard_input_whole() -> None:
    script = b'// a comment\n{"config": {"person_profiles": "always"}}\n{"op": "capture"}\n'
    detected = detect(["-"], io.BytesIO(script))
    assert detected.kind == SCRIPT
    assert detected.where == "-:2"
    assert detected.stdin.read() == script


def test_detect_gzipped_standard_input_and_read_it_all_afterwards() -> None:
    raw = (FIXTURES / "amplitude-export.json").read_bytes()
    detected = detect(["-"], io.BytesIO(gzip.compress(raw)))
    assert detected.kind is ExportSource.AMPLITUDE
    items = list(ExportReader(["-"], detected.kind, stdin=detected.stdin).items())
    assert outline(items) == outline(read("amplitude-export.json"))


def test_detect_nothing_known() -> None:
    detected = detect(["-"], io.BytesIO(b"hello\nworld\n"))
    assert detected.kind is None
    assert "no record could be read" in detected.where
    detected = detect(["-"], io.BytesIO(b'{"hello": "world"}\n'))
    assert (detected.kind, detected.where) == (None, "-:1")


def test_segment_warehouse_tables_are_read_as_the_messages_they_were() -> None:
    # Rows of the warehouse schema (segment-docs .../warehouses/schema.md): the table is the
    # type (an event's own table, signed_up.csv, is a track), context_* columns are context,
    # the other columns the traits or properties; then PostHog's destination mapping.
    folder = FIXTURES / "segment-warehouse"
    reader = ExportReader([str(folder)])
    items = list(reader.items())
    assert reader.source is ExportSource.SEGMENT
    assert [
        (Path(item.file).name, *row) for item, row in zip(items, outline(items), strict=True)
    ] == [
        ("aliases.csv", 2, "$create_alias", "507f191e81", t("2015-02-23T22:28:55.111Z")),
        ("identifies.csv", 2, "$identify", "97980cfea0067", t("2015-02-23T22:28:54Z")),
        ("identifies.csv", 3, "$set", "anon-only", t("2015-02-23T22:30:00Z")),
        ("signed_up.csv", 2, "Register", "97980cfea0067", t("2015-02-23T22:31:00Z")),
        ("signed_up.csv", 3, Code.IMPORT_INVALID_TIMESTAMP),
    ]
    assert props(items[:1], 2) == {
        "$ip": "8.8.8.8",
        "segment_ip": "8.8.8.8",
        "alias": "39239-239239-239239-23923",
        "$lib": "Segment",
    }
    assert props(items[1:2], 2) == {
        "utm_campaign": "winter",
        "$ip": "8.8.8.8",
        "$current_url": "https://example.com/signup",
        "segment_ip": "8.8.8.8",
        "segment_page": {"url": "https://example.com/signup"},
        "$set": {
            "email": "peter@example.com",
            "first_name": "Peter",
            "address_street": "6th St",
            "plan": "premium",
        },
        "$anon_distinct_id": "507f191e810c19729de860ea",
        "$lib": "Segment",
    }
    assert props(items[2:3], 3) == {"$set": {"plan": "free"}, "$lib": "Segment"}
    assert props(items[3:4], 2) == {
        "$ip": "8.8.8.8",
        "segment_ip": "8.8.8.8",
        "plan": "Pro Annual",
        "account_type": "Facebook",
        "$lib": "Segment",
    }


def test_a_warehouse_union_with_a_type_column_needs_no_table_names(tmp_path: Path) -> None:
    path = tmp_path / "union.jsonl"
    path.write_text(
        '{"type": "identify", "anonymous_id": "a1", "user_id": "u1", "email": "u1@example.com",'
        ' "timestamp": "2015-02-23T22:28:55Z"}\n'
    )
    items = list(ExportReader([str(path)]).items())
    assert outline(items) == [(1, "$identify", "u1", t("2015-02-23T22:28:55Z"))]
    assert props(items, 1) == {
        "$set": {"email": "u1@example.com"},
        "$anon_distinct_id": "a1",
        "$lib": "Segment",
    }
