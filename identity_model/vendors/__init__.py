"""The built-in vendors. Importing this package names them in the registry
(``identity_model.vendor``); each vendor's package is imported the first time it is looked up
(``vendor_named``), so a run under PostHog loads no other vendor (#10: start-up time)."""

from enum import StrEnum

from identity_model.vendor import register_vendor_module


class Vendor(StrEnum):
    """The built-in vendors' names (more may be registered: ``vendor_names()``); each is its
    package's ``PROFILE.name`` (tests/test_architecture.py checks it)."""

    POSTHOG = "posthog"
    CUSTOMERIO = "customerio"
    AMPLITUDE = "amplitude"  # issue #14
    SEGMENT = "segment"  # issue #14
    MIXPANEL = "mixpanel"  # issue #14


for _vendor in Vendor:
    register_vendor_module(_vendor.value, f"{__name__}.{_vendor.value}")
del _vendor

__all__ = ["Vendor"]
