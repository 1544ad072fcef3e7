"""The Segment profile (issue #14): analytics.js calls, Unify identity resolution, MTU billing.

Modules: ``config`` (the config line's ``unify`` settings), ``calls`` (the calls Segment
receives), ``device`` (analytics.js storage on one device), ``unify`` (profiles: flat
matching, limits, priority, blocked values, caps), ``meter`` (MTUs and API calls per month),
``reducer`` (decide/evolve), ``report``, ``profile`` and ``pricing``.
"""

from identity_model.vendor import register_vendor
from identity_model.vendors.segment.profile import Segment

PROFILE = register_vendor(Segment())
