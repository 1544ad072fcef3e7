"""Every rule fires at least once across the property runs of the CI profile (issue #12).

A strategy that silently stops reaching a rule (a merge that never happens, a boundary never
crossed) leaves the properties green and the rule untested; this tally turns that into a
failure. It replays the suite's own strategies under the loaded Hypothesis profile and records
which rules fired: the rule ids the model records on each step, plus, for rules no step
records (state, billing and report-level rules), a witness: an observation in the script and
its report that can only happen when the rule applied.

The table is per rule-id prefix. ``required`` prefixes must fire every documented rule except
the listed unreachable ones (each with the reason no property run can fire it); other
prefixes are tallied once their vendor's strategies are registered in ``COLLECTORS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity_model import BillingKind, PersonMode, StepRecord, Usage, World
from identity_model.billing.eligibility import CAPABILITIES, eligibility, lifecycle_events
from identity_model.billing.pricing import InvoiceModel, monthly_usage, price
from identity_model.io.books import load_price_book
from identity_model.io.report import build_report, run_objects
from identity_model.io.rules import rules
from identity_model_spec.oracle import illegal
from identity_model_spec.strategies import (
    client_scripts,
    customerio_scripts,
    merge_tournaments,
    mixed_scripts,
    server_scripts,
)
from tests.test_pricing_laws import COUNTS, dated


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    prefix: str
    required: bool
    unreachable: dict[str, str] = field(default_factory=dict)


TALLIES = [
    Tally(
        prefix="SV",
        required=True,
    ),
    Tally(
        prefix="CL",
        required=True,
        unreachable={
            "CL-24": "setPersonPropertiesForFlags is not an operation of the format (§1)",
        },
    ),
    Tally(
        prefix="CIO",
        required=True,
        unreachable={
            "CIO-11": "the SDKs' automatic anonymous id is not part of the v1 operations",
        },
    ),
    Tally(
        prefix="PR",
        required=True,
        unreachable={
            "PR-07": "fixed worked figures: the ```price examples of docs/rules/pricing.md",
        },
    ),
    Tally(prefix="EL", required=True),
    # The vendor profiles (issue #14) and server/mobile SDKs (#11) add their prefixes here,
    # required once their strategies are registered in COLLECTORS.
    Tally(prefix="MIX", required=False),
    Tally(prefix="AMP", required=False),
    Tally(prefix="SEG", required=False),
    Tally(prefix="PRV", required=False),
    Tally(prefix="PY", required=False),
    Tally(prefix="SRV", required=False),
    Tally(prefix="MOB", required=False),
]


# ---------------------------------------------------------------- observations


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One step of a replayed script, as the script and the report show it."""

    index: int
    line: dict[str, Any]
    outcome: str
    codes: list[str]
    rules: tuple[str, ...]
    event: dict[str, Any] | None  # the report's event entry
    mode: PersonMode | None  # how ingestion processed its event

    @property
    def op(self) -> Any:
        return self.line.get("op")

    @property
    def device(self) -> str:
        return str(self.line.get("device") or "default")

    @property
    def sent(self) -> str | None:
        return None if self.event is None else str(self.event["event"])

    @property
    def billed(self) -> str | None:
        return None if self.event is None else self.event["billed_as"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    script: list[dict[str, Any]]
    records: tuple[StepRecord, ...]
    world: World
    report: dict[str, Any]
    steps: tuple[Step, ...]

    @property
    def config(self) -> dict[str, Any]:
        first = self.script[0] if self.script else {}
        body = first.get("config") if "op" not in first else None
        return body if isinstance(body, dict) else {}

    def on_device(self, device: str) -> Iterator[Step]:
        return (step for step in self.steps if step.op != "ingest" and step.device == device)


def observe(script: list[dict[str, Any]]) -> Observation:
    run = run_objects(script)
    report = build_report(run.records, run.world)
    events = {entry["step"]: entry for entry in report["events"]}
    steps = tuple(
        Step(
            index=index,
            line=script[entry["line"] - 1] if isinstance(script[entry["line"] - 1], dict) else {},
            outcome=entry["outcome"],
            codes=entry["codes"],
            rules=record.rules,
            event=events.get(index),
            mode=None if record.event is None else record.event.person_mode,
        )
        for index, (entry, record) in enumerate(zip(report["steps"], run.records, strict=True))
    )
    return Observation(
        script=script, records=run.records, world=run.world, report=report, steps=steps
    )


# ---------------------------------------------------------------- witnesses


def _merged_two_persons(obs: Observation) -> bool:
    return any({"SV-14", "SV-16"} & set(step.rules) for step in obs.steps)


def _sets_twice(obs: Observation) -> bool:
    """SV-19: two person-processed events with `$set` end on the same person."""
    seen: dict[int, int] = {}
    for step in obs.steps:
        properties = step.line.get("properties") or {}
        if step.op == "ingest" and "$set" in properties and step.mode is PersonMode.FULL:
            person = step.event["person"] if step.event else None
            if person is not None:
                seen[person] = seen.get(person, 0) + 1
    return any(count >= 2 for count in seen.values())


def _flip_sticks(obs: Observation) -> bool:
    """CL-04: a capture is person-processed on a device that never identified (a flip by
    setPersonProperties, group, alias or createPersonProfile stays on)."""
    if obs.config.get("person_profiles", "identified_only") != "identified_only":
        return False
    for device in {step.device for step in obs.steps}:
        identified = False
        for step in obs.on_device(device):
            if step.op in ("identify", "reset"):
                identified = step.op == "identify"
            if step.op == "capture" and step.billed == "identified" and not identified:
                return True
    return False


def _anonymous_then_identified(obs: Observation) -> bool:
    """CL-03/CL-06: one device's captures go out anonymous, then identified after a flip."""
    for device in {step.device for step in obs.steps}:
        kinds = [step.billed for step in obs.on_device(device) if step.op == "capture"]
        if "anonymous" in kinds and "identified" in kinds[kinds.index("anonymous") :]:
            return True
    return False


def _identified_then_anonymous_after_reset(obs: Observation) -> bool:
    """CL-21: after reset, a device's captures are personless again."""
    for device in {step.device for step in obs.steps}:
        state = "start"
        for step in obs.on_device(device):
            if step.op == "capture" and step.billed == "identified":
                state = "identified"
            elif step.op == "reset" and state == "identified":
                state = "reset"
            elif step.op == "capture" and step.billed == "anonymous" and state == "reset":
                return True
    return False


def _identify_switches(obs: Observation) -> bool:
    """CL-09: an identify switches the device's distinct id; its next event carries it."""
    for device in {step.device for step in obs.steps}:
        new_id: str | None = None
        for step in obs.on_device(device):
            if step.op == "identify" and step.outcome == "applied":
                value = step.line.get("distinct_id")
                new_id = value if isinstance(value, str) else None
            elif step.op == "capture" and step.event is not None and new_id is not None:
                if step.event["distinct_id"] == new_id:
                    return True
                new_id = None
    return False


def _alias_is_identify(obs: Observation) -> bool:
    """CL-18: alias to the current distinct id sends no `$create_alias` (identify instead)."""
    return obs.config.get("client", "browser") != "mobile" and any(
        step.op == "alias"
        and step.outcome != "rejected"
        and "person_processing_disabled" not in step.codes
        and step.sent != "$create_alias"
        for step in obs.steps
    )


def _alias_twice(obs: Observation) -> bool:
    """CL-19: the same alias twice on one device sends `$create_alias` twice."""
    sent = [
        (step.device, step.line.get("alias"))
        for step in obs.steps
        if step.op == "alias" and step.sent == "$create_alias"
    ]
    return len(sent) != len(set(map(repr, sent)))


def _core_identifies_again(obs: Observation) -> bool:
    """CL-C1: packages/core sends `$identify` on every id change, even when identified."""
    if obs.config.get("client") != "core":
        return False
    for device in {step.device for step in obs.steps}:
        identifies = [
            step
            for step in obs.on_device(device)
            if step.op == "identify" and step.sent == "$identify"
        ]
        if len(identifies) >= 2:
            return True
    return False


SV_WITNESSES: dict[str, Callable[[Observation], bool]] = {
    "SV-05": lambda obs: any(
        step.billed == "identified"
        and step.event is not None
        and step.event["person"] is not None
        and illegal(step.event["distinct_id"])
        for step in obs.steps
    ),
    "SV-06": lambda obs: any("illegal_distinct_id" in step.codes for step in obs.steps),
    "SV-17": lambda obs: any(not person["is_identified"] for person in obs.report["persons"]),
    "SV-19": _sets_twice,
    # PostHog would store $creator_event_uuid on each new person; the report leaves it out.
    "SV-21": lambda obs: bool(obs.report["persons"]),
    "SV-27": lambda obs: (
        {step.mode for step in obs.steps}
        >= {PersonMode.FULL, PersonMode.PROPERTYLESS, PersonMode.FORCE_UPGRADE}
    ),
    "SV-28": lambda obs: all(obs.report["usage"].values()),
    # A personless event with no person (SV-25) later attributed to one keeps its kind.
    "SV-31": lambda obs: any(
        "SV-25" in step.rules and step.event is not None and step.event["person"] is not None
        for step in obs.steps
    ),
    "SV-33": _merged_two_persons,
}
CL_WITNESSES: dict[str, Callable[[Observation], bool]] = {
    "CL-01": lambda obs: any(
        step.op not in (None, "ingest")
        and step.event is not None
        and step.event["distinct_id"] == f"{step.device}-anon-0"
        for step in obs.steps
    ),
    "CL-02": lambda obs: "person_profiles" in obs.config,
    "CL-03": _anonymous_then_identified,
    "CL-04": _flip_sticks,
    "CL-06": _anonymous_then_identified,
    "CL-08": lambda obs: any(
        step.op == "identify" and "person_processing_disabled" in step.codes for step in obs.steps
    ),
    "CL-09": _identify_switches,
    "CL-18": _alias_is_identify,
    "CL-19": _alias_twice,
    "CL-21": _identified_then_anonymous_after_reset,
    "CL-27": lambda obs: any(
        name.startswith("$initial_")
        for person in obs.report["persons"]
        for name in person["properties"]
    ),
    "CL-C1": _core_identifies_again,
    # packages/core (#11): group refused under never; setPersonProperties skips or repeats.
    "CL-C3": lambda obs: (
        obs.config.get("client") == "core"
        and any(
            step.op == "group" and "person_processing_disabled" in step.codes for step in obs.steps
        )
    ),
    "CL-C5": lambda obs: (
        obs.config.get("client") == "core"
        and any(
            step.op == "set_person_properties" and step.outcome == "ignored" for step in obs.steps
        )
    ),
    "CL-M4": lambda obs: (
        obs.config.get("client") == "mobile" and any(step.op == "reset" for step in obs.steps)
    ),
}
CIO_WITNESSES: dict[str, Callable[[Observation], bool]] = {
    "CIO-07": lambda obs: any(not event["retained"] for event in obs.report["events"]),
    "CIO-08": lambda obs: any(
        event["merged"] and not event["can_trigger_campaign"] for event in obs.report["events"]
    ),
    "CIO-09": lambda obs: bool(obs.report.get("activity")),
    # Merging is on (the workspace default): any merged event shows it.
    "CIO-12": lambda obs: any(event["merged"] for event in obs.report["events"]),
}


def fired_in(obs: Observation, witnesses: dict[str, Callable[[Observation], bool]]) -> set[str]:
    recorded = {rule for step in obs.steps for rule in step.rules}
    return recorded | {rule for rule, witness in witnesses.items() if witness(obs)}


# ---------------------------------------------------------------- collectors


def collect_posthog() -> set[str]:
    fired: set[str] = set()
    witnesses = SV_WITNESSES | CL_WITNESSES
    opted_out = mixed_scripts().map(
        lambda script: [
            {"config": {"person_processing_opt_out": True}},
            *(line for line in script if "config" not in line),
        ]
    )
    strategies = [server_scripts(), merge_tournaments(), mixed_scripts(), opted_out] + [
        client_scripts(mode, client=client)
        for mode in ("identified_only", "always", "never")
        for client in ("browser", "mobile", "core")
    ]
    for strategy in strategies:

        @given(strategy)
        def run(script: list[dict[str, Any]]) -> None:
            fired.update(fired_in(observe(script), witnesses))

        run()
    return fired


def collect_customerio() -> set[str]:
    fired: set[str] = set()

    @given(customerio_scripts())
    def run(script: list[dict[str, Any]]) -> None:
        fired.update(fired_in(observe(script), CIO_WITNESSES))

    run()
    return fired


BOOK = load_price_book()
FREE_TIER = BOOK.base[0].up_to or 0


def collect_pricing() -> set[str]:
    fired: set[str] = set()

    @given(
        COUNTS, COUNTS, st.sampled_from(list(InvoiceModel)), st.none() | st.integers(0, FREE_TIER)
    )
    def run(anonymous: int, identified: int, model: InvoiceModel, free: int | None) -> None:
        book = BOOK if free is None else BOOK.with_free_events(free)
        invoice = price(
            Usage(anonymous_events=anonymous, identified_events=identified), book, model
        )
        amounts = [line.amount for line in invoice.lines]
        if model is InvoiceModel.BASE_PLUS_ADDON and all(amounts):
            fired.add("PR-02")
        if model is InvoiceModel.DOCS_SPLIT and all(amounts):
            fired.add("PR-03")
        for line in invoice.lines:
            free_used = [t for t in line.tiers if t.unit_price == 0 and t.quantity > 0]
            paid_used = [t for t in line.tiers if t.unit_price > 0 and t.quantity > 0]
            if free_used and paid_used:
                fired.add("PR-04")  # the first, free tier is used up before any paid one
            if line.exact != line.amount and line.exact.quantize(Decimal("0.01")) != line.exact:
                fired.add("PR-05")

    @given(mixed_scripts(), mixed_scripts())
    def months(january: list[dict[str, Any]], february: list[dict[str, Any]]) -> None:
        # as test_months_are_priced_independently builds its two months
        world = run_objects(dated(january, "01") + dated(february, "02")).world
        usage = monthly_usage(world)
        if any(u.anonymous_events and u.identified_events for u in usage.values()):
            fired.add("PR-01")
        if len(usage) >= 2:
            fired.add("PR-06")

    run()
    months()
    return fired


def collect_eligibility() -> set[str]:
    fired: set[str] = set()

    def judge(script: list[dict[str, Any]]) -> None:
        result = run_objects(script, keep_events=True)
        world = result.world
        events = [record.event for record in result.records if record.event is not None]
        for feature in CAPABILITIES:
            for event in events:
                fired.update(reason.rule for reason in eligibility(world, event, feature).reasons)
                answer = eligibility(world, event.distinct_id, feature)
                fired.update(reason.rule for reason in answer.reasons)
        counted = {event.seq for event in lifecycle_events(world)}
        if any(
            event.processed_as is BillingKind.ANONYMOUS
            and world.person_key_of(event.distinct_id) is not None
            and event.seq not in counted
            for event in events
        ):
            fired.add("EL-02")

    for strategy in (mixed_scripts(), merge_tournaments()):
        given(strategy)(judge)()
    return fired


COLLECTORS: list[Callable[[], set[str]]] = [
    collect_posthog,
    collect_customerio,
    collect_pricing,
    collect_eligibility,
]


@cache
def fired_rules() -> frozenset[str]:
    return frozenset(rule for collect in COLLECTORS for rule in collect())


@pytest.mark.parametrize("tally", TALLIES, ids=[tally.prefix for tally in TALLIES])
def test_every_rule_fires_in_the_property_runs(tally: Tally) -> None:
    documented = sorted(rule for rule in rules() if rule.split("-")[0] == tally.prefix)
    if not tally.required:
        pytest.skip(f"{tally.prefix}: not tallied yet ({len(documented)} rules documented)")
    assert documented, f"no {tally.prefix} rules documented"
    assert set(tally.unreachable) <= set(documented), "unreachable rules must be documented"
    missing = [
        rule for rule in documented if rule not in tally.unreachable and rule not in fired_rules()
    ]
    assert not missing, f"never fired across the property runs: {missing}"


def test_unreachable_rules_really_never_fire() -> None:
    """An 'unreachable' rule that fires belongs in the tally, not in the exemptions."""
    listed = {rule for tally in TALLIES for rule in tally.unreachable}
    assert not listed & fired_rules()
