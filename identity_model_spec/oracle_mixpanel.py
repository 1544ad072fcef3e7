"""The oracle's Mixpanel profile: plain dicts and sets, written from the MIX rules alone.

Naive on purpose: a cluster is a number, every id maps to its cluster number, and a merge
rewrites every moved id. It never imports ``identity_model``; the few helpers it shares with
the PostHog oracle (shape checks, time parsing) are handed in by ``identity_model_spec.oracle``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

REFUSED = [
    "00000000-0000-0000-0000-000000000000",
    "anon",
    "anonymous",
    "nil",
    "none",
    "null",
    "n/a",
    "na",
    "undefined",
    "unknown",
    "<nil>",
    "0",
    "-1",
    "true",
    "false",
    "[]",
    "{}",
]
NOT_BILLED = ["$identify", "$create_alias", "$merge", "$opt_in", "$mp_session_record"]
IDENTITY_EVENTS = ["$identify", "$create_alias", "$merge"]
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
PREFIX = "$device:"
CAP = 500


def mixpanel_mode(obj: Any) -> str | None:
    """The id_merge mode of a valid Mixpanel config line, else None."""
    if not isinstance(obj, dict) or set(obj) != {"config"} or not isinstance(obj["config"], dict):
        return None
    body = obj["config"]
    if body.get("vendor") != "mixpanel" or set(body) - {"vendor", "id_merge"}:
        return None
    mode = body.get("id_merge", "simplified")
    return mode if mode in ("simplified", "original") else None


def refused(value: str) -> bool:
    return value.lower() in REFUSED


def looks_uuid4(value: str) -> bool:
    return UUID4.match(value) is not None


class Mixpanel:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.cluster_of: dict[str, int] = {}
        self.next_cluster = 0
        self.devices: dict[str, dict[str, Any]] = {}
        self.used_aliases: set[str] = set()
        self.identified_ids: set[str] = set()
        self.events: list[dict[str, Any]] = []
        self.clock: datetime | None = None

    # ------------------------------------------------------------------ clusters

    def members(self, distinct_id: str) -> list[str]:
        if distinct_id not in self.cluster_of:
            return [distinct_id]
        number = self.cluster_of[distinct_id]
        return [i for i, n in self.cluster_of.items() if n == number]

    def add(self, distinct_id: str) -> None:
        if distinct_id != "" and distinct_id not in self.cluster_of:
            self.cluster_of[distinct_id] = self.next_cluster
            self.next_cluster += 1

    def together(self, a: str, b: str) -> bool:
        return (
            a in self.cluster_of
            and b in self.cluster_of
            and (self.cluster_of[a] == self.cluster_of[b])
        )

    def join(self, a: str, b: str) -> None:
        self.add(a)
        self.add(b)
        old, new = self.cluster_of[b], self.cluster_of[a]
        for i in list(self.cluster_of):
            if self.cluster_of[i] == old:
                self.cluster_of[i] = new

    def too_big(self, a: str, b: str) -> bool:
        return len(self.members(a)) + len(self.members(b)) > CAP

    # ------------------------------------------------------------------ original merges

    def original_identify(self, identified: str, anon: str, from_sdk: bool) -> list[str]:
        codes: list[str] = []
        if anon.startswith(PREFIX):
            uuid_ok = from_sdk or looks_uuid4(anon[len(PREFIX) :])
        else:
            uuid_ok = looks_uuid4(anon)
        if anon == identified:
            codes = ["same_ids"]
        elif not uuid_ok:
            codes = ["anon_id_not_uuid"]
        elif self.together(anon, identified):
            pass
        elif any(i in self.identified_ids for i in self.members(anon)):
            codes = ["anon_id_already_merged"]
        elif self.too_big(identified, anon):
            codes = ["cluster_limit_exceeded"]
        else:
            self.join(identified, anon)
        self.identified_ids.add(identified)
        return codes

    def original_alias(self, distinct_id: str, alias: str) -> list[str]:
        if distinct_id == "":
            return []
        if alias == distinct_id:
            return ["same_ids"]
        if alias in self.used_aliases:
            return ["alias_already_exists"]
        if self.together(distinct_id, alias):
            self.used_aliases.add(alias)
            return []
        if self.too_big(distinct_id, alias):
            return ["cluster_limit_exceeded"]
        self.join(distinct_id, alias)
        self.used_aliases.add(alias)
        return []

    def original_merge(self, a: str, b: str) -> list[str]:
        if a == b:
            return ["same_ids"]
        if self.together(a, b):
            return []
        if self.too_big(a, b):
            return ["cluster_limit_exceeded"]
        self.join(a, b)
        return []

    # ------------------------------------------------------------------ one event

    def month(self, when: datetime) -> str:
        if self.clock is None or when > self.clock:
            self.clock = when
        return self.clock.strftime("%Y-%m")

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
        """Process one accepted event; identity holds what its identity fields said."""
        codes: list[str] = []
        self.add(distinct_id)
        if self.mode == "simplified":
            if name in IDENTITY_EVENTS:
                if not from_sdk:
                    codes.append("identity_event_ignored")
            elif user_id is not None and device_id is not None:
                device = PREFIX + device_id
                owners = [i for i in self.members(device) if not i.startswith(PREFIX)]
                if device not in self.cluster_of or not owners:
                    self.join(user_id, device)
                elif owners != [user_id]:
                    codes.append("device_already_linked")
        elif name == "$identify" and "identified" in identity and "anon" in identity:
            codes += self.original_identify(identity["identified"], identity["anon"], from_sdk)
        elif name == "$create_alias" and "alias" in identity:
            codes += self.original_alias(distinct_id, identity["alias"])
        elif name == "$merge" and "pair" in identity:
            codes += self.original_merge(identity["pair"][0], identity["pair"][1])
        if name in NOT_BILLED:
            billed = None
        elif distinct_id != "" and not distinct_id.startswith(PREFIX):
            billed = "identified"
        else:
            billed = "anonymous"
        self.events.append(
            {
                "step": step,
                "event": name,
                "distinct_id": distinct_id,
                "billed_as": billed,
                "device_id": device_id,
                "user_id": user_id,
                "month": self.month(when),
            }
        )
        return codes

    def ingest(self, step: int, obj: dict[str, Any], when: datetime) -> tuple[str, list[str]]:
        props = obj.get("properties") or {}
        name = obj["event"]
        raw = {
            "distinct_id": obj.get("distinct_id"),
            "$user_id": props.get("$user_id"),
            "$device_id": props.get("$device_id"),
            "$identified_id": props.get("$identified_id"),
            "$anon_id": props.get("$anon_id"),
            "alias": props.get("alias"),
        }
        for value in raw.values():
            if value is not None and (not isinstance(value, str) or refused(value)):
                return "rejected", ["invalid_distinct_id"]
        pair: list[Any] = props.get("$distinct_ids") or []
        good_pair = (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(i, str) and i != "" for i in pair)
        )
        if good_pair and any(refused(i) for i in pair):
            return "rejected", ["invalid_distinct_id"]
        given = raw["distinct_id"]
        user = raw["$user_id"] or None
        device = raw["$device_id"] or None
        identity: dict[str, Any] = {}
        if raw["$identified_id"]:
            identity["identified"] = raw["$identified_id"]
        if raw["$anon_id"]:
            identity["anon"] = raw["$anon_id"]
        if raw["alias"]:
            identity["alias"] = raw["alias"]
        if good_pair:
            identity["pair"] = pair
        choices = []
        if self.mode == "simplified":
            choices = [user, None if device is None else PREFIX + device, given]
        else:
            choices = [given, user, None if device is None else PREFIX + device]
        if name == "$identify":
            choices.append(identity.get("identified"))
        if name == "$merge" and good_pair:
            choices.append(pair[0])
        found = [c for c in choices if c is not None]
        if not found:
            return "rejected", ["missing_distinct_id"]
        distinct = found[0]
        if self.mode == "simplified" and user is None and device is None:
            # sent with a distinct id only: Mixpanel sets $device_id or $user_id from it
            if distinct.startswith(PREFIX):
                device = distinct[len(PREFIX) :]
            elif distinct != "":
                user = distinct
        codes = self.store(step, name, distinct, device, user, when, identity, from_sdk=False)
        return "applied", codes

    # ------------------------------------------------------------------ the SDK

    def client(self, step: int, obj: dict[str, Any], when: datetime) -> tuple[str, list[str]]:
        name = obj.get("device") or "default"
        given = obj.get("anonymous_id")
        if name in self.devices:
            device = dict(self.devices[name])
        else:
            first = given if given is not None else name + "-anon-0"
            device = {"first": first, "anon": first, "user": None, "id": PREFIX + first}
            device.update(alias=None, resets=0)
        if given is not None and given != device["first"]:
            return "rejected", ["invalid_operation"]
        op = obj["op"]
        codes: list[str] = []
        if op == "create_person_profile":
            return "ignored", ["unsupported_operation"]
        if op in ("group", "set_person_properties"):
            self.devices[name] = device
            self.month(when)
            return "applied", []
        if op == "reset":
            device["resets"] += 1
            new = obj.get("new_anonymous_id")
            if new is None:
                new = name + "-anon-" + str(device["resets"])
            device.update(anon=new, user=None, alias=None, id=PREFIX + new)
            self.devices[name] = device
            self.month(when)
            return "applied", []
        if op == "capture":
            event, identity = obj["event"], {}
        else:
            value = obj.get("distinct_id") if op == "identify" else obj.get("alias")
            if not isinstance(value, str) or value == "" or refused(value):
                return "rejected", ["invalid_distinct_id"]
            if value == device["id"]:
                return "ignored", ["identify_repeated"]
            if value.startswith(PREFIX):
                return "rejected", ["invalid_distinct_id"]
            if op == "identify":
                event = "$identify"
                identity = {"identified": value, "anon": device["id"]}
            else:
                event = "$create_alias"
                identity = {"alias": value}
        before = dict(device)
        if op == "identify":
            device["user"] = identity["identified"]
            if identity["identified"] != device["alias"]:
                device.update(id=identity["identified"], alias=None)
        sent_user = device["user"]
        if self.mode == "simplified":
            distinct = sent_user if sent_user is not None else PREFIX + device["anon"]
        else:
            distinct = identity["identified"] if op == "identify" else device["id"]
        for value in (device["anon"], sent_user, distinct):
            if value is not None and refused(value):
                return "rejected", ["invalid_distinct_id"]
        if op == "alias":
            device.update(alias=identity["alias"], user=identity["alias"])
        codes = self.store(
            step, event, distinct, before["anon"], sent_user, when, identity, from_sdk=True
        )
        self.devices[name] = device
        return "applied", codes

    # ------------------------------------------------------------------ the report

    def report(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        groups: dict[int, list[str]] = {}
        for i, n in self.cluster_of.items():
            groups.setdefault(n, []).append(i)
        persons = sorted(sorted(ids) for ids in groups.values())
        where = {i: index for index, ids in enumerate(persons) for i in ids}

        def identified(ids: list[str]) -> bool:
            if self.mode == "simplified":
                return any(not i.startswith(PREFIX) for i in ids)
            return any(not i.startswith(PREFIX) and not looks_uuid4(i) for i in ids)

        months: dict[str, dict[str, Any]] = {}
        for event in self.events:
            if event["billed_as"] is not None:
                month = months.setdefault(event["month"], {"billable_events": 0, "who": set()})
                month["billable_events"] += 1
                if event["distinct_id"] in where:
                    month["who"].add(where[event["distinct_id"]])
        anonymous = sum(1 for e in self.events if e["billed_as"] == "anonymous")
        known = sum(1 for e in self.events if e["billed_as"] == "identified")
        return {
            "format": "identity-model-report/1",
            "steps": steps,
            "events": [
                {
                    "step": e["step"],
                    "event": e["event"],
                    "distinct_id": e["distinct_id"],
                    "billed_as": e["billed_as"],
                    "person": where.get(e["distinct_id"]),
                    "device_id": e["device_id"],
                    "user_id": e["user_id"],
                }
                for e in self.events
            ],
            "persons": [
                {"distinct_ids": ids, "is_identified": identified(ids), "properties": {}}
                for ids in persons
            ],
            "usage": {
                "anonymous_events": anonymous,
                "identified_events": known,
                "billable_events": anonymous + known,
                "months": {
                    m: {
                        "billable_events": v["billable_events"],
                        "mtu": max(len(v["who"]), v["billable_events"] // 1000),
                    }
                    for m, v in sorted(months.items())
                },
            },
        }


def run_mixpanel(
    script: list[Any],
    check_shape: Callable[[dict[str, Any]], str],
    parse_time: Callable[[Any], datetime],
    bad_op: type[Exception],
    world_class: type[Mixpanel] = Mixpanel,
) -> dict[str, Any]:
    """The report of ``script``, whose first line is a valid Mixpanel config line (the class:
    for broken variants)."""
    mode = mixpanel_mode(script[0])
    assert mode is not None
    world = world_class(mode)
    steps: list[dict[str, Any]] = []
    reader_clock: datetime | None = None
    for line, obj in enumerate(script[1:], start=2):
        name = obj.get("op") if isinstance(obj, dict) else None
        step: dict[str, Any] = {"line": line, "op": name if isinstance(name, str) else None}
        steps.append(step)
        try:
            if not isinstance(obj, dict) or ("config" in obj and "op" not in obj):
                raise bad_op("not an operation")
            check_shape(obj)
            if obj.get("timestamp") is not None:
                when = parse_time(obj["timestamp"])
            elif reader_clock is None:
                when = datetime(2026, 1, 1, tzinfo=UTC)
            else:
                when = reader_clock + timedelta(seconds=1)
        except bad_op:
            step.update(outcome="rejected", codes=["invalid_operation"])
            continue
        reader_clock = when
        if obj["op"] == "ingest":
            outcome, codes = world.ingest(len(steps) - 1, obj, when)
        else:
            outcome, codes = world.client(len(steps) - 1, obj, when)
        step.update(outcome=outcome, codes=codes)
    return world.report(steps)
