"""Stable, machine-readable codes (conformance format §3) and the typed error that carries one.

A code is part of the public contract: codes may be added, never renamed.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every warning or error the model reports, by its stable string value."""

    ILLEGAL_DISTINCT_ID = "illegal_distinct_id"
    CANNOT_MERGE_ALREADY_IDENTIFIED = "cannot_merge_already_identified"
    INVALID_PROCESS_PERSON_PROFILE = "invalid_process_person_profile"
    MISSING_DISTINCT_ID = "missing_distinct_id"
    PERSON_PROCESSING_DISABLED = "person_processing_disabled"
    IDENTIFY_REPEATED = "identify_repeated"
    PERSON_PROPERTIES_REPEATED = "person_properties_repeated"
    INVALID_DISTINCT_ID = "invalid_distinct_id"
    DISTINCT_ID_TRUNCATED = "distinct_id_truncated"
    ANONYMOUS_ID_ALREADY_ASSIGNED = "anonymous_id_already_assigned"
    ALREADY_IDENTIFIED = "already_identified"  # mobile SDKs: identify(other id) while identified
    INVALID_PRICE_BOOK = "invalid_price_book"  # a price book file that is not a valid book
    NO_ACTIVE_CONTEXT = "no_active_context"  # Python identify_context/tag outside a context
    INVALID_OPERATION = "invalid_operation"
    UNSUPPORTED_OPERATION = "unsupported_operation"  # a neutral op the vendor has no analogue for
    # --- Amplitude (issue #14) ---
    ID_TOO_SHORT = "id_too_short"  # an id under min_id_length, removed from the event (AMP-11)
    # --- end Amplitude ---
    # --- Segment (issue #14) ---
    IDENTIFIER_BLOCKED = "identifier_blocked"  # a blocked value is not promoted (SEG-09)
    IDENTIFIER_LIMIT_EXCEEDED = "identifier_limit_exceeded"  # an identifier dropped (SEG-07/08)
    MERGE_LIMIT_REACHED = "merge_limit_reached"  # a merge past 100 refused (SEG-10)
    MAPPING_LIMIT_REACHED = "mapping_limit_reached"  # identifiers past 1,000 not added (SEG-10)
    # --- end Segment ---
    # --- Mixpanel (issue #14; docs/rules/mixpanel.md) ---
    IDENTITY_EVENT_IGNORED = "identity_event_ignored"  # simplified: an ingested identity event
    DEVICE_ALREADY_LINKED = "device_already_linked"  # simplified: the device has another user
    SAME_IDS = "same_ids"  # original: a merge naming one id twice
    ANON_ID_NOT_UUID = "anon_id_not_uuid"  # original: $identify's $anon_id is not a UUIDv4
    ANON_ID_ALREADY_MERGED = "anon_id_already_merged"  # original: $anon_id is spoken for
    ALIAS_ALREADY_EXISTS = "alias_already_exists"  # original: the alias was used already
    CLUSTER_LIMIT_EXCEEDED = "cluster_limit_exceeded"  # original: over 500 ids in a cluster
    # --- end Mixpanel ---
    # --- importing exports (issue #13): a record of a vendor's export that cannot be mapped ---
    IMPORT_UNREADABLE_RECORD = "import_unreadable_record"  # not UTF-8, not JSON, not an object
    IMPORT_MISSING_FIELD = "import_missing_field"  # a field the mapping needs (event name, type)
    IMPORT_INVALID_FIELD = "import_invalid_field"  # a field of a type the vendor's importer refuses
    IMPORT_INVALID_TIMESTAMP = "import_invalid_timestamp"  # missing or unreadable time
    IMPORT_MISSING_ID = "import_missing_id"  # no id the importer could attach the event to
    IMPORT_SKIPPED_EVENT = "import_skipped_event"  # PostHog's importer drops it by design
    IMPORT_UNSUPPORTED_TYPE = "import_unsupported_type"  # e.g. a Segment type outside the spec
    IMPORT_PARQUET_UNAVAILABLE = "import_parquet_unavailable"  # a Parquet file, no pyarrow
    IMPORT_UNKNOWN_FORMAT = "import_unknown_format"  # the export's vendor or format not guessed
    # --- end of importing exports ---
    # --- robustness codes (issue #17; docs/conformance-format.md, "Extension: robustness") ---
    LIMIT_EXCEEDED = "limit_exceeded"  # a line, nesting, number or count past a documented limit
    IO_ERROR = "io_error"  # standard input or output closed, full or failing
    # --- end of the robustness codes ---


class IdentityError(Exception):
    """Bad input, reported with a stable code and, when it came from a file, its line.

    Raised only at the edges (parsing, loading data files, command-line arguments); the
    reducers never raise for bad input, they return a ``rejected`` outcome instead.
    """

    def __init__(self, code: Code, message: str, *, line: int | None = None) -> None:
        self.code = code
        self.message = message
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{code.value}: {message}")
