"""The oracle's Python server SDK (``"client": "python"``), written from rules-sdks.md alone.

One device is one posthog-python client in one thread: a stack of contexts and a counter of
generated ids. Plain dicts and lists; no sharing with ``identity_model``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

PYTHON_OPS = {
    "capture": {"event", "properties", "distinct_id"},
    "set": {"properties", "distinct_id"},
    "set_once": {"properties", "distinct_id"},
    "alias": {"previous_id", "distinct_id"},
    "group_identify": {"group_type", "group_key", "properties", "distinct_id"},
    "new_context": {"fresh"},
    "end_context": set(),
    "identify_context": {"distinct_id"},
    "tag": {"key", "value"},
    "ingest": {"distinct_id", "event", "properties"},
}


class BadPythonOp(Exception):
    pass


def check_python_shape(obj: dict[str, Any]) -> None:
    """Format §F.2 keys; raises ``BadPythonOp`` for a line that breaks it."""
    name = obj.get("op")
    if name not in PYTHON_OPS:
        raise BadPythonOp(str(name))
    allowed = PYTHON_OPS[name] | {"op", "timestamp"}
    if name != "ingest":
        allowed = allowed | {"device"}
    if set(obj) - allowed:
        raise BadPythonOp("unknown key")
    if name == "ingest":
        return
    if obj.get("device") is not None and not isinstance(obj["device"], str):
        raise BadPythonOp("device")
    for key in ("distinct_id", "previous_id"):
        value = obj.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, str | int | float)
        ):
            raise BadPythonOp(key)
    if obj.get("properties") is not None and not isinstance(obj["properties"], dict):
        raise BadPythonOp("properties")
    if name == "capture" and not isinstance(obj.get("event"), str):
        raise BadPythonOp("event")
    if name == "group_identify":
        if obj.get("group_type") is not None and not isinstance(obj["group_type"], str):
            raise BadPythonOp("group_type")
        group_key = obj.get("group_key")
        if group_key is not None and (
            isinstance(group_key, bool) or not isinstance(group_key, str | int | float)
        ):
            raise BadPythonOp("group_key")
    if name == "new_context" and not isinstance(obj.get("fresh", False), bool):
        raise BadPythonOp("fresh")
    if name == "identify_context" and obj.get("distinct_id") is None:
        raise BadPythonOp("identify_context needs distinct_id")
    if name == "tag" and not isinstance(obj.get("key"), str):
        raise BadPythonOp("key")


def py_str(value: Any) -> str | None:
    """``stringify_id``: None stays missing, strings as they are, numbers by ``str()``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return str(value)


class PythonClients:
    """Every Python device of a script; events go to ``world.ingest``."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.devices: dict[str, dict[str, Any]] = {}

    def device(self, name: str) -> dict[str, Any]:
        if name not in self.devices:
            self.devices[name] = {"stack": [], "generated": 0}
        return self.devices[name]

    def context_id(self, d: dict[str, Any]) -> str | None:
        for ctx in reversed(d["stack"]):
            if ctx["id"] is not None:
                return str(ctx["id"])
            if ctx["fresh"]:
                return None
        return None

    def tags(self, d: dict[str, Any]) -> dict[str, Any]:
        chain = []
        for ctx in reversed(d["stack"]):
            chain.append(ctx)
            if ctx["fresh"]:
                break
        merged: dict[str, Any] = {}
        for ctx in reversed(chain):
            merged.update(ctx["tags"])
        return merged

    def with_tags(self, d: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        if not d["stack"]:
            return dict(props)
        tags = self.tags(d)
        out = dict(tags)
        out.update(props)
        out["$context_tags"] = sorted(tags)
        return out

    def resolve(self, d: dict[str, Any], passed: Any) -> tuple[str | None, bool]:
        explicit = py_str(passed)
        if explicit:
            return explicit, False
        ctx = self.context_id(d)
        if ctx:
            return ctx, False
        return None, True

    def generate(self, name: str, d: dict[str, Any]) -> str:
        new = f"{name}-anon-{d['generated']}"
        d["generated"] += 1
        return new

    def apply(self, step: int, obj: dict[str, Any], when: datetime) -> tuple[str, list[str]]:
        name = obj.get("device") or "default"
        d = self.device(name)
        op = obj["op"]
        if op == "new_context":
            d["stack"].append({"fresh": obj.get("fresh", False), "id": None, "tags": {}})
            return "applied", []
        if op == "end_context":
            if not d["stack"]:
                return "rejected", ["invalid_operation"]
            d["stack"].pop()
            return "applied", []
        if op == "identify_context":
            if not d["stack"]:
                return "ignored", ["no_active_context"]
            new = py_str(obj["distinct_id"])
            if d["stack"][-1]["id"] == new:
                return "ignored", []
            d["stack"][-1]["id"] = new
            return "applied", []
        if op == "tag":
            if not d["stack"]:
                return "ignored", ["no_active_context"]
            d["stack"][-1]["tags"][obj["key"]] = obj.get("value")
            return "applied", []
        if op == "capture":
            distinct_id, personless = self.resolve(d, obj.get("distinct_id"))
            props = self.with_tags(d, obj.get("properties") or {})
            if personless:
                distinct_id = self.generate(name, d)
                if "$process_person_profile" not in props:
                    props["$process_person_profile"] = False
            return self.send(step, name, distinct_id, obj["event"], props, when)
        if op in ("set", "set_once"):
            distinct_id, personless = self.resolve(d, obj.get("distinct_id"))
            props = self.with_tags(d, obj.get("properties") or {})
            if personless:
                return "ignored", ["person_processing_disabled"]
            if not props:
                return "ignored", []
            event = "$set" if op == "set" else "$set_once"
            return self.send(step, name, distinct_id, event, {event: props}, when)
        if op == "alias":
            previous = py_str(obj.get("previous_id"))
            distinct_id, personless = self.resolve(d, obj.get("distinct_id"))
            if not previous or personless:
                return "rejected", ["invalid_distinct_id"]
            props = {"distinct_id": previous, "alias": distinct_id}
            return self.send(step, name, previous, "$create_alias", props, when)
        if op == "group_identify":
            group_type, group_key = obj.get("group_type"), obj.get("group_key")
            if not group_type or not group_key:
                return "rejected", ["invalid_operation"]
            distinct_id, personless = self.resolve(d, obj.get("distinct_id"))
            if personless:
                distinct_id = self.generate(name, d)
            props = {
                "$group_type": group_type,
                "$group_key": group_key,
                "$group_set": obj.get("properties") or {},
            }
            return self.send(step, name, distinct_id, "$groupidentify", props, when)
        raise AssertionError(op)

    def send(
        self,
        step: int,
        device: str,
        distinct_id: Any,
        event: str,
        props: dict[str, Any],
        when: datetime,
    ) -> tuple[str, list[str]]:
        result: tuple[str, list[str]] = self.world.ingest(
            step, distinct_id, event, props, when, device=device
        )
        return result
