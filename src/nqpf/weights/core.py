"""The spatial weights object: unit ids, a sparse matrix, how it was made and every action taken on it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

# Above this share of linked pairs (inverse distance or economic W: every unit linked to every other) a W is
# multiplied and factorised as a dense array: BLAS and LAPACK beat sparse kernels on 8.1 million entries.
DENSE_SHARE = 0.25


def mostly_dense(w) -> bool:
    """Whether a sparse W links more than DENSE_SHARE of all pairs of units."""
    return w.nnz > DENSE_SHARE * w.shape[0] * w.shape[1]


@dataclass(frozen=True)
class SpatialWeights:
    """A spatial weights matrix W over ``ids`` (row i, column j: the weight of unit j in unit i's lag).

    ``matrix`` has a zero diagonal. ``raw`` is the matrix before standardisation (what GAL/GWT files store);
    ``standardisation`` and ``scale`` say how ``matrix`` follows from it. ``actions`` records every change made
    on the way (links added for islands, units dropped, ...), for the summary a reviewer reads.
    """

    ids: tuple[str, ...]
    matrix: sp.csr_matrix
    raw: sp.csr_matrix
    name: str = "w"
    kind: str = "custom"
    standardisation: str = "none"
    scale: float = 1.0
    actions: tuple[str, ...] = field(default_factory=tuple)
    parameters: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def links(self) -> int:
        """Number of directed links (non-zero weights)."""
        return int(self.matrix.nnz)

    def cardinalities(self) -> np.ndarray:
        return np.diff(self.matrix.indptr)

    def is_symmetric(self, tol: float = 1e-12) -> bool:
        difference = self.matrix - self.matrix.T
        return bool(difference.nnz == 0 or np.abs(difference.data).max() <= tol)

    def is_binary(self) -> bool:
        return bool(np.all(self.raw.data == 1.0))

    def components(self) -> np.ndarray:
        """Component label of each unit (links taken as undirected)."""
        _, labels = csgraph.connected_components(self.matrix, directed=True, connection="weak")
        return labels

    def neighbours(self, i: int) -> np.ndarray:
        return self.matrix.indices[self.matrix.indptr[i] : self.matrix.indptr[i + 1]]

    def lag(self, values: np.ndarray) -> np.ndarray:
        """W x for a vector, or W X for the columns of an (n x k) array."""
        return self.matrix @ values

    def with_actions(self, *actions: str) -> SpatialWeights:
        return replace(self, actions=self.actions + tuple(actions))

    def to_libpysal(self):
        """The same weights as a libpysal ``W`` (for esda and spreg), ids in the same order."""
        from libpysal.weights import WSP

        return WSP(self.matrix, id_order=list(self.ids)).to_W(silence_warnings=True)


def from_pairs(ids, rows, cols, values=None) -> sp.csr_matrix:
    """A CSR matrix over ``len(ids)`` units from link index pairs (duplicates collapse, the diagonal is dropped)."""
    n = len(ids)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    values = np.ones(len(rows)) if values is None else np.asarray(values, dtype=float)
    keep = rows != cols
    matrix = sp.coo_matrix((values[keep], (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    matrix.sum_duplicates()
    if values is None or np.all(values == 1.0):
        matrix.data[:] = 1.0  # a link given twice is still one link
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def clean(matrix) -> sp.csr_matrix:
    """CSR with a zero diagonal, no stored zeros and sorted indices: the canonical form of a weights matrix."""
    matrix = sp.csr_matrix(matrix, dtype=float, copy=True)
    matrix.setdiag(0.0)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def symmetric_pairs(ids, pairs: np.ndarray) -> sp.csr_matrix:
    """A binary symmetric matrix from undirected index pairs (i, j)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return from_pairs(ids, rows, cols)
