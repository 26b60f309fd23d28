"""The spatial weights object: unit ids, a sparse matrix, how it was made and every action taken on it.

A :class:`SpatialWeights` comes from a study's weights stage, from a file in the formats other tools exchange
(GAL, GWT, Stata spmatrix text, CSV with ids, a bare N x N matrix in CSV, XLSX or MATLAB .mat with its ids:
:meth:`SpatialWeights.from_file`), from a matrix and its ids
(:meth:`~SpatialWeights.from_matrix`), from a libpysal ``W`` (:meth:`~SpatialWeights.from_libpysal`) or from
polygons (:meth:`~SpatialWeights.from_geodataframe`); it goes back to libpysal with :meth:`~SpatialWeights.to_libpysal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from nqpf.errors import InputError
from nqpf.weights.settings import STANDARDISATIONS, STANDARDISE
from nqpf.weights.spectrum import Spectrum
from nqpf.weights.spectrum import compute as compute_spectrum
from nqpf.weights.standardise import eigen_range, parameter_bounds
from nqpf.weights.standardise import standardise as _standardise

# Above this share of linked pairs (inverse distance or economic W: every unit linked to every other) a W is
# multiplied and factorised as a dense array: BLAS and LAPACK beat sparse kernels on 8.1 million entries.
DENSE_SHARE = 0.25


def mostly_dense(w) -> bool:
    """Whether a sparse W links more than DENSE_SHARE of all pairs of units."""
    return w.nnz > DENSE_SHARE * w.shape[0] * w.shape[1]


def product_operand(w: sp.csr_matrix):
    """W as the left factor of products with blocks of values (permutations, regressors of every period): a dense
    array when W is dense (BLAS multiplies the inverse-distance or economic W of 2,848 counties by a block many
    times faster than a CSR matrix of 8.1 million entries), else W itself."""
    w = sp.csr_matrix(w)
    return w.toarray() if mostly_dense(w) else w


@dataclass(frozen=True)
class SpatialWeights:
    """A spatial weights matrix W over ``ids`` (row i, column j: the weight of unit j in unit i's lag).

    ``matrix`` has a zero diagonal. ``raw`` is the matrix before standardisation (what GAL/GWT files store);
    ``standardisation`` and ``scale`` say how ``matrix`` follows from it. Both are kept in the canonical CSR form
    (each row's links in column order). ``actions`` records every change made on the way (links added for
    islands, units dropped, ...), for the summary a reviewer reads.
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
    eigen: Spectrum | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The canonical CSR form (links of a row in column order, no duplicates) whatever the source's order (a
        # GWT file's, a sparse product's): every product with W then sums a row's terms in one order, so that the
        # same W gives the same bits by every route, and no call that sorts its indices in place (scipy does
        # where it needs them sorted) changes a W the caller holds.
        for name in ("matrix", "raw"):
            matrix = getattr(self, name)
            if not matrix.has_canonical_format:
                matrix = matrix.copy()
                matrix.sum_duplicates()
                object.__setattr__(self, name, matrix)

    # -- making one ----------------------------------------------------------------------------------------------

    @classmethod
    def from_matrix(
        cls, matrix, ids, *, standardise: str = STANDARDISE, name: str = "w", source: str | None = None
    ) -> SpatialWeights:
        """W from an N x N matrix (dense or sparse) whose rows and columns follow ``ids``; standardised as asked
        (row, none, spectral, minmax). The matrix must be square, finite and non-negative with a zero diagonal,
        and every id must be given once; anything else stops with the row or pair named (``source``: the file it
        came from, for messages)."""
        ids = tuple(_id(unit) for unit in ids)
        raw = sp.csr_matrix(matrix, dtype=float)
        _check_matrix(raw, ids, source)
        how = _standardisation(standardise)
        raw = clean(raw)
        standardised, scale = _standardise(raw, how)
        return cls(
            ids=ids,
            matrix=sp.csr_matrix(standardised),
            raw=raw,
            name=name,
            kind="matrix" if source is None else "file",
            standardisation=how,
            scale=scale,
            parameters={"source": source} if source else {},
        )

    @classmethod
    def from_file(
        cls,
        path,
        *,
        format: str | None = None,
        ids=None,
        ids_from: str | None = None,
        ids_column: str | None = None,
        sheet: str | None = None,
        variable: str | None = None,
        standardise: str = STANDARDISE,
        name: str | None = None,
    ) -> SpatialWeights:
        """W from a weights file: GAL or GWT (GeoDa, spdep, libpysal; a GWT with or without its header), Stata's
        ``spmatrix export`` text, a CSV matrix with ids, or a bare N x N matrix (``format="matrix"``: .csv,
        .txt, .xlsx, .mat) whose ids come from ``ids`` (a file of ids, ``ids_column`` naming its column if it has
        several) or ``ids_from`` (``"column"`` or ``"header"``); ``sheet`` picks the sheet of a workbook,
        ``variable`` the array of a .mat (see :mod:`nqpf.weights.files`). The format comes from ``format`` or
        the suffix (.gal, .gwt, .txt Stata, .csv with ids, .xlsx and .mat bare matrices). The weights are
        standardised as asked; ``name`` defaults to the file's stem. What the reading found (links, sum of the
        weights, symmetry and max |w_ij - w_ji|, already row-standardised or not, islands, where the ids came
        from) is the first line of ``actions``; :meth:`asymmetry` and :meth:`is_row_standardised` give it
        again."""
        from pathlib import Path

        from nqpf.weights import files

        options = {
            "ids": ids,
            "ids_from": ids_from,
            "ids_column": ids_column,
            "sheet": sheet,
            "variable": variable,
        }
        options = {k: str(v) for k, v in options.items() if v is not None}
        read = files.read_file(path, format, **options)
        w = cls.from_matrix(
            read.matrix, read.ids, standardise=standardise, name=name or Path(path).stem, source=str(path)
        )
        parameters = {"path": str(path), "format": read.facts["format"], **options}
        return replace(w, parameters=parameters, actions=(files.describe(read.facts),))

    @classmethod
    def from_libpysal(cls, w, *, standardise: str | None = None, name: str = "w") -> SpatialWeights:
        """W from a libpysal ``W``, ids in its ``id_order``. Its weights before any transformation are kept as
        the raw weights; W is standardised as ``standardise`` says, or as the libpysal object is (transform R:
        row, O or B: none)."""
        import copy

        transform = str(getattr(w, "transform", "O")).upper()
        how = standardise or {"R": "row"}.get(transform, "none")
        original = copy.deepcopy(w)
        original.transform = "B" if transform == "B" else "O"
        ids = [str(unit) for unit in original.id_order]
        return cls.from_matrix(original.sparse, ids, standardise=how, name=name)

    @classmethod
    def from_geodataframe(
        cls,
        gdf,
        kind: str = "contiguity",
        *,
        id_column: str = "code",
        name_column: str | None = None,
        name: str | None = None,
        panel=None,
        years: tuple[int, int] | None = None,
        projection=None,
        **parameters,
    ) -> SpatialWeights:
        """W of the polygons of a GeoDataFrame: any kind of the workflow's weights stage (contiguity, knn,
        distance_band, inverse_distance, negative_exponential, economic, economic_geographic, block) with its
        parameters as keywords (``criterion="rook"``, ``snap_m=100``, ``k=5``, ``islands={"policy": "drop"}``,
        ``standardise="row"``; see :class:`nqpf.weights.settings.WeightsSettings`). ``id_column`` names the column
        of unit ids and ``name_column`` that of their names; the economic kinds need ``panel`` (code, year and the
        variable) and ``years``; ``projection`` (any projected CRS in metres that pyproj reads) replaces the one
        chosen from the units for centroids, snapping and projected distances (:mod:`nqpf.units.crs`). The actions
        taken (links added for islands ...) are in ``actions``."""
        from nqpf.weights.builder import build
        from nqpf.weights.settings import WeightsSettings

        spec = WeightsSettings.model_validate({"name": name or kind, "kind": kind, **parameters})
        w, facts = build(
            spec, gdf, panel, years, id_column=id_column, name_column=name_column, projection=projection
        )
        return w

    # -- reading it ---------------------------------------------------------------------------------------------

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

    def asymmetry(self) -> float:
        """max |w_ij - w_ji| of the weights before standardisation (0 for a symmetric W)."""
        difference = abs(self.raw - self.raw.T)
        return float(difference.max()) if difference.nnz else 0.0

    def is_row_standardised(self) -> bool:
        """Whether the weights before standardisation already sum to 1 in every row with a link (within 1e-10):
        a file that held a row-standardised W."""
        from nqpf.weights.files import matrix_facts

        return matrix_facts(self.raw)["row_standardised"]

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

    def subset(self, keep, reason: str = "") -> SpatialWeights:
        """W on some of its units: the raw weights among ``keep`` (ids, or positions into ``ids``, or a boolean
        mask) standardised again by this W's rule, so that a row-standardised W stays row-standardised over the
        units kept (a unit whose neighbours are all left out becomes an island). The units keep their order;
        ``reason`` is recorded with the restriction in ``actions``."""
        keep = np.asarray(keep)
        if keep.dtype == bool:
            positions = np.flatnonzero(keep)
        elif keep.dtype.kind in "iu":
            positions = np.sort(keep)
        else:
            where = {unit: i for i, unit in enumerate(self.ids)}
            unknown = [str(unit) for unit in keep if str(unit) not in where]
            if unknown:
                raise InputError(
                    f"W {self.name!r} has no units {', '.join(unknown[:10])}",
                    unit=unknown[0],
                    fix="give ids of the weights matrix (its .ids)",
                )
            positions = np.sort([where[str(unit)] for unit in keep])
        raw = clean(self.raw[positions][:, positions])
        matrix, scale = _standardise(raw, self.standardisation)
        islands = int((np.diff(raw.indptr) == 0).sum() - (self.cardinalities()[positions] == 0).sum())
        action = f"restricted to {len(positions)} of its {self.n} units" + (f" ({reason})" if reason else "")
        action += f", standardised again ({self.standardisation})"
        action += f"; {islands} units left without a neighbour" if islands else ""
        return replace(
            self,
            ids=tuple(self.ids[i] for i in positions),
            matrix=sp.csr_matrix(matrix),
            raw=raw,
            scale=scale,
            actions=self.actions + (action,),
            eigen=None,
        )

    def to_libpysal(self):
        """The same weights as a libpysal ``W`` (for esda and spreg), ids in the same order: a row-standardised W
        as its raw weights with libpysal's transform R (so the raw weights travel with it), any other as its
        weights."""
        from libpysal.weights import WSP

        if self.standardisation == "row":
            w = WSP(self.raw, id_order=list(self.ids)).to_W(silence_warnings=True)
            w.transform = "R"
            return w
        return WSP(self.matrix, id_order=list(self.ids)).to_W(silence_warnings=True)

    def spectrum(self) -> Spectrum | None:
        """The eigenvalues of W (exact log-determinants and effects for the models), computed once; None beyond
        the size where they are computed (:data:`nqpf.weights.spectrum.LIMIT` units)."""
        if self.eigen is None:
            object.__setattr__(self, "eigen", compute_spectrum(self.raw, self.matrix))
        return self.eigen

    def rho_bounds(self) -> tuple[float, float]:
        """The interval (1 / lambda_min, 1 / lambda_max) of the spatial parameter, from W's eigenvalues."""
        spectrum = self.spectrum()
        if spectrum is not None:
            return parameter_bounds(float(spectrum.real.min()), float(spectrum.real.max()))
        low, high, _ = eigen_range(self.raw, self.matrix)
        return parameter_bounds(low, high)

    def __repr__(self) -> str:
        return (
            f"SpatialWeights(name={self.name!r}, kind={self.kind!r}, n={self.n}, links={self.links}, "
            f"standardisation={self.standardisation!r})"
        )


def as_weights(w) -> SpatialWeights:
    """:class:`SpatialWeights` from what a user may hold: itself, or a libpysal ``W``."""
    if isinstance(w, SpatialWeights):
        return w
    if hasattr(w, "id_order") and hasattr(w, "sparse"):
        return SpatialWeights.from_libpysal(w)
    raise InputError(
        f"w is a {type(w).__name__}, not spatial weights",
        key="w",
        fix="pass a nqpf.SpatialWeights (SpatialWeights.from_file, .from_matrix, .from_libpysal, "
        ".from_geodataframe) or a libpysal W",
    )


def _id(unit) -> str:
    from nqpf.units.codes import normalise_code

    code = normalise_code(unit)
    if code is None:
        raise InputError("a unit id of W is empty", key="ids", fix="give every row and column of W an id")
    return code


def _standardisation(how: str) -> str:
    if how not in STANDARDISATIONS:
        raise InputError(
            f"unknown standardisation {how!r}",
            key="standardise",
            fix=f"use one of: {', '.join(STANDARDISATIONS)}",
        )
    return how


def _check_matrix(raw: sp.csr_matrix, ids: tuple[str, ...], source: str | None) -> None:
    """A weights matrix is square, as long as its ids, finite and non-negative, with a zero diagonal and every id
    once."""
    n, m = raw.shape
    if n != m:
        raise InputError(
            f"W is not square: {n} rows and {m} columns", file=source, fix="give an N x N matrix"
        )
    if len(ids) != n:
        raise InputError(
            f"W has {n} rows but {len(ids)} ids",
            file=source,
            fix="give one id for each row (and column) of W",
        )
    seen: dict[str, int] = {}
    for i, unit in enumerate(ids):
        if unit in seen:
            raise InputError(
                f"the id {unit} is given twice (rows {seen[unit] + 1} and {i + 1})",
                file=source,
                unit=unit,
                fix="give every unit of W its own id",
            )
        seen[unit] = i
    coo = raw.tocoo()
    bad = ~np.isfinite(coo.data)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"W has {int(bad.sum())} weights that are not finite numbers",
            file=source,
            unit=f"{ids[coo.row[k]]} -> {ids[coo.col[k]]}",
            fix="give every weight as a finite number (0 for no link)",
        )
    negative = coo.data < 0
    if negative.any():
        k = int(np.flatnonzero(negative)[0])
        raise InputError(
            f"W has {int(negative.sum())} negative weights",
            file=source,
            unit=f"{ids[coo.row[k]]} -> {ids[coo.col[k]]}",
            fix="spatial weights are non-negative; check the matrix",
        )
    diagonal = raw.diagonal()
    if np.any(diagonal != 0):
        k = int(np.flatnonzero(diagonal != 0)[0])
        raise InputError(
            f"W links {int((diagonal != 0).sum())} units to themselves (non-zero diagonal)",
            file=source,
            unit=ids[k],
            fix="set the diagonal of W to 0: a unit is not its own neighbour",
        )


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
