"""The oracle's Amplitude profile: lists and dicts, written from the AMP rules alone.

Deliberately plain: every event is kept with the Amplitude ID it got; a merge is a dict entry
followed at report time; a month's MTU count is taken when the month closes. It never imports
``identity_model``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

INVALID_IDS = [
    "anonymous",
    "nil",
    "none",
    "null",
    "n/a",
    "na",
    "undefined",
    "unknown",
    '""',
    "00000000-0000-0000-0000-000000000000",
    "{}",
    "lmy47d",
    "0",
    "-1",
]
NOT_BILLED = ["$identify", "$groupidentify", "[Experiment] Exposure", "[Experiment] Assignment"]


def read_amplitude_config(body: dict[str, Any]) -> int | None:
    """The min_id_length of a valid Amplitude config body, else None."""
    if set(body) - {"vendor", "min_id_length"}:
        return None
    value = body.get("min_id_length", 5)
    if type(value) is not int or value < 0:
        return None
    return value


class AmplitudeOracle:
    def __init__(self, min_length: int) -> None:
        self.min_length = min_length
        self.devices: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.next_amp = 1
        self.amp_of_user: dict[str, int] = {}
        self.amp_of_device: dict[str, int] = {}
        self.user_of_amp: dict[int, str] = {}
        self.merged_into: dict[int, int] = {}
        self.clock: datetime | None = None
        self.month_amps: dict[str, list[int]] = {}  # month -> amp ids of its billable events
        self.month_events: dict[str, int] = {}
        self.closed_mtu: dict[str, int] = {}

    def root(self, amp: int) -> int:
        while amp in self.merged_into:
            amp = self.merged_into[amp]
        return amp

    def new_amp(self) -> int:
        self.next_amp += 1
        return self.next_amp - 1

    # ------------------------------------------------------------------ ingestion

    def ingest(
        self, step: int, event: str, user: Any, device: Any, when: datetime
    ) -> tuple[str, list[str]]:
        for value in (user, device):
            if value is not None and (type(value) is not str or value in INVALID_IDS):
                return "rejected", ["invalid_distinct_id"]
        codes = []
        if user is not None and len(user) < self.min_length:
            user = None
            codes.append("id_too_short")
        if device is not None and len(device) < self.min_length:
            device = None
            codes.append("id_too_short")
        if user is None and device is None:
            return "rejected", [*codes, "missing_distinct_id"]

        if self.clock is None or when > self.clock:
            if self.clock is not None and when.strftime("%Y-%m") != self.clock.strftime("%Y-%m"):
                old = self.clock.strftime("%Y-%m")
                if old in self.month_amps:
                    self.closed_mtu[old] = len({self.root(a) for a in self.month_amps[old]})
            self.clock = when
        month = self.clock.strftime("%Y-%m")

        if user is not None:
            if user in self.amp_of_user:
                amp = self.amp_of_user[user]
                if device is not None and device in self.amp_of_device:
                    current = self.root(self.amp_of_device[device])
                    if current != self.root(amp) and current not in self.user_of_amp:
                        self.merged_into[current] = self.root(amp)
            elif (
                device is not None
                and device in self.amp_of_device
                and self.root(self.amp_of_device[device]) not in self.user_of_amp
            ):
                amp = self.root(self.amp_of_device[device])
                self.amp_of_user[user] = amp
                self.user_of_amp[amp] = user
            else:
                amp = self.new_amp()
                self.amp_of_user[user] = amp
                self.user_of_amp[amp] = user
            if device is not None:
                self.amp_of_device[device] = amp
        elif device in self.amp_of_device:
            amp = self.amp_of_device[device]
        else:
            amp = self.new_amp()
            self.amp_of_device[device] = amp

        if event in NOT_BILLED:
            billed = None
        elif self.root(amp) in self.user_of_amp:
            billed = "identified"
        else:
            billed = "anonymous"
        if billed is not None:
            self.month_amps.setdefault(month, []).append(amp)
            self.month_events[month] = self.month_events.get(month, 0) + 1
        self.events.append(
            {
                "step": step,
                "event": event,
                "user": user,
                "device": device,
                "amp": amp,
                "billed": billed,
            }
        )
        return "applied", codes

    # ------------------------------------------------------------------ the browser SDK

    def client(self, step: int, obj: dict[str, Any], when: datetime) -> tuple[str, list[str]]:
        name = obj.get("device") or "default"
        known = name in self.devices
        if known:
            device = dict(self.devices[name])
        else:
            first = obj.get("anonymous_id") or name + "-anon-0"
            device = {"first": first, "anon": first, "user": None, "resets": 0}
        before = dict(device)
        if obj.get("anonymous_id") is not None and obj["anonymous_id"] != device["first"]:
            return "rejected", ["invalid_operation"]
        op = obj["op"]
        if op in ("alias", "create_person_profile"):
            return "ignored", ["unsupported_operation"]
        send = None
        outcome = "applied"
        if op == "capture":
            send = obj["event"]
        elif op == "identify":
            user = obj.get("distinct_id")
            if type(user) is not str:
                return "rejected", ["invalid_distinct_id"]
            has_props = obj.get("set") is not None or obj.get("set_once") is not None
            if user == device["user"] and not has_props:
                return "ignored", ["identify_repeated"]
            device["user"] = user
            if has_props:
                send = "$identify"
        elif op == "reset":
            device["resets"] += 1
            device["anon"] = obj.get("new_anonymous_id") or name + "-anon-" + str(device["resets"])
            device["user"] = None
        else:  # group, set_person_properties
            send = "$identify"
        codes: list[str] = []
        if send is not None:
            outcome, codes = self.ingest(step, send, device["user"], device["anon"], when)
            if outcome == "rejected" and device != before:
                outcome = "applied"  # the device changed even though its event was refused
        if outcome == "applied":
            self.devices[name] = device
        return outcome, codes

    # ------------------------------------------------------------------ the report

    def report(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        groups: dict[int, dict[str, Any]] = {}
        for amp in range(1, self.next_amp):
            top = self.root(amp)
            group = groups.setdefault(top, {"users": set(), "devices": set()})
            if amp in self.user_of_amp:
                group["users"].add(self.user_of_amp[amp])
        for entry in self.events:
            if entry["device"] is not None:
                groups[self.root(entry["amp"])]["devices"].add(entry["device"])
        ordered = sorted(
            groups.items(), key=lambda item: sorted(item[1]["users"] | item[1]["devices"])
        )
        index = {top: n for n, (top, _) in enumerate(ordered)}
        events = [
            {
                "step": e["step"],
                "event": e["event"],
                "distinct_id": e["user"] if e["user"] is not None else e["device"],
                "billed_as": e["billed"],
                "person": index[self.root(e["amp"])],
                "device_id": e["device"],
                "user_id": e["user"],
            }
            for e in self.events
        ]
        months = {}
        for month in sorted(self.month_amps):
            if month in self.closed_mtu:
                mtu = self.closed_mtu[month]
            else:
                mtu = len({self.root(a) for a in self.month_amps[month]})
            months[month] = {"mtu": mtu, "events": self.month_events[month]}
        billed = [e["billed_as"] for e in events]
        return {
            "format": "identity-model-report/1",
            "steps": steps,
            "events": events,
            "persons": [
                {
                    "distinct_ids": sorted(group["users"] | group["devices"]),
                    "is_identified": bool(group["users"]),
                    "properties": {},
                    "identifiers": {
                        "device_id": sorted(group["devices"]),
                        "user_id": sorted(group["users"]),
                    },
                }
                for _, group in ordered
            ],
            "usage": {
                "anonymous_events": billed.count("anonymous"),
                "identified_events": billed.count("identified"),
                "mtu": sum(m["mtu"] for m in months.values()),
                "events": sum(m["events"] for m in months.values()),
                "months": months,
            },
        }


def run_amplitude(
    script: list[Any],
    min_length: int,
    parse_time: Any,
    check_shape: Any,
    oracle_class: type[AmplitudeOracle] = AmplitudeOracle,
) -> dict[str, Any]:
    """The report of ``script`` (its first line is the Amplitude config line); the class is
    for broken variants."""
    oracle = oracle_class(min_length)
    steps: list[dict[str, Any]] = []
    clock: datetime | None = None
    for line, obj in enumerate(script, start=1):
        if line == 1:
            continue
        name = obj.get("op") if isinstance(obj, dict) else None
        step: dict[str, Any] = {"line": line, "op": name if isinstance(name, str) else None}
        steps.append(step)
        try:
            if not isinstance(obj, dict) or ("config" in obj and "op" not in obj):
                raise ValueError("not an operation")
            check_shape(obj)
            if obj.get("timestamp") is not None:
                when = parse_time(obj["timestamp"])
            else:
                when = (
                    clock + timedelta(seconds=1)
                    if clock
                    else datetime.fromisoformat("2026-01-01T00:00:00+00:00")
                )
        except Exception:
            step.update(outcome="rejected", codes=["invalid_operation"])
            continue
        clock = when
        if name == "ingest":
            properties = obj.get("properties") or {}
            outcome, codes = oracle.ingest(
                len(steps) - 1,
                obj["event"],
                obj.get("distinct_id"),
                properties.get("$device_id"),
                when,
            )
        else:
            outcome, codes = oracle.client(len(steps) - 1, obj, when)
        step.update(outcome=outcome, codes=codes)
    return oracle.report(steps)
