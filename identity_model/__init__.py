"""identity-model: an executable reference model of anonymous vs identified analytics events.

The flat public API. Every reducer is pure: ``apply(world, op) -> Outcome`` and
``replay(ops, world) -> World``; worlds are immutable values. A vendor is a value (a
``VendorProfile``, found by name in a registry); importing this package names the built-in
ones (PostHog, Customer.io, Amplitude, Segment, Mixpanel). Pricing and eligibility are separate
pure functions over a world or plain usage.

Every name is imported when first used (PEP 562 ``__getattr__``), and so is each vendor, so
``identity-model replay`` under one vendor loads no other vendor, pricing or importer module
(#10: start-up time). ``lazy_loader`` does this from a stub, but it cannot export a name under
another name (``price_mixpanel_month``) and would let the submodule ``identity_model.rules``
shadow the function ``rules``; tests/test_public_api.py checks the table against the imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from identity_model import vendors as _vendors  # names the built-in vendors (loaded on use)
from identity_model.io.rules import Rule, rules  # eager: the submodule `rules` would shadow it

if TYPE_CHECKING:
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
    from identity_model.vendors.posthog import EMPTY
    from identity_model.vendors.posthog.config import ClientFlavour, PersonProfiles, PostHogConfig
    from identity_model.vendors.posthog.device import Device, UserState
    from identity_model.vendors.posthog.events import (
        NON_BILLABLE_EVENTS,
        PersonMode,
        ProcessedEvent,
    )
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

# The flat API's name -> (module, attribute), imported on first use.
_LAZY: dict[str, tuple[str, str]] = {
    "AmplitudeBill": ("identity_model.billing.amplitude", "AmplitudeBill"),
    "AmplitudeBook": ("identity_model.billing.amplitude", "AmplitudeBook"),
    "AmplitudePlan": ("identity_model.billing.amplitude", "AmplitudePlan"),
    "price_month": ("identity_model.billing.amplitude", "price_month"),
    "Eligibility": ("identity_model.billing.eligibility", "Eligibility"),
    "Feature": ("identity_model.billing.eligibility", "Feature"),
    "FeatureTally": ("identity_model.billing.eligibility", "FeatureTally"),
    "Reason": ("identity_model.billing.eligibility", "Reason"),
    "ReasonCode": ("identity_model.billing.eligibility", "ReasonCode"),
    "eligibility": ("identity_model.billing.eligibility", "eligibility"),
    "feature_matrix": ("identity_model.billing.eligibility", "feature_matrix"),
    "lifecycle_events": ("identity_model.billing.eligibility", "lifecycle_events"),
    "MixpanelBill": ("identity_model.billing.mixpanel", "MixpanelBill"),
    "MixpanelBook": ("identity_model.billing.mixpanel", "MixpanelBook"),
    "price_mixpanel_month": ("identity_model.billing.mixpanel", "price_month"),
    "Bill": ("identity_model.billing.pricing", "Bill"),
    "Invoice": ("identity_model.billing.pricing", "Invoice"),
    "InvoiceLine": ("identity_model.billing.pricing", "InvoiceLine"),
    "InvoiceModel": ("identity_model.billing.pricing", "InvoiceModel"),
    "PriceBook": ("identity_model.billing.pricing", "PriceBook"),
    "Tier": ("identity_model.billing.pricing", "Tier"),
    "monthly_usage": ("identity_model.billing.pricing", "monthly_usage"),
    "parse_price_book": ("identity_model.billing.pricing", "parse_price_book"),
    "price": ("identity_model.billing.pricing", "price"),
    "price_months": ("identity_model.billing.pricing", "price_months"),
    "Code": ("identity_model.errors", "Code"),
    "IdentityError": ("identity_model.errors", "IdentityError"),
    "BillingKind": ("identity_model.events", "BillingKind"),
    "Event": ("identity_model.events", "Event"),
    "Usage": ("identity_model.events", "Usage"),
    "load_amplitude_book": ("identity_model.io.books", "load_amplitude_book"),
    "load_mixpanel_book": ("identity_model.io.books", "load_mixpanel_book"),
    "load_price_book": ("identity_model.io.books", "load_price_book"),
    "REPORT_FORMAT": ("identity_model.io.report", "REPORT_FORMAT"),
    "ScriptRun": ("identity_model.io.report", "ScriptRun"),
    "build_report": ("identity_model.io.report", "build_report"),
    "run_objects": ("identity_model.io.report", "run_objects"),
    "run_script": ("identity_model.io.report", "run_script"),
    "BadLine": ("identity_model.io.script", "BadLine"),
    "ScriptOp": ("identity_model.io.script", "ScriptOp"),
    "ScriptReader": ("identity_model.io.script", "ScriptReader"),
    "parse_timestamp": ("identity_model.io.script", "parse_timestamp"),
    "Alias": ("identity_model.operations", "Alias"),
    "Capture": ("identity_model.operations", "Capture"),
    "Config": ("identity_model.operations", "Config"),
    "CreatePersonProfile": ("identity_model.operations", "CreatePersonProfile"),
    "Group": ("identity_model.operations", "Group"),
    "Identify": ("identity_model.operations", "Identify"),
    "Ingest": ("identity_model.operations", "Ingest"),
    "Operation": ("identity_model.operations", "Operation"),
    "Reset": ("identity_model.operations", "Reset"),
    "SetPersonProperties": ("identity_model.operations", "SetPersonProperties"),
    "VendorOperation": ("identity_model.operations", "VendorOperation"),
    "Outcome": ("identity_model.outcome", "Outcome"),
    "Status": ("identity_model.outcome", "Status"),
    "Step": ("identity_model.outcome", "Step"),
    "StepRecord": ("identity_model.outcome", "StepRecord"),
    "Session": ("identity_model.reducers", "Session"),
    "apply": ("identity_model.reducers", "apply"),
    "replay": ("identity_model.reducers", "replay"),
    "RuleId": ("identity_model.rules", "RuleId"),
    "Decision": ("identity_model.vendor", "Decision"),
    "PriceInput": ("identity_model.vendor", "PriceInput"),
    "ProfileBase": ("identity_model.vendor", "ProfileBase"),
    "VendorProfile": ("identity_model.vendor", "VendorProfile"),
    "register_vendor": ("identity_model.vendor", "register_vendor"),
    "vendor_named": ("identity_model.vendor", "vendor_named"),
    "vendor_names": ("identity_model.vendor", "vendor_names"),
    "Vendor": ("identity_model.vendors", "Vendor"),
    "AmplitudeConfig": ("identity_model.vendors.amplitude", "AmplitudeConfig"),
    "AmplitudeEvent": ("identity_model.vendors.amplitude", "AmplitudeEvent"),
    "AmplitudeState": ("identity_model.vendors.amplitude", "AmplitudeState"),
    "MergedUser": ("identity_model.vendors.amplitude", "MergedUser"),
    "merged_users": ("identity_model.vendors.amplitude", "merged_users"),
    "Advance": ("identity_model.vendors.customerio.operations", "Advance"),
    "CioIdentify": ("identity_model.vendors.customerio.operations", "CioIdentify"),
    "Track": ("identity_model.vendors.customerio.operations", "Track"),
    "CustomerioConfig": ("identity_model.vendors.customerio.profile", "CustomerioConfig"),
    "CioEvent": ("identity_model.vendors.customerio.state", "CioEvent"),
    "CioPerson": ("identity_model.vendors.customerio.state", "CioPerson"),
    "CioState": ("identity_model.vendors.customerio.state", "CioState"),
    "IdMerge": ("identity_model.vendors.mixpanel", "IdMerge"),
    "MixpanelConfig": ("identity_model.vendors.mixpanel", "MixpanelConfig"),
    "MixpanelEvent": ("identity_model.vendors.mixpanel", "MixpanelEvent"),
    "MixpanelState": ("identity_model.vendors.mixpanel", "MixpanelState"),
    "ClientFlavour": ("identity_model.vendors.posthog.config", "ClientFlavour"),
    "PersonProfiles": ("identity_model.vendors.posthog.config", "PersonProfiles"),
    "PostHogConfig": ("identity_model.vendors.posthog.config", "PostHogConfig"),
    "Device": ("identity_model.vendors.posthog.device", "Device"),
    "UserState": ("identity_model.vendors.posthog.device", "UserState"),
    "NON_BILLABLE_EVENTS": ("identity_model.vendors.posthog.events", "NON_BILLABLE_EVENTS"),
    "PersonMode": ("identity_model.vendors.posthog.events", "PersonMode"),
    "ProcessedEvent": ("identity_model.vendors.posthog.events", "ProcessedEvent"),
    "capture_distinct_id": ("identity_model.vendors.posthog.ids", "capture_distinct_id"),
    "is_distinct_id_illegal": ("identity_model.vendors.posthog.ids", "is_distinct_id_illegal"),
    "MobileCapture": ("identity_model.vendors.posthog.operations", "MobileCapture"),
    "Person": ("identity_model.vendors.posthog.persons", "Person"),
    "PersonGraph": ("identity_model.vendors.posthog.persons", "PersonGraph"),
    "EndContext": ("identity_model.vendors.posthog.python_sdk", "EndContext"),
    "IdentifyContext": ("identity_model.vendors.posthog.python_sdk", "IdentifyContext"),
    "NewContext": ("identity_model.vendors.posthog.python_sdk", "NewContext"),
    "PyAlias": ("identity_model.vendors.posthog.python_sdk", "PyAlias"),
    "PyCapture": ("identity_model.vendors.posthog.python_sdk", "PyCapture"),
    "PyDevice": ("identity_model.vendors.posthog.python_sdk", "PyDevice"),
    "PyGroupIdentify": ("identity_model.vendors.posthog.python_sdk", "PyGroupIdentify"),
    "PySet": ("identity_model.vendors.posthog.python_sdk", "PySet"),
    "PySetOnce": ("identity_model.vendors.posthog.python_sdk", "PySetOnce"),
    "Tag": ("identity_model.vendors.posthog.python_sdk", "Tag"),
    "PostHogState": ("identity_model.vendors.posthog.state", "PostHogState"),
    "SegmentCall": ("identity_model.vendors.segment.calls", "SegmentCall"),
    "SegmentConfig": ("identity_model.vendors.segment.config", "SegmentConfig"),
    "UnifySettings": ("identity_model.vendors.segment.config", "UnifySettings"),
    "SegmentBill": ("identity_model.vendors.segment.pricing", "SegmentBill"),
    "SegmentBook": ("identity_model.vendors.segment.pricing", "SegmentBook"),
    "load_segment_book": ("identity_model.vendors.segment.pricing", "load_segment_book"),
    "price_segment_month": ("identity_model.vendors.segment.pricing", "price_segment_month"),
    "price_segment_months": ("identity_model.vendors.segment.pricing", "price_segment_months"),
    "SegmentState": ("identity_model.vendors.segment.reducer", "SegmentState"),
    "World": ("identity_model.world", "World"),
    "empty_world": ("identity_model.world", "empty_world"),
    "EMPTY": ("identity_model.vendors.posthog", "EMPTY"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
