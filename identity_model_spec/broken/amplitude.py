"""Broken Amplitude rules, one adapter each: ``identity_model_spec.broken.amplitude:<name>``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from identity_model_spec import oracle
from identity_model_spec.oracle_amplitude import (
    AmplitudeOracle,
    read_amplitude_config,
    run_amplitude,
)


class _MergesUsers(AmplitudeOracle):
    """A known user on a device last used by another user merges that user into theirs."""

    def ingest(
        self, step: int, event: str, user: Any, device: Any, when: datetime
    ) -> tuple[str, list[str]]:
        if (
            isinstance(user, str)
            and user in self.amp_of_user
            and isinstance(device, str)
            and device in self.amp_of_device
        ):
            mine = self.root(self.amp_of_user[user])
            theirs = self.root(self.amp_of_device[device])
            if theirs != mine and theirs in self.user_of_amp:
                self.merged_into[theirs] = mine
        return super().ingest(step, event, user, device, when)


class _RecountsClosedMonths(AmplitudeOracle):
    """Every month's MTUs are counted at the end, with the last merges."""

    def report(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        self.closed_mtu = {}
        return super().report(steps)


def _run(script: list[dict[str, Any]], oracle_class: type[AmplitudeOracle]) -> dict[str, Any]:
    first = script[0] if script else None
    body = first.get("config") if isinstance(first, dict) else None
    if isinstance(body, dict) and body.get("vendor") == "amplitude":
        min_length = read_amplitude_config(body)
        if min_length is not None:
            return run_amplitude(
                script, min_length, oracle.parse_time, oracle.check_shape, oracle_class
            )
    return oracle.run(script)


def merges_user_ids_sharing_a_device(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks AMP-09: two user ids seen on one device become one user."""
    return _run(script, _MergesUsers)


def recounts_closed_months(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks AMP-13: a later merge lowers the MTU count of a month already closed."""
    return _run(script, _RecountsClosedMonths)
