"""Identity components: the connected components of the graph of potential links.

Nodes are identity keys (``VendorProfile.identity_keys``: distinct ids, devices, anonymous
ids, a vendor's own linking fields); each operation links all of its keys. The components
over-approximate the persons a replay can form, so replaying each component's operations in
input order, independently, gives exactly what the single replay gives. The components are
computed once, at the end, by ``scipy.sparse.csgraph.connected_components`` over the edges:
memory grows with identities and linking operations, not with events.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

GLOBAL = -1  # an operation with no identity key (decided against the clock alone)


class IdentityComponents:
    """Interns identity keys as integers and records each operation's links."""

    __slots__ = ("_component", "_edges_from", "_edges_to", "_index")

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._edges_from = array("q")
        self._edges_to = array("q")
        self._component: list[int] | None = None

    def add(self, keys: Iterable[str]) -> int:
        """Record one operation's keys; returns its anchor (a node of its component), or
        ``GLOBAL`` for an operation with none."""
        anchor = GLOBAL
        index = self._index
        for key in keys:
            node = index.get(key)
            if node is None:
                node = index[key] = len(index)
            if anchor == GLOBAL:
                anchor = node
            elif node != anchor:
                self._edges_from.append(anchor)
                self._edges_to.append(node)
        return anchor

    @property
    def nodes(self) -> int:
        return len(self._index)

    def components(self) -> list[int]:
        """The component of each node (computed once; ``add`` must not be called after)."""
        if self._component is None:
            import numpy as np  # noqa: PLC0415 (the optional [dask] extra)
            from scipy.sparse import coo_matrix  # noqa: PLC0415
            from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

            size = len(self._index)
            rows = np.frombuffer(self._edges_from, dtype=np.int64)
            cols = np.frombuffer(self._edges_to, dtype=np.int64)
            graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), (size, size))
            _, labels = connected_components(graph, directed=False)
            self._component = labels.tolist()
        return self._component

    def component_of(self, anchor: int) -> int:
        return GLOBAL if anchor == GLOBAL else self.components()[anchor]
