"""The built-in vendors; importing this package registers them (``identity_model.vendor``)."""

from enum import StrEnum

from identity_model.vendors import (
    customerio,
    posthog,
    segment,  # Segment (issue #14)
)


class Vendor(StrEnum):
    """The built-in vendors' names (more may be registered: ``vendor_names()``)."""

    POSTHOG = posthog.PROFILE.name
    CUSTOMERIO = customerio.PROFILE.name
    SEGMENT = segment.PROFILE.name  # Segment (issue #14)


__all__ = ["Vendor", "customerio", "posthog", "segment"]
