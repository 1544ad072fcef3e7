"""Broken SDK-layer rules, one adapter each: ``identity_model_spec.broken.client:<name>``."""

from __future__ import annotations

from typing import Any

from identity_model_spec import oracle
from identity_model_spec.oracle_client import Devices


class IdentifyAlwaysSends(Devices):
    """Breaks CL-13: the browser sends $identify for a new id while already identified."""

    def identify(self, d: dict[str, Any], new: Any, set_: Any, set_once: Any) -> Any:
        if (
            d["identified"]
            and isinstance(new, str)
            and new not in (d["id"], "")
            and self.world.config["client"] == "browser"
        ):
            previous = d["id"]
            d["id"] = new
            return (
                "applied",
                [],
                {
                    "name": "$identify",
                    "props": {"distinct_id": new, "$anon_distinct_id": previous},
                    "set": {},
                    "set_once": {},
                },
            )
        return super().identify(d, new, set_, set_once)


class CaptureFlips(Devices):
    """Breaks CL-26: a capture turns person processing on."""

    def call(self, d: dict[str, Any], obj: dict[str, Any]) -> Any:
        if obj["op"] == "capture" and self.world.config["person_profiles"] != "never":
            d["epp"] = True
        return super().call(d, obj)


class NoDedup(Devices):
    """Breaks CL-14: the same person properties are sent again."""

    def set_props(self, d: dict[str, Any], set_: Any, set_once: Any, repeated: str) -> Any:
        d["hash"] = None
        return super().set_props(d, set_, set_once, repeated)


class ResetKeepsDistinctId(Devices):
    """Breaks CL-20: reset forgets the user but keeps sending as the old distinct id."""

    def call(self, d: dict[str, Any], obj: dict[str, Any]) -> Any:
        if obj["op"] != "reset":
            return super().call(d, obj)
        old_id = d["id"]
        result = super().call(d, obj)
        d["id"] = old_id
        return result


def identify_always_sends(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, devices_class=IdentifyAlwaysSends)


def capture_flips(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, devices_class=CaptureFlips)


def no_dedup(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, devices_class=NoDedup)


def reset_keeps_distinct_id(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, devices_class=ResetKeepsDistinctId)


class GroupidentifyConsumesInitialProps(Devices):
    """Breaks CL-27: `$groupidentify` uses up the initial person properties."""

    def carries_initial_props(self, name: str, d: dict[str, Any]) -> bool:
        if name == "$groupidentify" and not d["initial_sent"]:
            d["initial_sent"] = True
            return False
        return super().carries_initial_props(name, d)


def groupidentify_consumes_initial_props(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, devices_class=GroupidentifyConsumesInitialProps)
