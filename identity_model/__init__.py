"""identity-model: an executable reference model of anonymous vs identified analytics events.

The flat public API. Every reducer is pure: ``apply(world, op) -> Outcome`` and
``replay(ops, world) -> World``; worlds are immutable values. A vendor is a value (a
``VendorProfile``, found by name in a registry); importing this package registers the
built-in ones (PostHog, Customer.io, Amplitude, Segment, Mixpanel). Pricing and eligibility are
separate pure functions over a world or plain usage.
"""

from identity_model import vendors as _vendors  # registers the built-in vendors
from identity_model.billing.amplitude import (
    AmplitudeBill,
    AmplitudeBook,
    AmplitudePlan,
    price_month,
)
from identity_model.billing.eligibility import (
    Eligibility,
    Feature,
    FeatureTally,
    Reason,
    ReasonCode,
    eligibility,
    feature_matrix,
    lifecycle_events,
)
from identity_model.billing.mixpanel import MixpanelBill, MixpanelBook  # Mixpanel (issue #14)
from identity_model.billing.mixpanel import price_month as price_mixpanel_month
from identity_model.billing.pricing import (
    Bill,  # issue #14: a vendor's monthly bill
    Invoice,
    InvoiceLine,
    InvoiceModel,
    PriceBook,
    Tier,
    monthly_usage,
    parse_price_book,
    price,
    price_months,
)
from identity_model.errors import Code, IdentityError
from identity_model.events import BillingKind, Event, Usage
from identity_model.io.books import (
    load_amplitude_book,
    load_mixpanel_book,  # Mixpanel (issue #14)
    load_price_book,
)
from identity_model.io.report import (
    REPORT_FORMAT,
    ScriptRun,
    build_report,
    run_objects,
    run_script,
)
from identity_model.io.rules import Rule, rules
from identity_model.io.script import BadLine, ScriptOp, ScriptReader, parse_timestamp
from identity_model.operations import (
    Alias,
    Capture,
    Config,
    CreatePersonProfile,
    Group,
    Identify,
    Ingest,
    Operation,
    Reset,
    SetPersonProperties,
    VendorOperation,
)
from identity_model.outcome import Outcome, Status, Step, StepRecord
from identity_model.reducers import Session, apply, replay
from identity_model.rules import RuleId
from identity_model.vendor import (
    Decision,
    PriceInput,  # issue #14: what a vendor's bill reads
    ProfileBase,
    VendorProfile,
    register_vendor,
    vendor_named,
    vendor_names,
)
from identity_model.vendors import Vendor
from identity_model.vendors.amplitude import (
    AmplitudeConfig,
    AmplitudeEvent,
    AmplitudeState,
    MergedUser,
    merged_users,
)
from identity_model.vendors.customerio.operations import Advance, CioIdentify, Track
from identity_model.vendors.customerio.profile import CustomerioConfig
from identity_model.vendors.customerio.state import CioEvent, CioPerson, CioState
from identity_model.vendors.mixpanel import (  # Mixpanel (issue #14)
    IdMerge,
    MixpanelConfig,
    MixpanelEvent,
    MixpanelState,
)
from identity_model.vendors.posthog.config import ClientFlavour, PersonProfiles, PostHogConfig
from identity_model.vendors.posthog.device import Device, UserState
from identity_model.vendors.posthog.events import NON_BILLABLE_EVENTS, PersonMode, ProcessedEvent
from identity_model.vendors.posthog.ids import capture_distinct_id, is_distinct_id_illegal
from identity_model.vendors.posthog.operations import MobileCapture
from identity_model.vendors.posthog.persons import Person, PersonGraph
from identity_model.vendors.posthog.python_sdk import (
    EndContext,
    IdentifyContext,
    NewContext,
    PyAlias,
    PyCapture,
    PyDevice,
    PyGroupIdentify,
    PySet,
    PySetOnce,
    Tag,
)
from identity_model.vendors.posthog.state import PostHogState

# --- Segment (issue #14) ---
from identity_model.vendors.segment.calls import SegmentCall
from identity_model.vendors.segment.config import SegmentConfig, UnifySettings
from identity_model.vendors.segment.pricing import (
    SegmentBill,
    SegmentBook,
    load_segment_book,
    price_segment_month,
    price_segment_months,
)
from identity_model.vendors.segment.reducer import SegmentState

# --- end Segment ---
from identity_model.world import World, empty_world

EMPTY: World[PostHogState] = empty_world()  # the default vendor's (PostHog's) empty world

del _vendors

__all__ = [
    "EMPTY",
    "NON_BILLABLE_EVENTS",
    "REPORT_FORMAT",
    "Advance",
    "Alias",
    "AmplitudeBill",
    "AmplitudeBook",
    "AmplitudeConfig",
    "AmplitudeEvent",
    "AmplitudePlan",
    "AmplitudeState",
    "BadLine",
    "Bill",  # issue #14
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
    "CustomerioConfig",
    "Decision",
    "Device",
    "Eligibility",
    "EndContext",
    "Event",
    "Feature",
    "FeatureTally",
    "Group",
    "IdMerge",
    "Identify",
    "IdentifyContext",
    "IdentityError",
    "Ingest",
    "Invoice",
    "InvoiceLine",
    "InvoiceModel",
    "MergedUser",
    "MixpanelBill",
    "MixpanelBook",
    "MixpanelConfig",
    "MixpanelEvent",
    "MixpanelState",
    "MobileCapture",
    "NewContext",
    "Operation",
    "Outcome",
    "Person",
    "PersonGraph",
    "PersonMode",
    "PersonProfiles",
    "PostHogConfig",
    "PostHogState",
    "PriceBook",
    "PriceInput",  # issue #14
    "ProcessedEvent",
    "ProfileBase",
    "PyAlias",
    "PyCapture",
    "PyDevice",
    "PyGroupIdentify",
    "PySet",
    "PySetOnce",
    "Reason",
    "ReasonCode",
    "Reset",
    "Rule",
    "RuleId",
    "ScriptOp",
    "ScriptReader",
    "ScriptRun",
    "SegmentBill",
    "SegmentBook",
    "SegmentCall",
    "SegmentConfig",
    "SegmentState",
    "Session",
    "SetPersonProperties",
    "Status",
    "Step",
    "StepRecord",
    "Tag",
    "Tier",
    "Track",
    "UnifySettings",
    "Usage",
    "UserState",
    "Vendor",
    "VendorOperation",
    "VendorProfile",
    "World",
    "apply",
    "build_report",
    "capture_distinct_id",
    "eligibility",
    "empty_world",
    "feature_matrix",
    "is_distinct_id_illegal",
    "lifecycle_events",
    "load_amplitude_book",
    "load_mixpanel_book",
    "load_price_book",
    "load_segment_book",
    "merged_users",
    "monthly_usage",
    "parse_price_book",
    "parse_timestamp",
    "price",
    "price_mixpanel_month",
    "price_month",
    "price_months",
    "price_segment_month",
    "price_segment_months",
    "register_vendor",
    "replay",
    "rules",
    "run_objects",
    "run_script",
    "vendor_named",
    "vendor_names",
]
