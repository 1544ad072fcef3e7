"""The oracle's SDK layer: devices as plain dicts, written from rules-client.md alone.

Deliberately plain: one function per call, if/else instead of tables, no sharing with
``identity_model``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

CAMPAIGN = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "gad_source",
    "mc_cid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "fbclid",
    "msclkid",
    "twclid",
    "li_fat_id",
    "igshid",
    "ttclid",
    "rdt_cid",
    "epik",
    "qclid",
    "sccid",
    "irclid",
    "_kx",
]
ENGINES = [
    ("google", r"https?://(.*)google.([^/?]*)"),
    ("bing", r"https?://(.*)bing.com"),
    ("yahoo", r"https?://(.*)yahoo.com"),
    ("duckduckgo", r"https?://(.*)duckduckgo.com"),
]


def js_number(value: float) -> str:
    """Number::toString (ECMA-262 §6.1.6.1.20), by hand from Python's shortest repr."""
    if value == 0:
        return "0"
    if value < 0:
        return "-" + js_number(-value)
    mantissa, _, power = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(power or "0")  # the decimal point sits after `point` digits
    while digits.startswith("0"):
        digits = digits[1:]
        point -= 1
    digits = digits.rstrip("0")
    if len(digits) <= point <= 21:
        return digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    e = point - 1
    head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return head + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def js_number_text(value: Any) -> Any:
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return js_number(value)
    return value


def get_query_param(url: str, name: str) -> str:
    query = url.split("#", maxsplit=1)[0]
    query = query.split("?", 1)[1] if "?" in query else ""
    query = query.lstrip("?")
    for part in query.split("&"):
        bits = part.split("=")
        if bits[0] == name:
            if len(bits) < 2:
                return ""
            try:
                text = unquote(bits[1], errors="strict")
            except UnicodeDecodeError:
                text = bits[1]
            return text.replace("+", " ")
    return ""


