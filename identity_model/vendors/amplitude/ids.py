"""Which ids an event keeps: Amplitude's HTTP V2 id checks (AMP-11, D-AMP-3)."""

from __future__ import annotations

from dataclasses import dataclass

from identity_model.errors import Code
from identity_model.jsontypes import Json
from identity_model.rules import AmplitudeRule

# AM-H "Invalid IDs that result in a 400 error", exactly as listed (`""""` there is the
# two-character string `""`: every value of that list is quoted).
INVALID_IDS: frozenset[str] = frozenset(
    {
        "anonymous",
        "nil",
        "none",
        "null",
        "n/a",
        "na",
        "undefined",
        "unknown",
        '""',
        "00000000-0000-0000-0000-000000000000",
        "{}",
        "lmy47d",
        "0",
        "-1",
    }
)
DEFAULT_MIN_ID_LENGTH = 5
ID_RULE: AmplitudeRule = "AMP-11"  # too-short ids are removed, listed ones refused (AM-H)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedIds:
    """What is left of an event's ids, or why it is refused.

    ``refused`` is the code that rejects the event (``None``: accepted); ``codes`` are the
    warnings and errors in order (one ``id_too_short`` per removed id)."""

    user_id: str | None
    device_id: str | None
    codes: tuple[Code, ...]
    refused: Code | None


def check_ids(user_id: Json, device_id: Json, min_id_length: int) -> CheckedIds:
    """The event's ``user_id`` and ``device_id`` after ingestion's checks: the invalid list
    first, exactly and case-sensitively (D-AMP-3), a value that is not a string being no id
    either (a 400); then each id shorter than ``min_id_length`` is removed; an event left with
    neither is refused."""
    for value in (user_id, device_id):
        if value is not None and (type(value) is not str or value in INVALID_IDS):
            return CheckedIds(
                user_id=None,
                device_id=None,
                codes=(Code.INVALID_DISTINCT_ID,),
                refused=Code.INVALID_DISTINCT_ID,
            )
    kept: list[str | None] = []
    codes: list[Code] = []
    for value in (user_id, device_id):
        assert value is None or type(value) is str
        too_short = value is not None and len(value) < min_id_length
        if too_short:
            codes.append(Code.ID_TOO_SHORT)
        kept.append(None if too_short else value)
    user, device = kept
    if user is None and device is None:
        codes.append(Code.MISSING_DISTINCT_ID)
        return CheckedIds(
            user_id=None, device_id=None, codes=tuple(codes), refused=Code.MISSING_DISTINCT_ID
        )
    return CheckedIds(user_id=user, device_id=device, codes=tuple(codes), refused=None)
