"""A deliberately naive, independent model of the rules: plain mutable dicts, no cleverness.

It is the reference the state machines compare an implementation against, and the naive
baseline of the benchmark. Written from the rule digest alone; it never imports
``identity_model``. Persons are dicts; a merge rewrites every moved id (simple, slow).

``run(script) -> report`` follows the adapter protocol (see ``identity_model_spec.protocol``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from identity_model_spec.oracle_amplitude import read_amplitude_config, run_amplitude  # issue #14
from identity_model_spec.oracle_client import Devices, js_number
from identity_model_spec.oracle_customerio import CustomerioSession
from identity_model_spec.oracle_mixpanel import mixpanel_mode, run_mixpanel  # Mixpanel (issue #14)
from identity_model_spec.oracle_python import BadPythonOp, PythonClients, check_python_shape

# --- Segment (issue #14) ---
from identity_model_spec.oracle_segment import BadConfig, read_unify, run_segment

# --- end Segment ---

# ---------------------------------------------------------------- constants from the digest

ILLEGAL_ANY_CASE = [
    "anonymous",
    "guest",
    "distinctid",
    "distinct_id",
    "id",
    "not_authenticated",
    "email",
    "undefined",
    "true",
    "false",
]
ILLEGAL_EXACT = ["[object Object]", "NaN", "None", "none", "null", "0", "undefined"]
PERSON_ONLY = ["$identify", "$create_alias", "$merge_dangerously", "$groupidentify"]
NOT_BILLED = [
    "$feature_flag_called",
    "$experiment_exposure",
    "survey sent",
    "survey shown",
    "survey dismissed",
    "$exception",
    "$llm_prompt_fetched",
    "$conversations_loaded",
    "$conversations_widget_loaded",
    "$conversations_message_sent",
    "$conversations_user_identified",
    "$conversations_restore_link_requested",
    "$conversations_widget_state_changed",
    "$conversations_back_to_tickets",
    "$ai_generation",
    "$ai_embedding",
    "$ai_evaluation",
    "$ai_span",
    "$ai_trace",
    "$ai_metric",
    "$ai_feedback",
]
UNICODE_SPACES = "".join(
    chr(c) for c in [0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
JS_SPACE = "\t\n\x0b\x0c\r " + UNICODE_SPACES + "\ufeff"  # String.prototype.trim
RUST_SPACE = "\t\n\x0b\x0c\r \x85" + UNICODE_SPACES  # char::is_whitespace

# SV-20: event properties copied onto the person (and their $initial_ twins), in this order.
EVENT_TO_PERSON = [
    "$app_build",
    "$app_name",
    "$app_namespace",
    "$app_version",
    "$browser",
    "$browser_version",
    "$device_type",
    "$current_url",
    "$pathname",
    "$os",
    "$os_version",
    "$referring_domain",
    "$referrer",
    "$screen_height",
    "$screen_width",
    "$viewport_height",
    "$viewport_width",
    "$raw_user_agent",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_name",
    "utm_term",
    "gclid",
    "gad_source",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "fbclid",
    "msclkid",
    "twclid",
    "li_fat_id",
    "mc_cid",
    "igshid",
    "ttclid",
    "rdt_cid",
    "irclid",
    "_kx",
    "epik",
    "qclid",
    "sccid",
]
# SV-20: changes to these alone never rewrite an existing person (outside person events).
FILTERED = {
    "$current_url",
    "$pathname",
    "$referring_domain",
    "$referrer",
    "$screen_height",
    "$screen_width",
    "$viewport_height",
    "$viewport_width",
    "$browser",
    "$browser_version",
    "$device_type",
    "$raw_user_agent",
    "$os",
    "$os_name",
    "$os_version",
    "$geoip_postal_code",
    "$geoip_time_zone",
    "$geoip_latitude",
    "$geoip_longitude",
    "$geoip_accuracy_radius",
    "$geoip_subdivision_1_code",
    "$geoip_subdivision_1_name",
    "$geoip_subdivision_2_code",
    "$geoip_subdivision_2_name",
    "$geoip_subdivision_3_code",
    "$geoip_subdivision_3_name",
    "$geoip_city_confidence",
    "$geoip_country_confidence",
    "$geoip_postal_code_confidence",
    "$geoip_subdivision_1_confidence",
    "$geoip_subdivision_2_confidence",
}
FORCED = ["$identify", "$create_alias", "$merge_dangerously", "$set"]
NO_PERSON_UPDATE = ["$exception", "$$heatmap"]

OP_KEYS = {
    "ingest": {"distinct_id", "event", "properties", "timestamp"},
    "capture": {"event", "properties"},
    "identify": {"distinct_id", "set", "set_once"},
    "alias": {"alias"},
    "reset": {"reset_device_id", "new_anonymous_id"},
    "group": {"group_type", "group_key", "properties"},
    "set_person_properties": {"set", "set_once"},
    "create_person_profile": set(),
}
CLIENT_COMMON = {"device", "timestamp", "anonymous_id"}
TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class BadOp(Exception):
    pass


def js_same(a: Any, b: Any) -> bool:
    """JavaScript ``a === b`` for JSON values (objects and arrays are never the same)."""
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    return bool(a == b)


def lift(props: dict[str, Any]) -> dict[str, Any]:
    """SV-20: event properties copied into $set (unless there) and $initial_* into $set_once."""
    out = dict(props)
    set_ = dict(props["$set"]) if isinstance(props.get("$set"), dict) else None
    once = dict(props["$set_once"]) if isinstance(props.get("$set_once"), dict) else None
    server = props.get("$is_server") is True
    found = False
    for key in EVENT_TO_PERSON:
        if key not in props or (server and key in ("$os", "$os_version")):
            continue
        if not found:
            found = True
            set_ = set_ if set_ is not None else {}
            once = once if once is not None else {}
        assert set_ is not None and once is not None
        value = props[key]
        if key not in set_:
            set_[key] = value
        initial = "$initial_" + key.replace("$", "", 1)
        if value is not None and initial not in once:
            once[initial] = value
    if found:
        out["$set"] = set_
        out["$set_once"] = once
    return out


def illegal(distinct_id: str) -> bool:
    if distinct_id.strip(JS_SPACE) == "":
        return True
    for word in ILLEGAL_ANY_CASE:
        if distinct_id.lower() in (word, "'" + word + "'", '"' + word + '"'):
            return True
    return any(distinct_id in (word, "'" + word + "'", '"' + word + '"') for word in ILLEGAL_EXACT)


def js_string(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, dict):
        return "[object Object]"
    return ",".join("" if item is None else js_string(item) for item in value)


def js_truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, "", 0) or value is True


def parse_time(text: Any) -> datetime:
    if not isinstance(text, str) or not TIME.fullmatch(text):  # no trailing newline (#17)
        raise BadOp("bad timestamp")
    m = TIME.fullmatch(text)
    assert m
    offset = m.group(4)
    if offset in ("Z", "z"):
        offset = "+00:00"
    try:
        return datetime.fromisoformat(
            m.group(1) + "T" + m.group(2) + (m.group(3) or "")[:7] + offset
        ).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: outside the calendar in UTC
        raise BadOp("bad timestamp") from None


def _next_second(clock: datetime | None) -> datetime:
    """An omitted timestamp: one second after the last, never past the calendar's end."""
    if clock is None:
        return datetime(2026, 1, 1, tzinfo=UTC)
    try:
        return clock + timedelta(seconds=1)
    except OverflowError:
        raise BadOp("no second after the end of the calendar") from None


