"""The oracle's Customer.io profile: lists and dicts, written from the CIO rules alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

KEYS = {
    "track": {"op", "event", "properties", "timestamp", "anonymous_id", "user_id"},
    "identify": {"op", "user_id", "anonymous_id", "attributes", "timestamp"},
    "advance": {"op", "timestamp"},
}


def run_customerio(script: list[Any], parse_time: Any, first_is_config: bool) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    people: dict[str, dict[str, Any]] = {}
    owner: dict[str, tuple[str, datetime, int | None]] = {}  # anon id -> (user, when, activity)
    events: list[dict[str, Any]] = []
    activity: list[dict[str, Any]] = []
    end: datetime | None = None

    def person(user: str) -> dict[str, Any]:
        return people.setdefault(user, {"user": user, "attrs": {}, "anons": []})

    def add_to_activity(anon: str, merged: list[dict[str, Any]]) -> None:
        if not merged:
            return
        user, when, entry = owner[anon]
        oldest = min(e["ts"] for e in merged)
        if entry is None:
            activity.append(
                {"person": user, "anonymous_id": anon, "count": len(merged), "oldest": oldest}
            )
            owner[anon] = (user, when, len(activity) - 1)
        else:
            activity[entry]["count"] += len(merged)
            activity[entry]["oldest"] = min(activity[entry]["oldest"], oldest)

    for line, obj in enumerate(script, start=1):
        if line == 1 and first_is_config:
            continue
        name = obj.get("op") if isinstance(obj, dict) else None
        step: dict[str, Any] = {"line": line, "op": name if isinstance(name, str) else None}
        steps.append(step)
        ok = isinstance(obj, dict) and name in KEYS and set(obj) <= KEYS[name]
        when = None
        if ok:
            try:
                when = parse_time(obj.get("timestamp"))
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
            continue
        if name == "advance":
            if end is not None and when <= end:
                step.update(outcome="ignored", codes=[])
            else:
                end = when
                step.update(outcome="applied", codes=[])
            continue
        end = when if end is None or when > end else end
        step.update(outcome="applied", codes=[])
        if name == "track":
            event = {
                "step": len(steps) - 1,
                "event": obj["event"],
                "anon": obj.get("anonymous_id"),
                "user": obj.get("user_id"),
                "ts": when,
                "attached": False,
                "merged_into": None,
                "merged_at": None,
            }
            events.append(event)
            if event["user"] is not None:
                person(event["user"])
                event["attached"] = True
            elif event["anon"] in owner:
                user, assigned, _ = owner[event["anon"]]
                if when - assigned <= timedelta(seconds=300) and assigned - when <= timedelta(
                    days=30
                ):
                    event.update(attached=True, merged_into=user, merged_at=max(when, assigned))
                    add_to_activity(event["anon"], [event])
            continue
        user, anon = obj["user_id"], obj.get("anonymous_id")
        person(user)["attrs"].update(obj.get("attributes") or {})
        if anon is None:
            continue
        if anon in owner:
            if owner[anon][0] != user:
                step["codes"] = ["anonymous_id_already_assigned"]
            continue
        owner[anon] = (user, when, None)
        people[user]["anons"].append(anon)
        newly_merged = []
        for event in events:
            waiting = event["anon"] == anon and event["user"] is None and not event["attached"]
            if (
                waiting
                and event["merged_into"] is None
                and when - event["ts"] <= timedelta(days=30)
            ):
                event.update(merged_into=user, merged_at=max(event["ts"], when))
                newly_merged.append(event)
        add_to_activity(anon, newly_merged)

    ordered = sorted(people.values(), key=lambda p: min([p["user"], *p["anons"]]))
    index = {p["user"]: n for n, p in enumerate(ordered)}
    out_events = []
    for event in events:
        holder = event["user"] or event["merged_into"]
        merged = event["merged_into"] is not None
        if event["user"] is not None:
            retained, trigger = True, True
        elif merged:
            retained, trigger = True, event["merged_at"] - event["ts"] <= timedelta(hours=72)
        else:
            retained, trigger = end is not None and end - event["ts"] <= timedelta(days=30), False
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
        "steps": steps,
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
            for a in activity
        ],
    }
