"""The honest baseline: a straightforward mutable-dict replay of PostHog's server rules.

What a competent engineer would write in an afternoon to answer "how many persons and billed
events does this file make?": stdlib ``json`` per line, plain dicts, merges that move the
smaller person's ids. It implements the ingestion rules that the benchmark's workloads exercise
(SV-01..04 ids, SV-07 illegal ids, SV-08..16 merges, SV-18 property updates, SV-22..26
personless events and force-upgrades, SV-28..30 billing) and prints the same summary as
``identity-model replay --format summary``. It is not the oracle (``identity_model_spec.oracle``,
deliberately slow and complete): it is the speed a user would compare us with.

    python benchmarks/baseline.py FILE
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

ILLEGAL_ANY_CASE = {
    "anonymous", "guest", "distinctid", "distinct_id", "id", "not_authenticated", "email",
    "undefined", "true", "false",
}  # fmt: skip
ILLEGAL_EXACT = {"[object Object]", "NaN", "None", "none", "null", "0", "undefined"}
PERSON_ONLY = {"$identify", "$create_alias", "$merge_dangerously", "$groupidentify"}
NOT_BILLED = {
    "$feature_flag_called", "$experiment_exposure", "survey sent", "survey shown",
    "survey dismissed", "$exception", "$llm_prompt_fetched", "$conversations_loaded",
    "$conversations_widget_loaded", "$conversations_message_sent",
    "$conversations_user_identified", "$conversations_restore_link_requested",
    "$conversations_widget_state_changed", "$conversations_back_to_tickets", "$ai_generation",
    "$ai_embedding", "$ai_evaluation", "$ai_span", "$ai_trace", "$ai_metric", "$ai_feedback",
}  # fmt: skip
GRACE = timedelta(minutes=1)


def illegal(distinct_id: str) -> bool:
    stripped = distinct_id.strip()
    return not stripped or stripped.lower() in ILLEGAL_ANY_CASE or stripped in ILLEGAL_EXACT


class Baseline:
    def __init__(self) -> None:
        self.person_of: dict[str, int] = {}
        self.persons: dict[int, dict[str, Any]] = {}  # ids, properties, identified, created
        self.next_person = 0
        self.clock = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(seconds=1)
        self.steps = {"applied": 0, "ignored": 0, "rejected": 0}
        self.usage = {"anonymous_events": 0, "identified_events": 0}

    def create(self, ids: list[str], properties: dict[str, Any], identified: bool) -> int:
        key = self.next_person
        self.next_person += 1
        self.persons[key] = {
            "ids": list(ids), "properties": properties, "identified": identified,
            "created": self.clock,
        }  # fmt: skip
        for distinct_id in ids:
            self.person_of[distinct_id] = key
        return key

    def line(self, text: str) -> None:
        if not text.strip() or text.startswith("//"):
            return
        try:
            raw = json.loads(text)
        except ValueError:
            self.steps["rejected"] += 1
            return
        if isinstance(raw, dict) and "config" in raw:
            return  # the config line makes no step (server rules need none of it)
        if not isinstance(raw, dict) or raw.get("op") != "ingest":
            self.steps["rejected"] += 1  # only the server rules are in this baseline
            return
        stamp = raw.get("timestamp")
        self.clock = datetime.fromisoformat(stamp) if stamp else self.clock + timedelta(seconds=1)
        self.ingest(raw.get("distinct_id"), raw["event"], raw.get("properties") or {})

    def ingest(self, distinct_id: Any, event: str, properties: dict[str, Any]) -> None:
        if distinct_id is None:
            distinct_id = properties.get("distinct_id")
        if distinct_id is None:
            self.steps["rejected"] += 1
            return
        distinct_id = str(distinct_id)[:200]
        if not distinct_id.strip():
            self.steps["rejected"] += 1
            return
        if properties.get("$process_person_profile") is False:
            if event in PERSON_ONLY:
                self.steps["ignored"] += 1
                return
            key = self.person_of.get(distinct_id)
            upgraded = key is not None and self.clock > self.persons[key]["created"] + GRACE
            self.bill(event, identified=upgraded)
            return
        source = None
        if event == "$identify" and "$anon_distinct_id" in properties:
            source = str(properties["$anon_distinct_id"])
        elif event in ("$create_alias", "$merge_dangerously") and properties.get("alias"):
            source = str(properties["alias"])
        if source is not None and source != distinct_id:
            key = self.merge(source, distinct_id, event)
        else:
            key = self.person_of.get(distinct_id)
        sets = properties.get("$set") or {}
        once = properties.get("$set_once") or {}
        if event == "$groupidentify":
            sets = once = {}
        if key is None:
            self.create([distinct_id], {**once, **sets}, identified=False)
        elif sets or once:
            current = self.persons[key]["properties"]
            for name, value in once.items():
                current.setdefault(name, value)
            current.update(sets)
        self.bill(event, identified=True)

    def merge(self, source: str, target: str, event: str) -> int | None:
        if illegal(source) or illegal(target):
            return self.person_of.get(target)
        source_key, target_key = self.person_of.get(source), self.person_of.get(target)
        if source_key is None and target_key is None:
            return self.create([target, source], {}, identified=True)
        if source_key is None or target_key is None:
            key = target_key if target_key is not None else source_key
            assert key is not None
            joining = source if source_key is None else target
            self.person_of[joining] = key
            self.persons[key]["ids"].append(joining)
            self.persons[key]["identified"] = True
            return key
        target_person = self.persons[target_key]
        if source_key == target_key:
            target_person["identified"] = True
            return target_key
        source_person = self.persons[source_key]
        if source_person["identified"] and event != "$merge_dangerously":
            target_person["identified"] = True
            return target_key
        merged = {**source_person["properties"], **target_person["properties"]}
        small, large = sorted((source_key, target_key), key=lambda k: len(self.persons[k]["ids"]))
        for distinct_id in self.persons[small]["ids"]:
            self.person_of[distinct_id] = large
        self.persons[large]["ids"] += self.persons.pop(small)["ids"]
        self.persons[large].update(
            properties=merged,
            identified=True,
            created=min(source_person["created"], target_person["created"]),
        )
        return large

    def bill(self, event: str, *, identified: bool) -> None:
        self.steps["applied"] += 1
        if event not in NOT_BILLED:
            self.usage["identified_events" if identified else "anonymous_events"] += 1

    def summary(self) -> dict[str, Any]:
        return {
            "format": "identity-model-summary/1",
            "steps": self.steps,
            "persons": len(self.persons),
            "identified_persons": sum(1 for p in self.persons.values() if p["identified"]),
            "usage": self.usage,
        }


def replay(handle: TextIO) -> dict[str, Any]:
    baseline = Baseline()
    for text in handle:
        baseline.line(text)
    return baseline.summary()


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(json.dumps(replay(handle), indent=2))
