"""PostHog: the SDK layer (CL rules) over the ingestion layer (SV rules), as a vendor profile."""

from identity_model.vendor import register_vendor
from identity_model.vendors.posthog.profile import PostHog

PROFILE = register_vendor(PostHog())
