"""PostHog's config line: ``person_profiles``, ``free_events_per_month`` and ``client``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from identity_model.errors import Code, IdentityError
from identity_model.operations import Config

NAME = "posthog"


class PersonProfiles(StrEnum):
    """The SDK's ``person_profiles`` setting."""

    # CL-02: identified_only is the default; the web docs list only it and always.

    IDENTIFIED_ONLY = "identified_only"
    ALWAYS = "always"
    NEVER = "never"


class ClientFlavour(StrEnum):
    """Which PostHog SDK a device behaves like (CL decisions: browser by default)."""

    BROWSER = "browser"
    MOBILE = "mobile"
    CORE = "core"
    PYTHON = "python"  # the Python server SDK: its own operations (issue #11)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostHogConfig(Config):
    vendor: str = NAME
    person_profiles: PersonProfiles = PersonProfiles.IDENTIFIED_ONLY
    free_events_per_month: int | None = None
    client: ClientFlavour = ClientFlavour.BROWSER
    reuse_anonymous_id: bool = False  # mobile only: identify links nothing, reset keeps the id
    person_processing_opt_out: bool = False  # the team setting: every event is personless

    def __post_init__(self) -> None:
        # Settings given as their string values become the enums; others are refused (#17):
        # a plain string would compare unequal to every mode, a silently wrong number.
        for name, kind in (("person_profiles", PersonProfiles), ("client", ClientFlavour)):
            value = getattr(self, name)
            if type(value) is not kind:
                try:
                    object.__setattr__(self, name, kind(value))
                except ValueError:
                    choices = ", ".join(member.value for member in kind)
                    raise IdentityError(
                        Code.INVALID_OPERATION,
                        f"config: {name} {value!r} is not one of {choices}",
                    ) from None
        free = self.free_events_per_month
        if free is not None and (type(free) is not int or free < 0):
            raise IdentityError(
                Code.INVALID_OPERATION, "config: free_events_per_month must be a whole number >= 0"
            )


_KEYS = {
    "person_profiles",
    "free_events_per_month",
    "client",
    "reuse_anonymous_id",
    "person_processing_opt_out",
}


def parse_config(body: Mapping[str, Any]) -> PostHogConfig:
    """The config line's body (format §1), ``vendor`` left out."""
    unknown = sorted(set(body) - _KEYS)
    if unknown:
        raise IdentityError(
            Code.INVALID_OPERATION, f"config: unknown key(s) {', '.join(map(repr, unknown))}"
        )
    try:
        profiles = PersonProfiles(body.get("person_profiles", PersonProfiles.IDENTIFIED_ONLY))
        client = ClientFlavour(body.get("client", ClientFlavour.BROWSER))
    except ValueError as error:
        raise IdentityError(Code.INVALID_OPERATION, f"config: {error}") from None
    free = body.get("free_events_per_month")
    if free is not None and (not isinstance(free, int) or isinstance(free, bool) or free < 0):
        raise IdentityError(
            Code.INVALID_OPERATION, "config: free_events_per_month must be a whole number >= 0"
        )
    flags: dict[str, bool] = {}
    for key in ("reuse_anonymous_id", "person_processing_opt_out"):
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise IdentityError(Code.INVALID_OPERATION, f"config: {key} must be true or false")
        flags[key] = value
    if flags["reuse_anonymous_id"] and client is not ClientFlavour.MOBILE:
        raise IdentityError(
            Code.INVALID_OPERATION,
            'config: reuse_anonymous_id is valid only with "client": "mobile"',
        )
    return PostHogConfig(
        person_profiles=profiles,
        free_events_per_month=free,
        client=client,
        reuse_anonymous_id=flags["reuse_anonymous_id"],
        person_processing_opt_out=flags["person_processing_opt_out"],
    )
