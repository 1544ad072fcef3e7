"""Replaying by identity component: what makes a replay divisible, with no rule changed.

Operations influence each other only through identities they share (a device, a distinct id,
an anonymous id, a vendor's linking fields). ``components`` groups the operations of a script
by the connected components of the graph of *potential* links; ``combine`` joins the partial
reports of components replayed independently into the report of the whole script. The
engine that ships components to workers (Dask) is ``identity_model.io.dask_replay``.
"""

from identity_model.partition.combine import ComponentPart, combine_reports, combine_summaries
from identity_model.partition.components import IdentityComponents

__all__ = ["ComponentPart", "IdentityComponents", "combine_reports", "combine_summaries"]
