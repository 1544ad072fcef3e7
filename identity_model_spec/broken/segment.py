"""Broken Segment rules, one adapter each: ``identity_model_spec.broken.segment:<name>``."""

from __future__ import annotations

from typing import Any

from identity_model_spec import oracle
from identity_model_spec.oracle_segment import run_segment


def _broken(script: list[dict[str, Any]], rule: str) -> dict[str, Any]:
    first = script[0] if script else None
    config = first.get("config") if isinstance(first, dict) else None
    if isinstance(config, dict) and config.get("vendor") == "segment":
        try:
            oracle.read_config(first)  # type: ignore[arg-type]
        except oracle.BadOp:
            return oracle.run(script)
        return run_segment(
            script, oracle.parse_time, oracle.check_shape, oracle.BadOp, frozenset({rule})
        )
    return oracle.run(script)


def ignores_identifier_limit(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks SEG-07/SEG-08: identifiers are added whatever the limits."""
    return _broken(script, "no_limits")


def counts_every_anonymous_id(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks SEG-13: anonymousIds seen with a userId are counted as MTUs too."""
    return _broken(script, "mtu_every_anonymous_id")
