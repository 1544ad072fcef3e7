"""identity-model: an executable reference model of anonymous vs identified analytics events.

The flat public API. Every reducer is pure: ``apply(world, op) -> Outcome`` and
``replay(ops, world) -> World``; worlds are immutable values. Pricing and eligibility are
separate pure functions over a world or plain usage.
"""

from identity_model.billing.eligibility import (
    Eligibility,
    Feature,
    Reason,
    ReasonCode,
    eligibility,
    feature_matrix,
    lifecycle_events,
)
from identity_model.billing.pricing import (
    Invoice,
    InvoiceLine,
    InvoiceModel,
    PriceBook,
    Tier,
    load_price_book,
    monthly_usage,
    parse_price_book,
    price,
    price_months,
)
from identity_model.errors import Code, IdentityError
from identity_model.io.report import (
    REPORT_FORMAT,
    StepRecord,
    build_report,
    run_objects,
    run_script,
)
from identity_model.io.rules import Rule, rules
from identity_model.io.script import BadLine, ScriptOp, ScriptReader, parse_timestamp
from identity_model.operations import (
    Advance,
    Alias,
    Capture,
    CioIdentify,
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
    Track,
    Vendor,
)
from identity_model.outcome import Status, Step
from identity_model.reducers import Outcome, Session, apply, replay
from identity_model.vendors.customerio.reducer import CioEvent, CioPerson, CioState
from identity_model.vendors.posthog.device import Device, UserState
from identity_model.vendors.posthog.events import (
    NON_BILLABLE_EVENTS,
    BillingKind,
    PersonMode,
    ProcessedEvent,
    Usage,
)
from identity_model.vendors.posthog.ids import capture_distinct_id, is_distinct_id_illegal
from identity_model.vendors.posthog.persons import Person, PersonGraph
from identity_model.world import EMPTY, World, empty_world

__all__ = [
    "EMPTY",
    "NON_BILLABLE_EVENTS",
    "REPORT_FORMAT",
    "Advance",
    "Alias",
    "BadLine",
    "BillingKind",
    "Capture",
    "CioEvent",
    "CioIdentify",
    "CioPerson",
    "CioState",
    "ClientFlavour",
    "Code",
    "Config",
    "CreatePersonProfile",
    "Device",
    "Eligibility",
    "Feature",
    "Group",
    "Identify",
    "IdentityError",
    "Ingest",
    "Invoice",
    "InvoiceLine",
    "InvoiceModel",
    "Operation",
    "Outcome",
    "Person",
    "PersonGraph",
    "PersonMode",
    "PersonProfiles",
    "PriceBook",
    "ProcessedEvent",
    "Reason",
    "ReasonCode",
    "Reset",
    "Rule",
    "ScriptOp",
    "ScriptReader",
    "Session",
    "SetPersonProperties",
    "Status",
    "Step",
    "StepRecord",
    "Tier",
    "Track",
    "Usage",
    "UserState",
    "Vendor",
    "World",
    "apply",
    "build_report",
    "capture_distinct_id",
    "eligibility",
    "empty_world",
    "feature_matrix",
    "is_distinct_id_illegal",
    "lifecycle_events",
    "load_price_book",
    "monthly_usage",
    "parse_price_book",
    "parse_timestamp",
    "price",
    "price_months",
    "replay",
    "rules",
    "run_objects",
    "run_script",
]
