"""Customer.io: anonymous events, merge windows, retention and campaign triggers (CIO rules)."""

from identity_model.vendor import register_vendor
from identity_model.vendors.customerio.profile import Customerio

PROFILE = register_vendor(Customerio())