class Oracle:
    """One script's world, mutated in place."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.person_of: dict[str, dict[str, Any]] = {}  # distinct id -> person dict
        self.persons: list[dict[str, Any]] = []  # live persons
        self.events: list[dict[str, Any]] = []  # report entries plus internals
        self.anonymous = 0
        self.identified = 0

    # ------------------------------------------------------------------ ingestion (SV)

    def ingest(
        self,
        step: int,
        raw_id: Any,
        name: str,
        props: dict[str, Any],
        when: datetime,
        device: str | None = None,
    ) -> tuple[str, list[str]]:
        codes: list[str] = []
        value = raw_id
        if value is None:
            value = props.get("distinct_id")
        if value is None:
            return "rejected", ["missing_distinct_id"]
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        )
        if text.strip(RUST_SPACE) == "":
            return "rejected", ["missing_distinct_id"]
        text = text.replace("\x00", "\ufffd")
        if len(text) > 200:
            text = text[:200]
            codes.append("distinct_id_truncated")
        sent = json.loads(json.dumps(props))
        flag = props.get("$process_person_profile", "<absent>")
        if self.config.get("person_processing_opt_out") is True:
            flag = False  # SV-32: the team setting overrides the event's own flag
        personless = self.turns_processing_off(flag)
        if not personless and flag != "<absent>" and flag is not True:
            codes.append("invalid_process_person_profile")
        if personless and name in PERSON_ONLY:
            codes.append("person_processing_disabled")
            self.events.append(
                {
                    "step": step,
                    "event": name,
                    "distinct_id": text,
                    "kind": None,
                    "dropped": True,
                    "time": when,
                    "device": device,
                    "sent": sent,
                }
            )
            return "ignored", codes
        if personless:
            person = self.person_of.get(text)
            kind = "anonymous"
            if person is not None and self.force_upgraded(person, when):
                kind = "identified"
        else:
            kind = "identified"
            self.person_event(text, name, props, when, codes)
        billed = kind if name not in NOT_BILLED else None
        if billed == "anonymous":
            self.anonymous += 1
        elif billed == "identified":
            self.identified += 1
        self.events.append(
            {
                "step": step,
                "event": name,
                "distinct_id": text,
                "kind": billed,
                "processed": kind,
                "dropped": False,
                "time": when,
                "device": device,
                "sent": sent,
            }
        )
        return "applied", codes

    # Decision points, one method each, so identity_model_spec.broken can get one of them wrong.

    def turns_processing_off(self, flag: Any) -> bool:
        return flag is False

    def force_upgraded(self, person: dict[str, Any], when: datetime) -> bool:
        return bool(when - person["created"] > timedelta(seconds=60))

    def is_illegal(self, distinct_id: str) -> bool:
        return illegal(distinct_id)

    def refuses_identified_source(self, source: dict[str, Any], name: str) -> bool:
        return bool(source["identified"]) and name != "$merge_dangerously"

    def merged_created(self, source: datetime, target: datetime) -> datetime:
        return min(source, target)

    def new_person(self, ids: list[str], identified: bool, when: datetime) -> dict[str, Any]:
        person = {"ids": set(ids), "props": {}, "identified": identified, "created": when}
        self.persons.append(person)
        for distinct_id in ids:
            self.person_of[distinct_id] = person
        return person

    def person_event(
        self, target: str, name: str, props: dict[str, Any], when: datetime, codes: list[str]
    ) -> None:
        source = None
        if name == "$identify" and "$anon_distinct_id" in props:
            source = js_string(props["$anon_distinct_id"])
        if name in ("$create_alias", "$merge_dangerously") and js_truthy(props.get("alias")):
            source = js_string(props["alias"])
        props = lift(props)
        if name == "$groupidentify":
            # Group properties are in no report (a partitioned replay could not merge them,
            # #12), so the oracle keeps none.
            props = {k: v for k, v in props.items() if k not in ("$set", "$set_once", "$unset")}
        if source is not None and source != target:
            if self.is_illegal(target) or self.is_illegal(source):
                codes.append("illegal_distinct_id")
            else:
                self.merge(source, target, name, when, codes)
        person = self.person_of.get(target)
        created = person is None
        if person is None:
            person = self.new_person([target], False, when)
        if created or name in FORCED:
            self.update(person, props)
        elif name not in NO_PERSON_UPDATE:
            self.filtered_update(person, props)

    def merge(self, source: str, target: str, name: str, when: datetime, codes: list[str]) -> None:
        src = self.person_of.get(source)
        tgt = self.person_of.get(target)
        if src is None and tgt is None:
            self.new_person([target, source], True, when)
        elif src is None:
            assert tgt is not None
            tgt["ids"].add(source)
            self.person_of[source] = tgt
            tgt["identified"] = True
        elif tgt is None:
            src["ids"].add(target)
            self.person_of[target] = src
            src["identified"] = True
        elif src is tgt:
            tgt["identified"] = True
        elif self.refuses_identified_source(src, name):
            codes.append("cannot_merge_already_identified")
            tgt["identified"] = True
        else:
            merged = dict(src["props"])
            merged.update(tgt["props"])
            tgt["props"] = merged
            tgt["created"] = self.merged_created(src["created"], tgt["created"])
            tgt["identified"] = True
            for distinct_id in src["ids"]:
                self.person_of[distinct_id] = tgt
            tgt["ids"] |= src["ids"]
            self.persons.remove(src)

    def update(self, person: dict[str, Any], props: dict[str, Any]) -> None:
        before = set(person["props"])
        set_once = props.get("$set_once")
        set_ = props.get("$set")
        unset = props.get("$unset")
        if isinstance(set_once, dict):
            for key, value in set_once.items():
                if key not in person["props"]:
                    person["props"][key] = value
        if isinstance(set_, dict):
            person["props"].update(set_)
        keys: list[Any] = []
        if isinstance(unset, dict):
            keys = list(unset)
        elif isinstance(unset, list):
            keys = [k for k in unset if isinstance(k, str)]
        for key in keys:
            if key in before:
                person["props"].pop(key, None)

    def filtered_update(self, person: dict[str, Any], props: dict[str, Any]) -> None:
        """SV-20: an ordinary event rewrites the person only for a change worth a write."""
        current = person["props"]
        raw_set, raw_once = props.get("$set"), props.get("$set_once")
        set_: dict[str, Any] = raw_set if isinstance(raw_set, dict) else {}
        once: dict[str, Any] = raw_once if isinstance(raw_once, dict) else {}
        unset = props.get("$unset")
        keys = list(unset) if isinstance(unset, dict) else unset if isinstance(unset, list) else []
        worth = any(isinstance(k, str) and k in current for k in keys)
        worth = worth or any(k not in current for k in once)
        for key, value in set_.items():
            changed = key not in current or not js_same(current[key], value)
            if changed and (key not in current or key not in FILTERED):
                worth = True
        if worth:
            self.update(person, props)

    # ------------------------------------------------------------------ the report

    def report(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        live = sorted(self.persons, key=lambda p: min(p["ids"]))
        index = {id(p): n for n, p in enumerate(live)}
        events = []
        for entry in self.events:
            person = None
            if not entry["dropped"] and entry["distinct_id"] in self.person_of:
                person = index[id(self.person_of[entry["distinct_id"]])]
            events.append(
                {
                    "step": entry["step"],
                    "event": entry["event"],
                    "distinct_id": entry["distinct_id"],
                    "billed_as": entry["kind"],
                    "person": person,
                    "sent": entry["sent"],
                }
            )
        return {
            "format": "identity-model-report/1",
            "steps": steps,
            "events": events,
            "persons": [
                {
                    "distinct_ids": sorted(p["ids"]),
                    "is_identified": p["identified"],
                    "properties": dict(sorted(p["props"].items())),
                }
                for p in live
            ],
            "usage": {"anonymous_events": self.anonymous, "identified_events": self.identified},
        }


def read_config(obj: dict[str, Any]) -> dict[str, Any]:
    body = obj.get("config")
    if set(obj) != {"config"} or not isinstance(body, dict):
        raise BadOp("config")
    # --- Segment (issue #14) ---
    if body.get("vendor") == "segment":
        if set(body) - {"vendor", "unify"}:
            raise BadOp("config keys")
        try:
            read_unify(body.get("unify", {}))
        except BadConfig:
            raise BadOp("unify") from None
        return {"vendor": "segment"}
    # --- end Segment ---
    keys = {"vendor", "person_profiles", "free_events_per_month", "client"}
    keys |= {"reuse_anonymous_id", "person_processing_opt_out"}
    if set(body) - keys:
        raise BadOp("config keys")
    config = {"vendor": "posthog", "person_profiles": "identified_only", "client": "browser"}
    config.update({k: v for k, v in body.items() if k != "free_events_per_month"})
    if config["vendor"] not in ("posthog", "customerio"):
        raise BadOp("vendor")
    if config["vendor"] != "posthog" and set(body) - {"vendor"}:
        raise BadOp("config keys")  # the other keys are PostHog's settings
    if config["person_profiles"] not in ("identified_only", "always", "never"):
        raise BadOp("person_profiles")
    if config["client"] not in ("browser", "mobile", "core", "python"):
        raise BadOp("client")
    if "reuse_anonymous_id" in body and (
        type(body["reuse_anonymous_id"]) is not bool or config["client"] != "mobile"
    ):
        raise BadOp("reuse_anonymous_id")
    if type(body.get("person_processing_opt_out", False)) is not bool:
        raise BadOp("person_processing_opt_out")
    free = body.get("free_events_per_month")
    if free is not None and (type(free) is not int or free < 0):
        raise BadOp("free")
    return config


MOBILE_CAPTURE = {"user_properties", "user_properties_set_once", "groups", "distinct_id"}


def check_shape(obj: dict[str, Any], client: str = "browser") -> str:
    name = obj.get("op")
    if not isinstance(name, str) or name not in OP_KEYS:
        raise BadOp("op")
    allowed = OP_KEYS[name] | {"op"}
    if name != "ingest":
        allowed |= CLIENT_COMMON
    if name == "capture" and client == "mobile":
        allowed |= MOBILE_CAPTURE
        for key in ("user_properties", "user_properties_set_once", "groups"):
            if obj.get(key) is not None and not isinstance(obj[key], dict):
                raise BadOp(key)
        if isinstance(obj.get("groups"), dict) and not all(
            isinstance(v, str) for v in obj["groups"].values()
        ):
            raise BadOp("groups")
        if obj.get("distinct_id") is not None and not isinstance(obj["distinct_id"], str):
            raise BadOp("distinct_id")
    if set(obj) - allowed:
        raise BadOp("unknown key")
    for key in ("properties", "set", "set_once"):
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            raise BadOp(key)
    for key in ("device", "anonymous_id", "new_anonymous_id", "group_type"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise BadOp(key)
    if obj.get("device") == "":  # never silently the default device (format, issue #17)
        raise BadOp("device")
    if name in ("ingest", "capture") and not isinstance(obj.get("event"), str):
        raise BadOp("event")
    if "reset_device_id" in obj and not isinstance(obj["reset_device_id"], bool):
        raise BadOp("reset_device_id")
    return name


class Session:
    """The oracle one line at a time (the stateful tests step it once per operation).

    ``step(obj)`` reads the next script line and returns its step entry; ``report()`` is the
    report of every line stepped so far. ``run`` is a loop over ``step``.
    """

    def __init__(
        self,
        world_class: type[Oracle] = Oracle,
        devices_class: type[Devices] = Devices,
        customerio_class: type[CustomerioSession] = CustomerioSession,
        python_class: type[PythonClients] = PythonClients,
    ) -> None:
        self.world_class = world_class
        self.devices_class = devices_class
        self.customerio_class = customerio_class
        self.python_class = python_class
        self.config = {
            "vendor": "posthog",
            "person_profiles": "identified_only",
            "client": "browser",
        }
        self.line = 0
        self.steps: list[dict[str, Any]] = []
        self.clock: datetime | None = None
        self.world: Oracle | None = None
        self.devices: Devices | None = None
        self.python: PythonClients | None = None
        self.customerio: CustomerioSession | None = None
        # Vendors whose oracle runs whole scripts only (Amplitude, Segment, Mixpanel): re-run
        # the prefix.
        self.whole: Callable[[list[Any]], dict[str, Any]] | None = None
        self.script: list[Any] = []

    def step(self, obj: Any) -> dict[str, Any] | None:
        """One script line; ``None`` for a config line (which makes no step)."""
        self.line += 1
        line = self.line
        self.script.append(obj)
        if self.customerio is not None:
            return self.customerio.step(line, obj)
        if self.whole is not None:
            steps: list[dict[str, Any]] = self.whole(self.script)["steps"]
            return steps[-1] if steps and steps[-1]["line"] == line else None
        is_config = isinstance(obj, dict) and "config" in obj and "op" not in obj
        if is_config and line == 1:
            # --- vendor dispatch: Amplitude (issue #14) ---
            body = obj.get("config")
            if (
                set(obj) == {"config"}
                and isinstance(body, dict)
                and body.get("vendor") == "amplitude"
            ):
                min_length = read_amplitude_config(body)
                if min_length is not None:
                    self.whole = lambda script: run_amplitude(
                        script, min_length, parse_time, check_shape
                    )
                    return None
            # --- end Amplitude ---
            # --- Mixpanel (issue #14): a valid Mixpanel config line hands the script over ---
            if mixpanel_mode(obj) is not None:
                self.whole = lambda script: run_mixpanel(script, check_shape, parse_time, BadOp)
                return None
            # --- end Mixpanel ---
            try:
                self.config = read_config(obj)
                if self.config["vendor"] == "customerio":
                    self.customerio = self.customerio_class(parse_time)
                # --- Segment (issue #14) ---
                if self.config["vendor"] == "segment":
                    self.whole = lambda script: run_segment(script, parse_time, check_shape, BadOp)
                # --- end Segment ---
                return None
            except BadOp:
                pass
        world, devices, python = self._world()
        config = self.config
        name = obj.get("op") if isinstance(obj, dict) else None
        step: dict[str, Any] = {"line": line, "op": name if isinstance(name, str) else None}
        self.steps.append(step)
        try:
            if not isinstance(obj, dict) or is_config:
                raise BadOp("not an operation")
            if config["client"] == "python" and obj.get("op") != "ingest":
                check_python_shape(obj)
            else:
                check_shape(obj, config["client"])
            if obj.get("timestamp") is not None:
                when = parse_time(obj["timestamp"])
            else:
                when = _next_second(self.clock)
        except (BadOp, BadPythonOp):
            step.update(outcome="rejected", codes=["invalid_operation"])
            return step
        self.clock = when
        index = len(self.steps) - 1
        if obj["op"] == "ingest":
            outcome, codes = world.ingest(
                index, obj.get("distinct_id"), obj["event"], obj.get("properties") or {}, when
            )
        elif config["client"] == "python":
            outcome, codes = python.apply(index, obj, when)
        else:
            outcome, codes = devices.apply(index, obj, when)
        step.update(outcome=outcome, codes=codes)
        return step

    def _world(self) -> tuple[Oracle, Devices, PythonClients]:
        if self.world is None or self.devices is None or self.python is None:
            self.world = self.world_class(self.config)
            self.devices = self.devices_class(self.world)
            self.python = self.python_class(self.world)
        return self.world, self.devices, self.python

    def report(self) -> dict[str, Any]:
        if self.customerio is not None:
            return self.customerio.report()
        if self.whole is not None:
            return self.whole(self.script)
        world, _, _ = self._world()
        return world.report([dict(step) for step in self.steps])


def run(
    script: list[dict[str, Any]],
    world_class: type[Oracle] = Oracle,
    devices_class: type[Devices] = Devices,
    python_class: type[PythonClients] = PythonClients,
    customerio_class: type[CustomerioSession] = CustomerioSession,
) -> dict[str, Any]:
    """Adapter protocol: the report of ``script`` (the classes: for broken variants)."""
    session = Session(world_class, devices_class, customerio_class, python_class)
    for obj in script:
        session.step(obj)
    return session.report()
