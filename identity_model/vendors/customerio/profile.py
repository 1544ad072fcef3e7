"""Customer.io as a vendor profile: its own operations over ``CioState``.

Its ``decide`` computes the next state (a new immutable value; the old one is untouched) and
hands it to ``evolve`` as the facts. It keeps its events in its state: its rules merge
waiting anonymous events later (CIO-03) and judge them at the end of the script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from identity_model.errors import Code, IdentityError
from identity_model.fields import Fields
from identity_model.operations import Config, Operation, op_name
from identity_model.outcome import Status, StepRecord, rejected
from identity_model.vendor import Decision, MonthlyUsage, ProfileBase
from identity_model.vendors.customerio import report as views
from identity_model.vendors.customerio.operations import (
    Advance,
    CioIdentify,
    Track,
    read_operation,
)
from identity_model.vendors.customerio.reducer import apply_customerio
from identity_model.vendors.customerio.state import EMPTY_CIO, CioState

NAME = "customerio"


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerioConfig(Config):
    """Customer.io has no settings of its own on the config line."""

    vendor: str = NAME


class Customerio(ProfileBase[CioState, CioState]):
    name = NAME

    def parse_config(self, raw: Mapping[str, Any]) -> CustomerioConfig:
        if raw:
            unknown = ", ".join(map(repr, sorted(raw)))
            raise IdentityError(Code.INVALID_OPERATION, f"config: unknown key(s) {unknown}")
        return CustomerioConfig()

    def parse_operation(self, name: str, fields: Fields) -> Operation:
        return read_operation(fields)

    def empty_state(self, config: Config) -> CioState:
        return EMPTY_CIO

    def decide(self, state: CioState, op: Operation) -> Decision[CioState]:
        match op:
            case Track() | CioIdentify() | Advance():
                after, step = apply_customerio(state, op)
                if step.status is Status.APPLIED:
                    return Decision(step=step, facts=after)
                return Decision(step=step)
            case _:
                return Decision(
                    step=rejected(
                        Code.INVALID_OPERATION,
                        f"{op_name(op)} is not an operation of vendor {NAME!r}",
                    )
                )

    def evolve(self, state: CioState, decision: Decision[CioState]) -> CioState:
        return state if decision.facts is None else decision.facts

    def report(self, state: CioState, records: Sequence[StepRecord]) -> dict[str, Any]:
        return views.report(state, records)

    def at_end(self, state: CioState, end: datetime) -> CioState:
        # "Now" is the latest timestamp of the whole script (retention is judged against it).
        if state.clock is not None and state.clock >= end:
            return state
        return replace(state, clock=end)

    def entry_steps(self, state: CioState, records: Sequence[StepRecord]) -> dict[str, list[int]]:
        applied = [index for index, record in enumerate(records) if record.status is Status.APPLIED]
        entries = (state.activity[n] for n in range(len(state.activity)))
        return {"activity": [applied[entry.made_at] for entry in entries]}

    def usage(self, state: CioState) -> MonthlyUsage:
        return views.usage(state)

    def summary(self, state: CioState) -> Mapping[str, int]:
        return views.summary(state)

    def describe(self, state: CioState) -> list[str]:
        return views.describe(state)
