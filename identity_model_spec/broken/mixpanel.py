"""Broken Mixpanel rules, one adapter each: ``identity_model_spec.broken.mixpanel:<name>``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from identity_model_spec import oracle
from identity_model_spec.oracle_mixpanel import PREFIX, Mixpanel, mixpanel_mode, run_mixpanel


def _run(script: list[dict[str, Any]], world_class: type[Mixpanel]) -> dict[str, Any]:
    if script and mixpanel_mode(script[0]) is not None:
        return run_mixpanel(
            script, oracle.check_shape, oracle.parse_time, oracle.BadOp, world_class
        )
    return oracle.run(script)


class _IdentifyMerges(Mixpanel):
    def store(
        self,
        step: int,
        name: str,
        distinct_id: str,
        device_id: str | None,
        user_id: str | None,
        when: datetime,
        identity: dict[str, Any],
        from_sdk: bool,
    ) -> list[str]:
        codes = super().store(step, name, distinct_id, device_id, user_id, when, identity, from_sdk)
        anon, identified = identity.get("anon"), identity.get("identified")
        simplified_identify = self.mode == "simplified" and name == "$identify"
        if simplified_identify and anon and identified and not anon.startswith(PREFIX):
            self.join(identified, anon)
        return codes


def identify_merges_users(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks MIX-08/MIX-09: in simplified, `$identify` merges a non-device `$anon_id` (a user
    switching without reset merges the two users)."""
    return _run(script, _IdentifyMerges)


class _NoCap(Mixpanel):
    def too_big(self, a: str, b: str) -> bool:
        return False


def no_cluster_cap(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks MIX-15: original merges never hit the 500-id cap."""
    return _run(script, _NoCap)


class _DeviceMoves(Mixpanel):
    def store(
        self,
        step: int,
        name: str,
        distinct_id: str,
        device_id: str | None,
        user_id: str | None,
        when: datetime,
        identity: dict[str, Any],
        from_sdk: bool,
    ) -> list[str]:
        codes = super().store(step, name, distinct_id, device_id, user_id, when, identity, from_sdk)
        if "device_already_linked" in codes and device_id is not None and user_id is not None:
            codes.remove("device_already_linked")
            self.join(user_id, PREFIX + device_id)
        return codes


def linked_device_merges_users(script: list[dict[str, Any]]) -> dict[str, Any]:
    """Breaks MIX-10: a device linked to one user links again, merging the second user in."""
    return _run(script, _DeviceMoves)
