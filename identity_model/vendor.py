"""The vendor protocol: what a vendor profile is, and the registry that finds one by name.

A vendor is a value. The core (``world``, ``reducers``, ``outcome``, ``operations``, ``io``,
``cli``) never imports a vendor: it looks the profile up by the config line's ``vendor``
name and calls it. A profile is pure: ``decide(state, op)`` reads the state and returns a
``Decision`` (the step, and the facts to apply when the step is applied); ``evolve(state,
decision)`` applies the facts and returns the next state. ``apply(world, op)`` is ``decide``
then, only when applied, ``evolve``: a rejected or ignored operation returns the very same
state object, because nothing else is possible.

Vendors register themselves with ``register_vendor(profile)`` when their module is imported.
A package may also name a vendor before importing it (``register_vendor_module(name, module)``):
the built-in ones are named so when ``identity_model`` is imported (its ``__init__`` imports
``identity_model.vendors``), and each is imported the first time it is looked up, so a run
under one vendor loads no other (#10: start-up time). Other vendors are found when
``vendor_named`` first meets an unknown name and imports the modules named in the environment
variable ``IDENTITY_MODEL_VENDORS`` (comma-separated) and the entry points of the group
``identity_model.vendors`` (see docs/architecture.md).
"""

from __future__ import annotations

import importlib
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeAlias, TypeVar

from identity_model.errors import Code, IdentityError
from identity_model.events import Event
from identity_model.fields import Fields
from identity_model.identities import neutral_identity_keys
from identity_model.operations import Config, Operation
from identity_model.outcome import Status, Step, StepRecord

if TYPE_CHECKING:  # a type only: billing imports the world, which imports this module
    from identity_model.billing.pricing import Bill

__all__ = [
    "DEFAULT_VENDOR",
    "PLUGINS_ENV",
    "Batch",
    "Config",
    "Decision",
    "Event",
    "Fields",
    "FoldBatch",
    "MonthlyUsage",
    "Operation",
    "PriceInput",
    "ProfileBase",
    "Status",
    "Step",
    "StepRecord",
    "VendorProfile",
    "register_vendor",
    "register_vendor_module",
    "vendor_named",
    "vendor_names",
]

S = TypeVar("S")  # the vendor's immutable state (frozen dataclasses, immutables.Map)
F = TypeVar("F")  # what a decision hands to evolve
S_co = TypeVar("S_co", covariant=True)

DEFAULT_VENDOR = "posthog"  # a config line without "vendor" (format §1)
PLUGINS_ENV = "IDENTITY_MODEL_VENDORS"  # modules that register more vendors when imported
ENTRY_POINT_GROUP = "identity_model.vendors"

# month "YYYY-MM" (UTC) -> meter (e.g. "anonymous_events") -> billed count
MonthlyUsage: TypeAlias = Mapping[str, Mapping[str, int]]


# --- pricing (issue #14) ------------------------------------------------------------------------

