"""A toy third vendor, to prove that a vendor is a package, not a patch (issue #9).

Every ``ingest`` is one event, billed identified, of a person per distinct id; every other
vendor-neutral operation is ignored (``unsupported_operation``); its own ``poke`` op is
rejected unless it names a known person. Registered on import; a subprocess gets it with
``IDENTITY_MODEL_VENDORS=tests.toy_vendor`` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from immutables import Map

from identity_model.errors import Code, IdentityError
from identity_model.events import BillingKind, month_of
from identity_model.fields import Fields
from identity_model.operations import Config, Ingest, Operation, VendorOperation
from identity_model.outcome import Status, Step, StepRecord, ignored, rejected
from identity_model.vendor import Decision, MonthlyUsage, ProfileBase, register_vendor


@dataclass(frozen=True, slots=True, kw_only=True)
class ToyConfig(Config):
    vendor: str = "toy"


@dataclass(frozen=True, slots=True, kw_only=True)
class Poke(VendorOperation):
    OP: ClassVar[str] = "poke"
    distinct_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToyEvent:
    event: str
    distinct_id: str
    timestamp: datetime
    billed_as: BillingKind | None = BillingKind.IDENTIFIED
    stored: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ToyState:
    events_by_id: Map[str, int] = field(default_factory=Map)
    months: Map[str, int] = field(default_factory=Map)


class Toy(ProfileBase[ToyState, ToyEvent]):
    name = "toy"

    def parse_config(self, raw: Mapping[str, Any]) -> ToyConfig:
        if raw:
            raise IdentityError(Code.INVALID_OPERATION, f"config: unknown key(s) {sorted(raw)}")
        return ToyConfig()

    def parse_operation(self, name: str, fields: Fields) -> Operation | None:
        if name != Poke.OP:
            return None
        fields.check_keys(frozenset({"op", "distinct_id", "timestamp"}))
        distinct_id = fields.string("distinct_id", required=True) or ""
        return Poke(distinct_id=distinct_id, timestamp=fields.timestamp())

    def empty_state(self, config: Config) -> ToyState:
        return ToyState()

    def decide(self, state: ToyState, op: Operation) -> Decision[ToyEvent]:
        match op:
            case Ingest(distinct_id=str(distinct_id)):
                event = ToyEvent(event=op.event, distinct_id=distinct_id, timestamp=op.timestamp)
                return Decision(step=Step(status=Status.APPLIED, event=event), facts=event)
            case Poke() if op.distinct_id in state.events_by_id:
                return Decision(step=ignored("poked"))
            case Poke():
                return Decision(step=rejected(Code.INVALID_OPERATION, "no such person"))
            case _:
                return Decision(step=ignored("no analogue", code=Code.UNSUPPORTED_OPERATION))

    def evolve(self, state: ToyState, decision: Decision[ToyEvent]) -> ToyState:
        event = decision.facts
        assert event is not None
        month = month_of(event.timestamp)
        return ToyState(
            events_by_id=state.events_by_id.set(
                event.distinct_id, state.events_by_id.get(event.distinct_id, 0) + 1
            ),
            months=state.months.set(month, state.months.get(month, 0) + 1),
        )

    def report(self, state: ToyState, records: Sequence[StepRecord]) -> dict[str, Any]:
        ids = sorted(state.events_by_id)
        return {
            "events": [
                {
                    "step": index,
                    "event": record.event.event,
                    "distinct_id": record.event.distinct_id,
                    "billed_as": "identified",
                    "person": ids.index(record.event.distinct_id),
                }
                for index, record in enumerate(records)
                if record.event is not None
            ],
            "persons": [
                {"distinct_ids": [i], "is_identified": True, "properties": {}} for i in ids
            ],
            "usage": {"anonymous_events": 0, "identified_events": sum(state.months.values())},
        }

    def usage(self, state: ToyState) -> MonthlyUsage:
        return {month: {"identified_events": state.months[month]} for month in sorted(state.months)}


PROFILE = register_vendor(Toy())
