"""The oracle's Segment profile: lists and dicts, written from the SEG rules alone.

Devices are dicts (analytics.js storage), calls are dicts, Unify profiles are dicts in a list
found by scanning. A merge rewrites every call that pointed at the absorbed profile (naive on
purpose). Never imports ``identity_model``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

TYPES = ["user_id", "email", "anonymous_id"]  # the default priority, highest first
WINDOW_DAYS = {"daily": 1, "weekly": 7, "monthly": 30, "annually": 365, "ever": None}
RECOMMENDED_EXACT = ["-1", "null", "anonymous"]
RECOMMENDED_PATTERN = "^[0-]*$"
MAX_MERGES = 100
MAX_MAPPINGS = 1000


class BadConfig(Exception):
    pass


def read_unify(value: Any) -> dict[str, Any] | None:
    """The config's ``unify`` value: ``None`` for Connections only, else the settings."""
    if value is False:
        return None
    if not isinstance(value, dict) or set(value) - {"limits", "priority", "blocked_values"}:
        raise BadConfig("unify")
    limits: dict[str, tuple[int, int | None]] = {
        "user_id": (1, None),
        "email": (5, None),
        "anonymous_id": (5, None),
    }
    raw_limits = value.get("limits", {})
    if not isinstance(raw_limits, dict):
        raise BadConfig("limits")
    for kind, raw in raw_limits.items():
        if kind not in TYPES:
            raise BadConfig("limit type")
        count, window = raw, "ever"
        if isinstance(raw, dict):
            if set(raw) - {"count", "window"} or "count" not in raw:
                raise BadConfig("limit keys")
            count, window = raw["count"], raw.get("window", "ever")
        if type(count) is not int or count < 1 or window not in WINDOW_DAYS:
            raise BadConfig("limit")
        limits[kind] = (count, WINDOW_DAYS[window])
    priority = value.get("priority", [])
    if (
        not isinstance(priority, list)
        or any(kind not in TYPES for kind in priority)
        or len(set(priority)) != len(priority)
    ):
        raise BadConfig("priority")
    order = list(priority) + [kind for kind in TYPES if kind not in priority]
    exact: list[str] = []
    patterns: list[str] = []
    blocked = value.get("blocked_values", [])
    if not isinstance(blocked, list):
        raise BadConfig("blocked_values")
    for item in blocked:
        if not isinstance(item, str):
            raise BadConfig("blocked value")
        if item == "$recommended":
            exact += RECOMMENDED_EXACT
            patterns.append(RECOMMENDED_PATTERN)
        elif item.startswith("regex:"):
            try:
                re.compile(item[len("regex:") :])
            except re.error:
                raise BadConfig("regex") from None
            patterns.append(item[len("regex:") :])
        else:
            exact.append(item)
    return {"limits": limits, "order": order, "exact": exact, "patterns": patterns}


