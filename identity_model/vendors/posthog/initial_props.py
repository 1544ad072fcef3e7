"""The ``$initial_*`` person properties posthog-js derives from ``$initial_person_info``
(``getPersonPropsFromInfo`` / ``getInitialPersonPropsFromInfo`` in
``packages/browser/src/utils/event-utils.ts``)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from identity_model.jsontypes import Json
from identity_model.vendors.posthog.device import InitialPersonInfo

CAMPAIGN_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "gad_source", "mc_cid",
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "twclid", "li_fat_id",
    "igshid", "ttclid", "rdt_cid", "epik", "qclid", "sccid", "irclid", "_kx",
)  # fmt: skip
_SEARCH_ENGINES = (
    ("google", re.compile(r"https?://(.*)google.([^/?]*)")),
    ("bing", re.compile(r"https?://(.*)bing.com")),
    ("yahoo", re.compile(r"https?://(.*)yahoo.com")),
    ("duckduckgo", re.compile(r"https?://(.*)duckduckgo.com")),
)


def query_param(url: str, name: str) -> str:
    """posthog-js ``getQueryParam``: the first ``name=value`` before any ``#``, decoded."""
    query = url.split("#", maxsplit=1)[0].partition("?")[2].lstrip("?")
    for part in query.split("&"):
        pieces = part.split("=")
        if pieces[0] == name:
            if len(pieces) < 2:
                return ""
            try:
                value = unquote(pieces[1], errors="strict")
            except UnicodeDecodeError:  # decodeURIComponent throws; posthog-js keeps it raw
                value = pieces[1]
            return value.replace("+", " ")
    return ""


def _host_and_path(url: str) -> tuple[str, str] | None:
    """``new URL(url)``'s host and pathname, or ``None`` where the browser would throw."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port is not None else "")
    return host, parts.path or "/"


def initial_person_properties(info: InitialPersonInfo) -> dict[str, Json]:
    """The ``$initial_*`` keys for ``info`` and the same keys unprefixed (the session entry's,
    ``getSetOnceProps``), as ``$set_once``: ``extend({}, initialProps, sessionProps)``."""
    props = _person_props(info)
    initial = {f"$initial_{key.removeprefix('$')}": value for key, value in props.items()}
    return {**initial, **props}


def _person_props(info: InitialPersonInfo) -> dict[str, Json]:
    """``getPersonPropsFromInfo``: the unprefixed person props of a referrer and URL."""
    referrer, url = info.referrer, info.url
    props: dict[str, Json] = {"$referrer": referrer}
    if referrer == "$direct":
        props["$referring_domain"] = "$direct"
    else:
        parsed = _host_and_path(referrer)
        if parsed is not None:
            props["$referring_domain"] = parsed[0]
    if url:
        props["$current_url"] = url
        parsed = _host_and_path(url)
        if parsed is not None:
            props["$host"], props["$pathname"] = parsed
        for name in CAMPAIGN_PARAMS:
            props[name] = query_param(url, name) or None
    if referrer:
        for engine, pattern in _SEARCH_ENGINES:
            if pattern.match(referrer):
                props["$search_engine"] = engine
                # posthog-js reads the keyword from the *current* page's referrer; the model
                # has one referrer, the registered one.
                keyword = query_param(referrer, "p" if engine == "yahoo" else "q")
                if keyword:
                    props["ph_keyword"] = keyword
                break
    return props
