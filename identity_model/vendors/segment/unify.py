"""Unify: profiles built by flat matching under limits, priority, blocked values and caps.

``resolve`` is pure: it finds where a call's identifiers go and returns a ``Resolution`` (and
the codes); ``absorb`` applies it. Profiles are keyed by creation order; a merged-away key
points at the profile that absorbed it, so a call keeps its attribution (SEG-05).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeAlias

from immutables import Map

from identity_model.errors import Code
from identity_model.rules import RuleId, SegmentRule
from identity_model.vendors.segment.calls import SegmentCall
from identity_model.vendors.segment.config import IdType, UnifySettings

Identifier: TypeAlias = tuple[IdType, str]

# SEG-10: at most 100 merges and 1,000 identity mappings per profile.
MAX_MERGES = 100
MAX_MAPPINGS = 1000
CAP_RULE: SegmentRule = "SEG-10"


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """One Unify profile: its identifiers with the time each was first added, and how many
    merges it has taken (D-SEG-3)."""

    key: int
    identifiers: Map[Identifier, datetime]
    merges: int = 0

    @property
    def is_identified(self) -> bool:
        # SEG-15: a user_id or an email makes a profile identified (D-SEG-5, no ad ids).
        return any(kind in (IdType.USER_ID, IdType.EMAIL) for kind, _ in self.identifiers)

    def values(self) -> list[str]:
        """Its identifier values, sorted and without repeats (the report's ``distinct_ids``)."""
        return sorted({value for _, value in self.identifiers})


@dataclass(frozen=True, slots=True, kw_only=True)
class Profiles:
    live: Map[int, Profile] = field(default_factory=Map)
    owner: Map[Identifier, int] = field(default_factory=Map)
    merged_into: Map[int, int] = field(default_factory=Map)
    next_key: int = 0

    def root(self, key: int) -> int:
        """The live profile that ``key`` is now part of."""
        while key in self.merged_into:
            key = self.merged_into[key]
        return key


NO_PROFILES = Profiles()


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolution:
    """Where a call goes: ``target`` (a new profile when ``create``), the profiles it absorbs,
    the identifiers added and the target's merge count afterwards."""

    target: int
    create: bool
    absorbed: tuple[int, ...] = ()
    added: tuple[Identifier, ...] = ()
    merges: int = 0
    timestamp: datetime


class Found:
    """The codes and rules of one resolution, each once, in the order they happened."""

    __slots__ = ("codes", "rules")

    def __init__(self) -> None:
        self.codes: list[Code] = []
        self.rules: list[RuleId] = []

    def note(self, code: Code | None, rule: RuleId) -> None:
        if code is not None and code not in self.codes:
            self.codes.append(code)
        if rule not in self.rules:
            self.rules.append(rule)


def identifiers_of(call: SegmentCall, settings: UnifySettings, found: Found) -> list[Identifier]:
    """The call's identifiers in priority order (highest first), blocked values left out."""
    identifiers: list[Identifier] = []
    # SEG-06: userId, email (identify traits) and anonymousId; other identifiers not modelled.
    for kind, value in (
        (IdType.USER_ID, call.user_id),
        (IdType.EMAIL, call.email),
        (IdType.ANONYMOUS_ID, call.anonymous_id),
    ):
        if not value:
            continue
        if settings.blocked.blocks(value):
            # SEG-09: a blocked value is not promoted; the call itself is kept.
            found.note(Code.IDENTIFIER_BLOCKED, "SEG-09")
            continue
        identifiers.append((kind, value))
    identifiers.sort(key=lambda identifier: settings.rank(identifier[0]))
    return identifiers


def _in_window(added: datetime, when: datetime, days: int | None) -> bool:
    return days is None or when - added < timedelta(days=days)


# SEG-07: at most N values of a type within the type's window (D-SEG-1).
LIMIT_RULE: SegmentRule = "SEG-07"


def _over_a_limit(
    settings: UnifySettings, profiles: Sequence[Profile], new: Sequence[Identifier], when: datetime
) -> bool:
    """Whether the profiles' identifiers plus ``new`` break a type's limit within its window."""
    counts = {kind: 0 for kind in IdType}
    for profile in profiles:
        for (kind, _), added in profile.identifiers.items():
            if _in_window(added, when, settings.limits[kind].window.days):
                counts[kind] += 1
    for kind, _ in new:
        counts[kind] += 1
    return any(counts[kind] > settings.limits[kind].count for kind in IdType)


def resolve(
    profiles: Profiles, settings: UnifySettings, call: SegmentCall, found: Found
) -> Resolution | None:
    """Flat matching of the call's identifiers: where it goes (``None``: no profile); its codes
    and rules go to ``found``."""
    candidates = identifiers_of(call, settings, found)
    when = call.timestamp

    def demote(code: Code, rule: RuleId) -> None:
        found.note(code, rule)
        # SEG-08: drop the event's lowest-priority identifier and match again (D-SEG-2).
        found.note(None, "SEG-08")
        candidates.pop()

    while candidates:
        # SEG-05: no profile -> create one; one -> add to it; several -> merge them.
        found.note(None, "SEG-05")
        keys = sorted({profiles.owner[i] for i in candidates if i in profiles.owner})
        if not keys:
            resolution = Resolution(
                target=profiles.next_key, create=True, added=tuple(candidates), timestamp=when
            )
            return resolution
        matched = [profiles.live[key] for key in keys]
        merges = sum(profile.merges for profile in matched) + len(matched) - 1
        new = [i for i in candidates if i not in profiles.owner]
        if merges > MAX_MERGES:
            demote(Code.MERGE_LIMIT_REACHED, CAP_RULE)
            continue
        if _over_a_limit(settings, matched, new, when):
            demote(Code.IDENTIFIER_LIMIT_EXCEEDED, LIMIT_RULE)
            continue
        held = sum(len(profile.identifiers) for profile in matched)
        if len(matched) > 1 and held + len(new) > MAX_MAPPINGS:
            # D-SEG-3: a merge past the mapping cap is refused like a limit.
            demote(Code.MAPPING_LIMIT_REACHED, CAP_RULE)
            continue
        room = MAX_MAPPINGS - held
        if len(new) > room:
            found.note(Code.MAPPING_LIMIT_REACHED, CAP_RULE)  # the cap stops adding identifiers
            new = new[:room]
        resolution = Resolution(
            target=keys[0],
            create=False,
            absorbed=tuple(keys[1:]),
            added=tuple(new),
            merges=merges,
            timestamp=when,
        )
        return resolution
    return None


def absorb(profiles: Profiles, resolution: Resolution) -> Profiles:
    """Apply a resolution: create or grow the target, merging the absorbed profiles into it."""
    # SEG-11: identifiers are only ever added; a merged profile keeps every one of them.
    live, owner, merged_into = profiles.live, profiles.owner, profiles.merged_into
    next_key = profiles.next_key
    if resolution.create:
        target = Profile(key=resolution.target, identifiers=Map())
        next_key += 1
    else:
        target = live[resolution.target]
    identifiers = target.identifiers.mutate()
    owners = owner.mutate()
    for key in resolution.absorbed:
        for identifier, added in live[key].identifiers.items():
            identifiers[identifier] = added
            owners[identifier] = target.key
        live = live.delete(key)
        merged_into = merged_into.set(key, target.key)
    for identifier in resolution.added:
        identifiers[identifier] = resolution.timestamp
        owners[identifier] = target.key
    target = replace(target, identifiers=identifiers.finish(), merges=resolution.merges)
    return Profiles(
        live=live.set(target.key, target),
        owner=owners.finish(),
        merged_into=merged_into,
        next_key=next_key,
    )