def js_id(value: Any) -> str | None:
    """A string or a number as analytics.js stringifies it; anything else is no id."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) or (value == int(value) and abs(value) < 1e21):
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent[0] == "-" else "+"
        text = mantissa + "e" + sign + str(int(exponent.lstrip("+-")))
    return text


def run_segment(
    script: list[Any],
    parse_time: Any,
    check_shape: Any,
    bad_op: type[Exception],
    broken: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The report of a Segment script; ``broken`` names rules to get wrong (broken adapters)."""
    settings = read_unify(script[0]["config"].get("unify", {}))
    steps: list[dict[str, Any]] = []
    devices: dict[str, dict[str, Any]] = {}
    calls: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    clock: datetime | None = None

    def blocked(value: str) -> bool:
        assert settings is not None
        if value in settings["exact"]:
            return True
        return any(re.search(pattern, value) for pattern in settings["patterns"])

    def over_a_limit(ids: dict[tuple[str, str], datetime], new: list[Any], when: datetime) -> bool:
        assert settings is not None
        if "no_limits" in broken:
            return False
        for kind in TYPES:
            limit, days = settings["limits"][kind]
            count = 0
            for (other_kind, _), added in ids.items():
                if other_kind == kind and (days is None or when - added < timedelta(days=days)):
                    count += 1
            count += len([i for i in new if i[0] == kind])
            if count > limit:
                return True
        return False

    def resolve(call: dict[str, Any], traits_email: str | None, when: datetime) -> list[str]:
        """Unify: the codes; sets call["profile"]."""
        assert settings is not None
        codes: list[str] = []
        candidates = []
        for kind, value in (
            ("user_id", call["user"]),
            ("email", traits_email),
            ("anonymous_id", call["anon"]),
        ):
            if not value:
                continue
            if blocked(value):
                codes.append("identifier_blocked")
                continue
            candidates.append((kind, value))
        candidates.sort(key=lambda i: settings["order"].index(i[0]))
        while candidates:
            matched = [p for p in profiles if p["alive"] and any(i in p["ids"] for i in candidates)]
            if not matched:
                profile: dict[str, Any] = {
                    "ids": dict.fromkeys(candidates, when),
                    "merges": 0,
                    "alive": True,
                }
                profiles.append(profile)
                call["profile"] = profile
                return codes
            union: dict[tuple[str, str], datetime] = {}
            for p in matched:
                union.update(p["ids"])
            merges = sum(p["merges"] for p in matched) + len(matched) - 1
            new = [i for i in candidates if i not in union]
            if merges > MAX_MERGES:
                codes.append("merge_limit_reached")
                candidates.pop()
                continue
            if over_a_limit(union, new, when):
                codes.append("identifier_limit_exceeded")
                candidates.pop()
                continue
            if len(matched) > 1 and len(union) + len(new) > MAX_MAPPINGS:
                codes.append("mapping_limit_reached")
                candidates.pop()
                continue
            target = matched[0]
            for other in matched[1:]:
                target["ids"].update(other["ids"])
                other["alive"] = False
                for earlier in calls:
                    if earlier.get("profile") is other:
                        earlier["profile"] = target
            target["merges"] = merges
            for i in new:
                if len(target["ids"]) >= MAX_MAPPINGS:
                    codes.append("mapping_limit_reached")
                    break
                target["ids"][i] = when
            call["profile"] = target
            return codes
        call["profile"] = None
        return codes

    def send(step_index: int, kind: str, event: Any, user: Any, anon: Any, email: Any) -> list[str]:
        call = {
            "step": step_index,
            "type": kind,
            "event": event,
            "user": user or None,
            "anon": anon or None,
            "when": when,
            "profile": None,
        }
        codes: list[str] = []
        if settings is not None and kind != "alias":
            codes = resolve(call, email if isinstance(email, str) and email else None, when)
        calls.append(call)
        unique: list[str] = []
        for code in codes:
            if code not in unique:
                unique.append(code)
        return unique

    for line, obj in enumerate(script, start=1):
        if line == 1:
            continue
        name = obj.get("op") if isinstance(obj, dict) else None
        step: dict[str, Any] = {"line": line, "op": name if isinstance(name, str) else None}
        steps.append(step)
        try:
            if not isinstance(obj, dict) or ("config" in obj and "op" not in obj):
                raise bad_op("not an operation")
            check_shape(obj)
            if obj.get("timestamp") is not None:
                when = parse_time(obj["timestamp"])
            else:
                when = clock + timedelta(seconds=1) if clock else parse_time("2026-01-01T00:00:00Z")
        except bad_op:
            step.update(outcome="rejected", codes=["invalid_operation"])
            continue
        clock = when
        index = len(steps) - 1
        if name == "ingest":
            raw_user = obj.get("distinct_id")
            props = obj.get("properties") or {}
            raw_anon = props.get("$device_id")
            user, anon = js_id(raw_user), js_id(raw_anon)
            if (raw_user is not None and user is None) or (raw_anon is not None and anon is None):
                step.update(outcome="rejected", codes=["invalid_distinct_id"])
                continue
            if not user and not anon:
                step.update(outcome="rejected", codes=["missing_distinct_id"])
                continue
            event = obj["event"]
            email = None
            if event == "$identify":
                traits: dict[str, Any] = {}
                for key in ("$set_once", "$set"):
                    if isinstance(props.get(key), dict):
                        traits.update(props[key])
                kind, event, email = "identify", None, traits.get("email")
            elif event == "$create_alias":
                kind, event = "alias", None
            elif event == "$groupidentify":
                kind, event = "group", None
            else:
                kind = "track"
            codes = send(index, kind, event, user, anon, email)
            step.update(outcome="applied", codes=codes)
            continue
        device_name = obj.get("device") or "default"
        device = devices.get(device_name) or {
            "name": device_name,
            "first": obj.get("anonymous_id") or device_name + "-anon-0",
            "anon": obj.get("anonymous_id") or device_name + "-anon-0",
            "user": None,
            "traits": {},
            "n": 0,
        }
        if obj.get("anonymous_id") is not None and obj["anonymous_id"] != device["first"]:
            step.update(outcome="rejected", codes=["invalid_operation"])
            continue
        if name == "create_person_profile":
            step.update(outcome="ignored", codes=["unsupported_operation"])
            continue
        devices[device_name] = device
        codes = []
        if name == "capture":
            codes = send(index, "track", obj["event"], device["user"], device["anon"], None)
        elif name in ("identify", "set_person_properties"):
            current = device["user"]
            wanted = js_id(obj.get("distinct_id")) if name == "identify" else None
            new_id = wanted if wanted is not None else current
            given = dict(obj.get("set_once") or {})
            given.update(obj.get("set") or {})
            if current is None or current == new_id:
                merged = dict(device["traits"])
                merged.update(given)
                given = merged
            if new_id:
                if current is not None and new_id != current:
                    device["n"] += 1
                    device["anon"] = device["name"] + "-anon-" + str(device["n"])
                device["user"] = new_id
            device["traits"] = given
            codes = send(
                index, "identify", None, device["user"], device["anon"], given.get("email")
            )
        elif name == "alias":
            user = device["user"] or js_id(obj.get("alias"))
            codes = send(index, "alias", None, user, device["anon"], None)
        elif name == "group":
            codes = send(index, "group", None, device["user"], device["anon"], None)
        elif name == "reset":
            device["n"] += 1
            derived = device["name"] + "-anon-" + str(device["n"])
            device["anon"] = obj.get("new_anonymous_id") or derived
            device["user"] = None
            device["traits"] = {}
        step.update(outcome="applied", codes=codes)

    alive = [p for p in profiles if p["alive"]]
    alive.sort(key=lambda p: sorted({value for _, value in p["ids"]}))
    events = []
    for call in calls:
        person = None
        if call["profile"] is not None:
            person = alive.index(call["profile"])
        events.append(
            {
                "step": call["step"],
                "event": call["event"],
                "distinct_id": call["user"] or call["anon"],
                "billed_as": "identified" if call["user"] else "anonymous",
                "person": person,
                "anonymous_id": call["anon"],
                "user_id": call["user"],
                "type": call["type"],
            }
        )
    persons = []
    for p in alive:
        identifiers: dict[str, list[str]] = {}
        for kind, value in p["ids"]:
            identifiers.setdefault(kind, []).append(value)
        persons.append(
            {
                "distinct_ids": sorted({value for _, value in p["ids"]}),
                "is_identified": "user_id" in identifiers or "email" in identifiers,
                "identifiers": {kind: sorted(ids) for kind, ids in sorted(identifiers.items())},
                "merges": p["merges"],
                "properties": {},
            }
        )
    months: dict[str, dict[str, int]] = {}
    for month in sorted({call["when"].strftime("%Y-%m") for call in calls}):
        in_month = [c for c in calls if c["when"].strftime("%Y-%m") == month]
        users = {c["user"] for c in in_month if c["user"]}
        associated = {c["anon"] for c in in_month if c["user"] and c["anon"]}
        if "mtu_every_anonymous_id" in broken:
            associated = set()
        anons = {c["anon"] for c in in_month if c["anon"] and c["anon"] not in associated}
        months[month] = {"mtu": len(users) + len(anons), "api_calls": len(in_month)}
    billed = [e["billed_as"] for e in events]
    return {
        "format": "identity-model-report/1",
        "steps": steps,
        "events": events,
        "persons": persons,
        "usage": {
            "anonymous_events": billed.count("anonymous"),
            "identified_events": billed.count("identified"),
            "mtu": sum(m["mtu"] for m in months.values()),
            "api_calls": len(calls),
            "months": months,
        },
    }
