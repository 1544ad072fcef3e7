"""identity-model: an executable reference model of anonymous vs identified analytics events.

The flat public API. Every reducer is pure: ``apply(world, op) -> Outcome`` and
``replay(ops, world) -> World``; worlds are immutable values.
"""

from identity_model.errors import Code, IdentityError
from identity_model.events import (
    NON_BILLABLE_EVENTS,
    BillingKind,
    PersonMode,
    ProcessedEvent,
    Usage,
)
from identity_model.ids import capture_distinct_id, is_distinct_id_illegal
from identity_model.jsonio import BadLine, ScriptOp, ScriptReader, parse_timestamp
from identity_model.operations import (
    Alias,
    Capture,
    ClientFlavour,
    Config,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Operation,
    PersonProfiles,
    Reset,
    SetPersonProperties,
    Vendor,
)
from identity_model.outcome import Status, Step
from identity_model.persons import Person, PersonGraph
from identity_model.reducers import Outcome, Session, apply, replay
from identity_model.report import REPORT_FORMAT, StepRecord, build_report, run_script
from identity_model.world import EMPTY, World, empty_world

__all__ = [
    "EMPTY",
    "NON_BILLABLE_EVENTS",
    "REPORT_FORMAT",
    "Alias",
    "BadLine",
    "BillingKind",
    "Capture",
    "ClientFlavour",
    "Code",
    "Config",
    "CreatePersonProfile",
    "Group",
    "Identify",
    "IdentityError",
    "Ingest",
    "Operation",
    "Outcome",
    "Person",
    "PersonGraph",
    "PersonMode",
    "PersonProfiles",
    "ProcessedEvent",
    "Reset",
    "ScriptOp",
    "ScriptReader",
    "Session",
    "SetPersonProperties",
    "Status",
    "Step",
    "StepRecord",
    "Usage",
    "Vendor",
    "World",
    "apply",
    "build_report",
    "capture_distinct_id",
    "empty_world",
    "is_distinct_id_illegal",
    "parse_timestamp",
    "replay",
    "run_script",
]
