"""The Amplitude config line: ``{"config": {"vendor": "amplitude", "min_id_length": 5}}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from identity_model.errors import Code, IdentityError
from identity_model.vendors.amplitude.state import AmplitudeConfig

CONFIG_KEYS = frozenset({"min_id_length"})


def parse_config(raw: Mapping[str, Any]) -> AmplitudeConfig:
    """The config body (``vendor`` already read); ``invalid_operation`` for unknown keys or
    a bad ``min_id_length``."""
    unknown = sorted(set(raw) - CONFIG_KEYS)
    if unknown:
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"config: unknown key(s) {', '.join(map(repr, unknown))} for vendor amplitude",
        )
    if "min_id_length" not in raw:
        return AmplitudeConfig()
    value = raw["min_id_length"]
    if type(value) is not int or value < 0:
        raise IdentityError(
            Code.INVALID_OPERATION, "config: min_id_length must be a whole number >= 0"
        )
    return AmplitudeConfig(min_id_length=value)
