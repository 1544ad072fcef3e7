"""PostHog: the SDK layer (CL rules) over the ingestion layer (SV rules), as a vendor profile."""

from identity_model.vendor import register_vendor
from identity_model.vendors.posthog.profile import PostHog
from identity_model.vendors.posthog.state import PostHogState
from identity_model.world import World, empty_world

PROFILE = register_vendor(PostHog())

EMPTY: World[PostHogState] = empty_world(PROFILE.parse_config({}))  # the default vendor's
