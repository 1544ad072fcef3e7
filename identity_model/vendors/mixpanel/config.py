"""Mixpanel's config line: ``{"vendor": "mixpanel", "id_merge": "simplified" | "original"}``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from identity_model.errors import Code, IdentityError
from identity_model.operations import Config

NAME = "mixpanel"


class IdMerge(StrEnum):
    """The project's ID management mode."""

    # MIX-01: one mode per project, simplified by default; the config line is read once.

    SIMPLIFIED = "simplified"
    ORIGINAL = "original"


@dataclass(frozen=True, slots=True, kw_only=True)
class MixpanelConfig(Config):
    vendor: str = NAME
    id_merge: IdMerge = IdMerge.SIMPLIFIED


def parse_config(body: Mapping[str, Any]) -> MixpanelConfig:
    """The config line's body (format §1, Mixpanel extension); ``vendor`` may be present."""
    unknown = sorted(set(body) - {"vendor", "id_merge"})
    if unknown:
        raise IdentityError(
            Code.INVALID_OPERATION, f"config: unknown key(s) {', '.join(map(repr, unknown))}"
        )
    raw = body.get("id_merge", IdMerge.SIMPLIFIED.value)
    try:
        mode = IdMerge(raw)
    except ValueError:
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"config: id_merge is 'simplified' or 'original', not {raw!r}",
        ) from None
    return MixpanelConfig(id_merge=mode)
