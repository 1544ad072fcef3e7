"""The built-in vendors; importing this package registers them (``identity_model.vendor``)."""

from enum import StrEnum

from identity_model.vendors import (  # the built-in vendors
    amplitude,  # issue #14
    customerio,
    mixpanel,  # issue #14
    posthog,
    segment,  # issue #14
)


class Vendor(StrEnum):
    """The built-in vendors' names (more may be registered: ``vendor_names()``)."""

    POSTHOG = posthog.PROFILE.name
    CUSTOMERIO = customerio.PROFILE.name
    AMPLITUDE = amplitude.PROFILE.name  # issue #14
    SEGMENT = segment.PROFILE.name  # issue #14
    MIXPANEL = mixpanel.PROFILE.name  # issue #14


__all__ = ["Vendor", "amplitude", "customerio", "mixpanel", "posthog", "segment"]
