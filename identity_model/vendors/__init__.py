"""The built-in vendors; importing this package registers them (``identity_model.vendor``)."""

from enum import StrEnum

from identity_model.vendors import customerio, posthog


class Vendor(StrEnum):
    """The built-in vendors' names (more may be registered: ``vendor_names()``)."""

    POSTHOG = posthog.PROFILE.name
    CUSTOMERIO = customerio.PROFILE.name


__all__ = ["Vendor", "customerio", "posthog"]