def parse_url(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return (parts.hostname or "") + ("" if port is None else ":" + str(port)), parts.path or "/"


def initial_props(info: dict[str, Any] | None) -> dict[str, Any]:
    if info is None:
        return {}
    referrer, url = info["r"], info["u"]
    out: dict[str, Any] = {"$initial_referrer": referrer}
    if referrer == "$direct":
        out["$initial_referring_domain"] = "$direct"
    elif parse_url(referrer):
        out["$initial_referring_domain"] = parse_url(referrer)[0]  # type: ignore[index]
    if url:
        out["$initial_current_url"] = url
        parsed = parse_url(url)
        if parsed:
            out["$initial_host"] = parsed[0]
            out["$initial_pathname"] = parsed[1]
        for name in CAMPAIGN:
            out["$initial_" + name] = get_query_param(url, name) or None
    if referrer:
        for engine, pattern in ENGINES:
            if re.match(pattern, referrer):
                out["$initial_search_engine"] = engine
                word = get_query_param(referrer, "p" if engine == "yahoo" else "q")
                if word:
                    out["$initial_ph_keyword"] = word
                break
    return out


def session_props(info: dict[str, Any] | None) -> dict[str, Any]:
    """The session entry's person props: the same keys as initial_props, without $initial_."""
    out = {}
    for key, value in initial_props(info).items():
        bare = key[len("$initial_") :]
        out[bare if bare in CAMPAIGN or bare == "ph_keyword" else "$" + bare] = value
    return out


def js_key_order(value: Any) -> Any:
    """Objects in JavaScript's own key order: integer-like keys ascending, then the rest."""
    if isinstance(value, dict):
        index = [
            k for k in value if k.isdigit() and (k == "0" or k[0] != "0") and int(k) < 2**32 - 1
        ]
        rest = [k for k in value if k not in index]
        return {k: js_key_order(value[k]) for k in sorted(index, key=int) + rest}
    if isinstance(value, list):
        return [js_key_order(item) for item in value]
    return value


def props_hash(distinct_id: str, set_: Any, set_once: Any, client: str = "core") -> str:
    if client == "browser":  # JSON text as sent: key order matters
        payload = js_key_order({"d": distinct_id, "s": set_, "o": set_once})
        return json.dumps(payload, ensure_ascii=False)
    return json.dumps({"d": distinct_id, "s": set_, "o": set_once}, sort_keys=True)


class Devices:
    """All devices of one script, mutated in place; events go to ``world.ingest``."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.devices: dict[str, dict[str, Any]] = {}

    def fresh(self, name: str, anonymous_id: str) -> dict[str, Any]:
        return {
            "name": name,
            "first": anonymous_id,
            "anon": anonymous_id,
            "id": anonymous_id,
            "device_id": anonymous_id,
            "identified": False,
            "epp": False,
            "alias": None,
            "groups": {},
            "hash": None,
            "info": None,
            "initial_sent": False,
            "resets": 0,
        }

    def processing(self, d: dict[str, Any]) -> bool:
        mode = self.world.config["person_profiles"]
        if mode == "never":
            return False
        if mode == "always":
            return True
        groups_count = bool(d["groups"]) and self.world.config["client"] != "mobile"
        return d["identified"] or groups_count or d["alias"] is not None or d["epp"]

    def apply(self, step: int, obj: dict[str, Any], when: datetime) -> tuple[str, list[str]]:
        name = obj.get("device") or "default"
        given_anon = obj.get("anonymous_id")
        if name in self.devices:
            d = self.devices[name]
        else:
            # The first operation naming a device fixes its anonymous id, whatever its outcome.
            d = self.fresh(name, given_anon if given_anon is not None else name + "-anon-0")
            self.devices[name] = d
        if given_anon is not None and given_anon != d["first"]:
            return "rejected", ["invalid_operation"]
        before = json.dumps(d, sort_keys=True, default=str)
        work = json.loads(before)
        result = self.call(work, obj)
        outcome, codes, event = result
        if outcome != "applied":
            return outcome, codes
        event_outcome = None
        if event is not None:
            event_outcome, event_codes = self.send(step, work, event, when)
            codes = codes + event_codes
        changed = json.dumps(work, sort_keys=True, default=str) != before
        if not changed and event_outcome is not None and event_outcome != "applied":
            return event_outcome, codes
        self.devices[name] = work
        return "applied", codes

    def send(
        self, step: int, d: dict[str, Any], event: dict[str, Any], when: datetime
    ) -> tuple[str, list[str]]:
        props: dict[str, Any] = {"distinct_id": event.get("as", d["id"])}
        props.update(event["props"])
        groups = dict(d["groups"])
        groups.update(event.get("groups") or {})
        if groups:
            props["$groups"] = groups
        on = self.processing(d)
        props["$process_person_profile"] = on
        if on:
            d["epp"] = True
        set_once = event.get("set_once")
        if on and self.carries_initial_props(event["name"], d):
            merged = initial_props(d["info"])
            merged.update(session_props(d["info"]))
            merged.update(set_once or {})
            set_once = merged if merged else None
            d["initial_sent"] = True
        if event.get("set") is not None:
            inner: dict[str, Any] = props["$set"] if isinstance(props.get("$set"), dict) else {}
            props["$set"] = {**inner, **event["set"]}
        if set_once is not None:
            inner_once: dict[str, Any] = (
                props["$set_once"] if isinstance(props.get("$set_once"), dict) else {}
            )
            props["$set_once"] = {**inner_once, **set_once}
        outcome: tuple[str, list[str]] = self.world.ingest(
            step, props["distinct_id"], event["name"], props, when, device=d["name"]
        )
        return outcome

    def carries_initial_props(self, name: str, d: dict[str, Any]) -> bool:
        """CL-27: the first person-processed event, and every $identify; never $groupidentify."""
        return name != "$groupidentify" and (name == "$identify" or not d["initial_sent"])

    # ------------------------------------------------------------------ the calls

    def call(
        self, d: dict[str, Any], obj: dict[str, Any]
    ) -> tuple[str, list[str], dict[str, Any] | None]:
        op = obj["op"]
        never = self.world.config["person_profiles"] == "never"
        client = self.world.config["client"]
        if op == "capture":
            props = obj.get("properties") or {}
            url, ref = props.get("$current_url"), props.get("$referrer")
            if d["info"] is None and (isinstance(url, str) or isinstance(ref, str)):
                d["info"] = {
                    "r": ref if isinstance(ref, str) and ref else "$direct",
                    "u": url if isinstance(url, str) else None,
                }
            event: dict[str, Any] = {"name": obj["event"], "props": props}
            if client == "core" and isinstance(props.get("$groups"), dict) and not never:
                d["epp"] = True  # core capture registers $groups through groups()
                for gtype, raw_key in props["$groups"].items():
                    gkey = js_number_text(raw_key)
                    if isinstance(gkey, str):
                        d["groups"][gtype] = gkey
            if client == "mobile":
                other = obj.get("distinct_id")
                if other is not None and other.strip() == "":
                    return "rejected", ["invalid_distinct_id"], None
                user, once = obj.get("user_properties"), obj.get("user_properties_set_once")
                groups = obj.get("groups")
                if (user or once or groups) and not never:
                    d["epp"] = True  # MOB-01: person data in a capture turns processing on
                if user:
                    event["set"] = user
                if once:
                    event["set_once"] = once
                if groups:
                    event["groups"] = groups
                if other is not None:
                    event["as"] = other
            return "applied", [], event
        if op == "identify":
            return self.identify(d, obj.get("distinct_id"), obj.get("set"), obj.get("set_once"))
        if op == "set_person_properties":
            return self.set_props(
                d, obj.get("set"), obj.get("set_once"), "person_properties_repeated"
            )
        if op == "create_person_profile":
            if never:
                return "ignored", ["person_processing_disabled"], None
            if self.processing(d):
                return "ignored", [], None
            d["epp"] = True
            return self.set_props(d, {}, {}, "person_properties_repeated")
        if op == "alias":
            alias = js_number_text(obj.get("alias"))
            if not isinstance(alias, str) or alias == "":
                return "rejected", ["invalid_operation"], None
            if never:
                return "ignored", ["person_processing_disabled"], None
            if client == "core":  # core stores no alias and never redirects to identify
                d["epp"] = True
                return (
                    "applied",
                    [],
                    {"name": "$create_alias", "props": {"alias": alias, "distinct_id": d["id"]}},
                )
            if alias == d["id"] and client != "mobile":
                return self.identify(d, alias, None, None)
            d["epp"] = True
            d["alias"] = alias
            return (
                "applied",
                [],
                {"name": "$create_alias", "props": {"alias": alias, "distinct_id": d["id"]}},
            )
        if op == "reset":
            n = d["resets"] + 1
            reuse = self.world.config.get("reuse_anonymous_id") is True
            if reuse and obj.get("new_anonymous_id") is not None:
                return "rejected", ["invalid_operation"], None
            new = (
                d["anon"]
                if reuse
                else obj["new_anonymous_id"]
                if obj.get("new_anonymous_id") is not None
                else f"{d['name']}-anon-{n}"
            )
            old = dict(d)
            d.clear()
            d.update(self.fresh(old["name"], new))
            d["first"] = old["first"]
            d["device_id"] = new if obj.get("reset_device_id") else old["device_id"]
            d["initial_sent"] = old["initial_sent"]
            d["resets"] = n
            return "applied", [], None
        if op == "group":
            gtype, key = obj.get("group_type"), js_number_text(obj.get("group_key"))
            if not gtype or not isinstance(key, str) or key == "":
                return "rejected", ["invalid_operation"], None
            if client in ("mobile", "core") and never:
                return "ignored", ["person_processing_disabled"], None
            props = obj.get("properties")
            if d["groups"].get(gtype) == key and props is None and client != "mobile":
                return "ignored", [], None
            d["groups"][gtype] = key
            if client in ("mobile", "core") or (props is not None and not never):
                d["epp"] = True
            payload = {"$group_type": gtype, "$group_key": key}
            if props is not None:
                payload["$group_set"] = props
            return "applied", [], {"name": "$groupidentify", "props": payload}
        raise AssertionError(op)

    def set_props(
        self, d: dict[str, Any], set_: Any, set_once: Any, repeated: str
    ) -> tuple[str, list[str], dict[str, Any] | None]:
        client = self.world.config["client"]
        if set_ is None and set_once is None:
            return "ignored", [], None
        if client == "core" and not set_ and not set_once:
            return "ignored", [], None  # core: empty objects count as nothing to set
        if self.world.config["person_profiles"] == "never":
            return "ignored", ["person_processing_disabled"], None
        digest = props_hash(d["id"], set_, set_once, client)
        if digest == d["hash"]:
            return "ignored", [repeated], None
        d["epp"] = True
        d["hash"] = digest
        return (
            "applied",
            [],
            {"name": "$set", "props": {"$set": set_ or {}, "$set_once": set_once or {}}},
        )

    def identify(
        self, d: dict[str, Any], new: Any, set_: Any, set_once: Any
    ) -> tuple[str, list[str], dict[str, Any] | None]:
        client = self.world.config["client"]
        never = self.world.config["person_profiles"] == "never"
        if client == "core":
            return self.identify_core(d, new, set_, set_once)
        if client == "mobile" and never:
            return "ignored", ["person_processing_disabled"], None
        new = js_number_text(new)
        if not isinstance(new, str) or new.strip() == "":
            return "rejected", ["invalid_distinct_id"], None
        if client != "mobile" and (
            new == "$posthog_cookieless"
            or new.lower() in ("distinct_id", "distinctid", "undefined", "null")
        ):
            return "rejected", ["invalid_distinct_id"], None
        if never:
            return "ignored", ["person_processing_disabled"], None
        snapshot = json.dumps(d, sort_keys=True, default=str)
        d["epp"] = True
        d["user_id"] = new
        previous = d["id"]
        if not d["identified"]:
            if new == previous:
                d["identified"] = True
                d["hash"] = props_hash(new, set_, set_once, client)
                return (
                    "applied",
                    [],
                    {"name": "$set", "props": {"$set": set_ or {}, "$set_once": set_once or {}}},
                )
            anon = previous if client == "browser" else d["anon"]
            if not (new == d["alias"] and client != "mobile"):
                d["id"] = new
                d["alias"] = None
            d["identified"] = True
            d["hash"] = props_hash(new, set_, set_once, client)
            identify_props = {"distinct_id": new, "$anon_distinct_id": anon}
            if self.world.config.get("reuse_anonymous_id") is True:
                del identify_props["$anon_distinct_id"]  # MOB-05
            return (
                "applied",
                [],
                {
                    "name": "$identify",
                    "props": identify_props,
                    "set": set_ or {},
                    "set_once": set_once or {},
                },
            )
        if (new != previous and new != d["alias"]) or (
            new == d["alias"] and client == "mobile" and new != previous
        ):
            if client == "mobile":
                d.clear()
                d.update(json.loads(snapshot))
                return "ignored", ["already_identified"], None
            d["id"] = new
            d["alias"] = None
            if set_ is None and set_once is None:
                return "applied", [], None
            outcome, codes, event = self.set_props(d, set_, set_once, "identify_repeated")
            return "applied", [], event
        if set_ is None and set_once is None:
            if json.dumps(d, sort_keys=True, default=str) == snapshot:
                return "ignored", ["identify_repeated"], None
            return "applied", [], None
        outcome, codes, event = self.set_props(d, set_, set_once, "identify_repeated")
        if outcome == "ignored" and json.dumps(d, sort_keys=True, default=str) != snapshot:
            return "applied", [], None
        return outcome, codes, event

    def identify_core(
        self, d: dict[str, Any], new: Any, set_: Any, set_once: Any
    ) -> tuple[str, list[str], dict[str, Any] | None]:
        """packages/core ``identify``: no id checks; every change of id sends $identify."""
        if self.world.config["person_profiles"] == "never":
            return "ignored", ["person_processing_disabled"], None
        if (
            new is None
            or new is False
            or new == ""
            or (isinstance(new, int | float) and not isinstance(new, bool) and new == 0)
        ):
            new = None  # a falsy id: "no id supplied"
        else:
            new = js_number_text(new)
            if not isinstance(new, str):
                return "rejected", ["invalid_distinct_id"], None
        snapshot = json.dumps(d, sort_keys=True, default=str)
        d["epp"] = True
        previous = d["id"]
        target = previous if new is None else new
        if target != previous:
            anon = d["anon"]
            d["anon"] = previous
            d["id"] = target
            d["user_id"] = target
            d["identified"] = True
            d["hash"] = props_hash(target, set_, set_once, "core")
            return (
                "applied",
                [],
                {
                    "name": "$identify",
                    "props": {"distinct_id": target, "$anon_distinct_id": anon},
                    "set": set_ or {},
                    "set_once": set_once or {},
                },
            )
        if new is not None and not d["identified"]:
            d["identified"] = True
            d["user_id"] = target
            d["hash"] = props_hash(target, set_, set_once, "core")
            return (
                "applied",
                [],
                {"name": "$set", "props": {"$set": set_ or {}, "$set_once": set_once or {}}},
            )
        if set_ is not None or set_once is not None:
            outcome, codes, event = self.set_props(d, set_, set_once, "identify_repeated")
            if event is None and json.dumps(d, sort_keys=True, default=str) != snapshot:
                return "applied", [], None
            return outcome, codes, event
        if json.dumps(d, sort_keys=True, default=str) == snapshot:
            return "ignored", ["identify_repeated"], None
        return "applied", [], None
