"""The oracle's Customer.io profile: lists and dicts, written from the CIO rules alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

KEYS = {
    "track": {"op", "event", "properties", "timestamp", "anonymous_id", "user_id"},
    "identify": {"op", "user_id", "anonymous_id", "attributes", "timestamp"},
    "advance": {"op", "timestamp"},
}


class CustomerioSession:
    """One Customer.io script, one line at a time: ``step(line, obj)``, then ``report()``."""

    def __init__(self, parse_time: Any) -> None:
        self.parse_time = parse_time
        self.steps: list[dict[str, Any]] = []
        self.people: dict[str, dict[str, Any]] = {}
        # anon id -> (user, when, activity entry)
        self.owner: dict[str, tuple[str, datetime, int | None]] = {}
        self.events: list[dict[str, Any]] = []
        self.activity: list[dict[str, Any]] = []
        self.end: datetime | None = None

    def person(self, user: str) -> dict[str, Any]:
        return self.people.setdefault(user, {"user": user, "attrs": {}, "anons": []})

    def add_to_activity(self, anon: str, merged: list[dict[str, Any]]) -> None:
        if not merged:
            return
        user, when, entry = self.owner[anon]
        oldest = min(e["ts"] for e in merged)
        if entry is None:
            self.activity.append(
                {"person": user, "anonymous_id": anon, "count": len(merged), "oldest": oldest}
            )
            self.owner[anon] = (user, when, len(self.activity) - 1)
        else:
            self.activity[entry]["count"] += len(merged)
            self.activity[entry]["oldest"] = min(self.activity[entry]["oldest"], oldest)

    def step(self, line: int, obj: Any) -> dict[str, Any]:
        name = obj.get("op") if isinstance(obj, dict) else None
        step: dict[str, Any] = {"line": line, "op": name if isinstance(name, str) else None}
        self.steps.append(step)
        ok = isinstance(obj, dict) and name in KEYS and set(obj) <= KEYS[name]
        when = None
        if ok:
            try:
                when = self.parse_time(obj.get("timestamp"))
            except Exception:
                ok = False
        if ok and name == "track":
            ok = isinstance(obj.get("event"), str) and (obj.get("anonymous_id") is None) != (
                obj.get("user_id") is None
            )
            ok = ok and all(
                obj.get(k) is None or (isinstance(obj[k], str) and obj[k] != "")
                for k in ("anonymous_id", "user_id")
            )
            ok = ok and (obj.get("properties") is None or isinstance(obj["properties"], dict))
        if ok and name == "identify":
            ok = isinstance(obj.get("user_id"), str) and obj["user_id"] != ""
            ok = ok and (
                obj.get("anonymous_id") is None
                or (isinstance(obj["anonymous_id"], str) and obj["anonymous_id"] != "")
            )
            ok = ok and (obj.get("attributes") is None or isinstance(obj["attributes"], dict))
        if not ok or when is None:
            step.update(outcome="rejected", codes=["invalid_operation"])
            return step
        if name == "advance":
            if self.end is not None and when <= self.end:
                step.update(outcome="ignored", codes=[])
            else:
                self.end = when
                step.update(outcome="applied", codes=[])
            return step
        self.end = when if self.end is None or when > self.end else self.end
        step.update(outcome="applied", codes=[])
        if name == "track":
            self.track(obj, when)
        else:
            self.identify(obj, when, step)
        return step

    def track(self, obj: dict[str, Any], when: datetime) -> None:
        event = {
            "step": len(self.steps) - 1,
            "event": obj["event"],
            "anon": obj.get("anonymous_id"),
            "user": obj.get("user_id"),
            "ts": when,
            "attached": False,
            "merged_into": None,
            "merged_at": None,
        }
        self.events.append(event)
        if event["user"] is not None:
            self.person(event["user"])
            event["attached"] = True
        elif event["anon"] in self.owner:
            user, assigned, _ = self.owner[event["anon"]]
            if self.merges_on_arrival(assigned, when):
                event.update(attached=True, merged_into=user, merged_at=max(when, assigned))
                self.add_to_activity(event["anon"], [event])

    def merges_on_arrival(self, assigned: datetime, when: datetime) -> bool:
        """CIO-04/CIO-07: within five minutes after the identify, and not older than 30 days."""
        return when - assigned <= timedelta(seconds=300) and assigned - when <= timedelta(days=30)

    def identify(self, obj: dict[str, Any], when: datetime, step: dict[str, Any]) -> None:
        user, anon = obj["user_id"], obj.get("anonymous_id")
        self.person(user)["attrs"].update(obj.get("attributes") or {})
        if anon is None:
            return
        if anon in self.owner:
            if self.owner[anon][0] != user:
                step["codes"] = ["anonymous_id_already_assigned"]
            return
        self.owner[anon] = (user, when, None)
        self.people[user]["anons"].append(anon)
        newly_merged = []
        for event in self.events:
            waiting = event["anon"] == anon and event["user"] is None and not event["attached"]
            if (
                waiting
                and event["merged_into"] is None
                and when - event["ts"] <= timedelta(days=30)
            ):
                event.update(merged_into=user, merged_at=max(event["ts"], when))
                newly_merged.append(event)
        self.add_to_activity(anon, newly_merged)

    def report(self) -> dict[str, Any]:
        end = self.end
        ordered = sorted(self.people.values(), key=lambda p: min([p["user"], *p["anons"]]))
        index = {p["user"]: n for n, p in enumerate(ordered)}
        out_events = []
        for event in self.events:
            holder = event["user"] or event["merged_into"]
            merged = event["merged_into"] is not None
            if event["user"] is not None:
                retained, trigger = True, True
            elif merged:
                retained = True
                trigger = event["merged_at"] - event["ts"] <= timedelta(hours=72)
            else:
                retained = end is not None and end - event["ts"] <= timedelta(days=30)
                trigger = False
            out_events.append(
                {
                    "step": event["step"],
                    "event": event["event"],
                    "distinct_id": event["user"] or event["anon"],
                    "billed_as": "identified" if event["attached"] else "anonymous",
                    "person": None if holder is None else index[holder],
                    "anonymous_id": event["anon"],
                    "user_id": event["user"],
                    "merged": merged,
                    "retained": retained,
                    "can_trigger_campaign": trigger,
                }
            )
        billed = [e["billed_as"] for e in out_events]
        return {
            "format": "identity-model-report/1",
            "steps": [dict(step) for step in self.steps],
            "events": out_events,
            "persons": [
                {
                    "distinct_ids": [p["user"], *p["anons"]],
                    "is_identified": True,
                    "properties": dict(sorted(p["attrs"].items())),
                }
                for p in ordered
            ],
            "usage": {
                "anonymous_events": billed.count("anonymous"),
                "identified_events": billed.count("identified"),
            },
            "activity": [
                {
                    "person": a["person"],
                    "type": "anonymous_data_merged",
                    "anonymous_id": a["anonymous_id"],
                    "count": a["count"],
                    "oldest_timestamp": int(a["oldest"].timestamp()),
                }
                for a in self.activity
            ],
        }