PriceKind: TypeAlias = Literal["meter", "choice", "choices", "count", "decimal", "text"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceInput:
    """One input a vendor's ``bill`` reads: a month's meter or a setting of the book.

    ``name`` is the option's key in ``bill``'s ``options`` and, with ``-`` for ``_``, the
    ``price`` command's flag (``unit_price`` is ``--unit-price``). Kinds: ``meter`` (a count of
    one month's usage meter ``meter``, given by hand to ``price``; replay reads it from the
    state), ``choice`` (one of ``choices``), ``choices`` (any of ``choices``, repeatable),
    ``count`` (a whole number >= 0), ``decimal`` (an amount >= 0), ``text``.
    """

    name: str
    kind: PriceKind
    help: str
    meter: str | None = None  # kind "meter": the usage meter it stands for
    choices: tuple[str, ...] = ()
    default: str | None = None  # shown in help; the vendor applies it when the option is absent


# --- end pricing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision(Generic[F]):
    """What ``decide`` found: the step, and the facts ``evolve`` applies.

    ``facts`` is present when ``step.status`` is applied; a rejected or ignored decision carries
    nothing to apply, except ``bookkeeping`` (issue #11): state that is no outcome of the
    operation but must still be written, because the format says it existed before the
    operation (PostHog: a device named for the first time, its anonymous id fixed) or it is
    spent whatever the outcome (PostHog: a Python SDK's generated id on a dropped event).
    """

    step: Step
    facts: F | None = None
    bookkeeping: bool = False  # the facts of a rejected or ignored step, written all the same

    def __post_init__(self) -> None:
        applied = self.step.status is Status.APPLIED
        if self.facts is not None and not applied and not self.bookkeeping:
            raise ValueError("only an applied decision carries facts (or bookkeeping)")
        if self.bookkeeping and (applied or self.facts is None):
            raise ValueError("bookkeeping is the facts of a rejected or ignored decision")

    @property
    def applied(self) -> bool:
        return self.step.status is Status.APPLIED


class Batch(Protocol[S_co]):
    """Many operations over one state, for ``replay`` (an optimisation, invisible to callers:
    the states it hands out equal the fold of ``decide``/``evolve``)."""

    def apply(self, op: Operation) -> Step:
        """Decide ``op`` against the state so far and, when applied, evolve into it."""
        ...

    def finish(self) -> S_co:
        """The state so far, as an immutable value; the batch goes on from it."""
        ...

    def person_label(self, event: Event) -> str:
        """The profile's ``person_label`` of ``event`` in the state so far, without making a
        state value (the replay table asks it at every step)."""
        ...


class VendorProfile(Protocol[S, F]):
    """One vendor's rules. Every method is pure (no I/O, no clock): time comes with the ops."""

    @property
    def name(self) -> str:
        """The config line's ``"vendor"`` value."""
        ...

    @property
    def price_book(self) -> str | None:
        """The shipped price book its usage is priced with (``None``: pricing not modelled)."""
        ...

    def parse_config(self, raw: Mapping[str, Any]) -> Config:
        """The config line's body (``vendor`` already read); ``IdentityError`` (code
        ``invalid_operation``) for unknown keys or bad values."""
        ...

    def parse_operation(self, name: str, fields: Fields) -> Operation | None:
        """The vendor's own operations (``None``: a vendor-neutral one, read by the core).
        Raise ``fields.unknown_op(...)`` for names the vendor does not accept at all."""
        ...

    def neutral_ingest(self, config: Config) -> bool:
        """Whether every ``ingest`` line under ``config`` is the core's to read
        (``parse_operation`` returns ``None`` for it): the reader's fast lane reads such lines
        itself (``io.fastread``)."""
        ...

    def empty_state(self, config: Config) -> S:
        """The state before any operation, under ``config`` (this vendor's config type)."""
        ...

    def decide(self, state: S, op: Operation) -> Decision[F]:
        """Pure: reads ``state`` only. Vendor-neutral ops the vendor has no analogue for are
        ``ignored`` with code ``unsupported_operation``."""
        ...

    def evolve(self, state: S, decision: Decision[F]) -> S:
        """Applies a decision's facts: an applied one's, or a rejected or ignored one's
        bookkeeping; never called for a decision without facts."""
        ...

    def batch(self, state: S) -> Batch[S]:
        """A batch over ``state`` (``FoldBatch(self, state)`` when there is nothing to gain)."""
        ...

    def report(self, state: S, records: Sequence[StepRecord]) -> dict[str, Any]:
        """The report's ``events``, ``persons``, ``usage`` (+ the vendor's extras) for the
        script whose step records are ``records`` (format §2); the core adds ``format`` and
        ``steps``. Events come from the records (they flow out of the fold in the steps)."""
        ...

    def report_stream(self, state: S, records: Iterable[StepRecord]) -> dict[str, Any]:
        """``report``, but its ``events`` may be any iterable, consumed once as it is written
        (``replay --format json`` streams it: ``records`` may come from a file). A vendor
        whose report can resolve events one by one returns an iterator, and memory stays
        bounded by identities; ``ProfileBase``'s default is ``report`` itself."""
        ...

    def usage(self, state: S) -> MonthlyUsage:
        """Billed events per month and meter, months in order."""
        ...

    def summary(self, state: S) -> Mapping[str, int]:
        """Counts for ``replay --format summary``: ``persons`` and ``identified_persons``."""
        ...

    def person_label(self, state: S, event: Event) -> str:
        """Who ``event`` belongs to now, for the replay table ("-": nobody)."""
        ...

    def decided_by(self, step: Step) -> str:
        """The replay table's "decided by" column for one step."""
        ...

    def describe(self, state: S) -> list[str]:
        """The end of the replay table: the final persons, in lines of text."""
        ...

    def identity_keys(self, op: Operation) -> tuple[str, ...]:
        """Every identity through which ``op`` can affect, or be affected by, another
        operation (for replaying by identity component, ``identity_model.partition``). An
        extra key only joins components; a missing one would split a person. ``()``: the
        operation names no identity and may only move time."""
        ...

    def at_end(self, state: S, end: datetime) -> S:
        """``state`` as judged at the end of a script whose latest timestamp is ``end`` (a
        component replayed alone ends earlier than the whole script)."""
        ...

    def entry_steps(self, state: S, records: Sequence[StepRecord]) -> Mapping[str, list[int]]:
        """For each list of the report beside ``events``/``persons`` (e.g. ``activity``), the
        index in ``records`` of the step that made each entry, in report order."""
        ...

    # --- pricing (issue #14) ---
    @property
    def price_inputs(self) -> tuple[PriceInput, ...]:
        """What ``bill`` reads: the meters it prices and the settings it accepts (``()``: the
        vendor is not priced)."""
        ...

    def bill(
        self, usage: MonthlyUsage, options: Mapping[str, Any], config: Config | None = None
    ) -> Mapping[str, Bill] | None:
        """A bill per month of ``usage`` from the vendor's book, months in order; ``options``
        holds the settings given (by ``price_inputs`` name; absent: the vendor's default),
        ``config`` the script's config line when there is one. ``None``: not priced.
        ``IdentityError`` for a bad option value."""
        ...

    def usage_text(self, usage: MonthlyUsage) -> str:
        """One line for the replay table: the priced meters over all months."""
        ...

    # --- end pricing ---


class FoldBatch(Generic[S, F]):
    """The plain batch: ``decide`` then ``evolve`` per operation."""

    __slots__ = ("_profile", "_state")

    def __init__(self, profile: VendorProfile[S, F], state: S) -> None:
        self._profile = profile
        self._state = state

    def apply(self, op: Operation) -> Step:
        decision = self._profile.decide(self._state, op)
        if decision.applied or decision.bookkeeping:
            self._state = self._profile.evolve(self._state, decision)
        return decision.step

    def finish(self) -> S:
        return self._state

    def person_label(self, event: Event) -> str:
        return self._profile.person_label(self._state, event)


class ProfileBase(ABC, Generic[S, F]):
    """A profile's defaults; subclass it, set ``name`` and write the abstract methods.

    The defaults: no price book, only vendor-neutral operations, ``FoldBatch``, a summary and
    a description from the report's ``persons``, no person column, every rule of the step.
    """

    name: str = ""
    price_book: str | None = None

    @abstractmethod
    def parse_config(self, raw: Mapping[str, Any]) -> Config: ...

    @abstractmethod
    def empty_state(self, config: Config) -> S: ...

    @abstractmethod
    def decide(self, state: S, op: Operation) -> Decision[F]: ...

    @abstractmethod
    def evolve(self, state: S, decision: Decision[F]) -> S: ...

    @abstractmethod
    def report(self, state: S, records: Sequence[StepRecord]) -> dict[str, Any]: ...

    @abstractmethod
    def usage(self, state: S) -> MonthlyUsage: ...

    def parse_operation(self, name: str, fields: Fields) -> Operation | None:
        return None

    def neutral_ingest(self, config: Config) -> bool:
        # Only a vendor that reads no operation of its own is known to leave `ingest` alone.
        return type(self).parse_operation is ProfileBase.parse_operation

    def report_stream(self, state: S, records: Iterable[StepRecord]) -> dict[str, Any]:
        return self.report(state, records if isinstance(records, Sequence) else list(records))

    def batch(self, state: S) -> Batch[S]:
        return FoldBatch(self, state)

    def summary(self, state: S) -> Mapping[str, int]:
        persons = self.report(state, [])["persons"]
        identified = sum(1 for person in persons if person.get("is_identified"))
        return {"persons": len(persons), "identified_persons": identified}

    def person_label(self, state: S, event: Event) -> str:
        return "-"

    def decided_by(self, step: Step) -> str:
        rules = " ".join(step.rules) or "-"
        return rules + (f" [{', '.join(step.codes)}]" if step.codes else "")

    def describe(self, state: S) -> list[str]:
        persons = self.report(state, [])["persons"]
        return [f"persons ({len(persons)})"] + [
            f"  {', '.join(person['distinct_ids'])}" for person in persons
        ]

    def identity_keys(self, op: Operation) -> tuple[str, ...]:
        return neutral_identity_keys(op)

    def at_end(self, state: S, end: datetime) -> S:
        return state

    def entry_steps(self, state: S, records: Sequence[StepRecord]) -> Mapping[str, list[int]]:
        return {}

    # --- pricing (issue #14): by default a vendor is not priced ---
    price_inputs: tuple[PriceInput, ...] = ()

    def bill(
        self, usage: MonthlyUsage, options: Mapping[str, Any], config: Config | None = None
    ) -> Mapping[str, Bill] | None:
        return None

    def usage_text(self, usage: MonthlyUsage) -> str:
        meters = [item.meter for item in self.price_inputs if item.meter is not None]
        totals = ", ".join(
            f"{sum(month.get(meter, 0) for month in usage.values()):,} {meter}" for meter in meters
        )
        return f"usage: {totals or 'nothing priced'} (all months)"

    # --- end pricing ---


# --- the registry ------------------------------------------------------------------------------

_PROFILES: dict[str, VendorProfile[Any, Any]] = {}
_MODULES: dict[str, str] = {}  # a vendor's name -> the module whose import registers it
_plugins_loaded = False


def register_vendor(profile: VendorProfile[S, F]) -> VendorProfile[S, F]:
    """Make ``profile`` the vendor named ``profile.name``; registering it again is a no-op."""
    known = _PROFILES.get(profile.name)
    if known is not None and known is not profile:
        raise ValueError(f"vendor {profile.name!r} is already registered")
    _PROFILES[profile.name] = profile
    return profile


def register_vendor_module(name: str, module: str) -> None:
    """Name a vendor whose ``module`` registers it when imported, without importing it yet:
    ``vendor_named(name)`` imports it the first time (a package of many vendors pays, at
    start-up, only for the one a run uses)."""
    known = _MODULES.get(name)
    if known is not None and known != module:
        raise ValueError(f"vendor {name!r} is already registered (by {known})")
    _MODULES[name] = module


def _load_plugins() -> None:
    """Import the modules named by ``IDENTITY_MODEL_VENDORS`` and the ``identity_model.vendors``
    entry points, once; importing a module registers its vendors. (The built-in vendors are
    registered by ``identity_model/__init__.py``, before any of this runs.)"""
    global _plugins_loaded  # noqa: PLW0603 (the registry is process-wide by design)
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for module in filter(None, os.environ.get(PLUGINS_ENV, "").split(",")):
        importlib.import_module(module.strip())
    from importlib.metadata import entry_points  # noqa: PLC0415 (slow to import: only here)

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        entry.load()


def vendor_named(name: str) -> VendorProfile[Any, Any]:
    """The registered vendor called ``name``; ``IdentityError`` (``invalid_operation``) when
    there is none."""
    profile = _PROFILES.get(name)
    if profile is None and name in _MODULES:
        importlib.import_module(_MODULES[name])
        profile = _PROFILES.get(name)
    if profile is None:
        _load_plugins()
        profile = _PROFILES.get(name)
    if profile is None:
        raise IdentityError(
            Code.INVALID_OPERATION,
            f"no vendor {name!r} (known: {', '.join(vendor_names())})",
        )
    return profile


def vendor_names() -> tuple[str, ...]:
    """Every registered vendor's name, sorted (named ones included, not imported)."""
    _load_plugins()
    return tuple(sorted(_PROFILES.keys() | _MODULES.keys()))
