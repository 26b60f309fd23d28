"""Spatial weights on small known geometries (a lattice, a ring) for every kind, and on real boundaries."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from shapely.geometry import Point, box

from nqpf import weights
from nqpf.errors import InputError
from nqpf.units import boundaries
from nqpf.weights import contiguity, distance, files
from nqpf.weights.standardise import eigen_range, parameter_bounds, standardise, symmetrising_scale
from nqpf.weights.summary import cliff_ord_constants

STEP = 0.125  # degrees, exact in binary, so that neighbouring squares share their edges exactly


def lattice(n=3, gap=0.0, **columns) -> gpd.GeoDataFrame:
    """n x n squares of STEP degrees, codes c00, c01, ... in row-major order."""
    geoms, codes = [], []
    for r in range(n):
        for c in range(n):
            x, y = 110 + c * STEP, 30 + r * STEP
            geoms.append(box(x, y, x + STEP - gap, y + STEP - gap))
            codes.append(f"c{r}{c}")
    return gpd.GeoDataFrame({"code": codes, "name": codes, **columns}, geometry=geoms, crs=4326)


def ring(n=6, radius=1.0) -> gpd.GeoDataFrame:
    """n small squares evenly spaced on a circle of ``radius`` degrees around 110E, 30N."""
    angles = 2 * np.pi * np.arange(n) / n
    geoms = [
        Point(110 + radius * np.cos(a), 30 + radius * np.sin(a)).buffer(0.01, cap_style=3) for a in angles
    ]
    codes = [f"r{i}" for i in range(n)]
    return gpd.GeoDataFrame({"code": codes, "name": codes}, geometry=geoms, crs=4326)


def links(w) -> set[tuple[str, str]]:
    rows, cols = w.matrix.nonzero()
    return {(w.ids[i], w.ids[j]) for i, j in zip(rows, cols, strict=True)}


# -- contiguity ------------------------------------------------------------------------------------------------


def test_queen_and_rook_on_a_lattice():
    queen, _ = weights.build({"name": "q", "kind": "contiguity", "standardise": "none"}, lattice())
    rook, _ = weights.build(
        {"name": "r", "kind": "contiguity", "criterion": "rook", "standardise": "none"}, lattice()
    )
    assert queen.links == 40 and rook.links == 24  # 20 and 12 undirected links
    assert ("c00", "c11") in links(queen) and ("c00", "c11") not in links(rook)
    assert queen.cardinalities().tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    assert queen.is_symmetric() and queen.is_binary()


def test_snapping_closes_hairline_gaps_only():
    gapped = lattice(gap=0.0001)  # about 10 m at 30N
    with pytest.raises(InputError, match="2 disconnected parts"):  # no link without snapping
        weights.build({"name": "q", "kind": "contiguity", "islands": {"policy": "error"}}, gapped.iloc[:2])
    snapped, facts = weights.build({"name": "q", "kind": "contiguity", "snap_m": 20}, gapped)
    assert snapped.links == 40
    assert len(facts["snapping"]["gained_links"]) == 20
    rook, _ = weights.build({"name": "r", "kind": "contiguity", "criterion": "rook", "snap_m": 20}, gapped)
    assert rook.links == 24  # corner contacts within 20 m are not rook links


def test_higher_order_contiguity():
    first = contiguity.contiguity_matrix(
        [f"c{i}" for i in range(9)], contiguity.contiguity_pairs(lattice())["pairs"]
    )
    second = contiguity.higher_order(first, 2)
    assert second.nnz == 2 * (36 - 20)  # every pair not first-order neighbours is two queen steps apart
    cumulative = contiguity.higher_order(first, 2, cumulative=True)
    assert cumulative.nnz == 2 * 36
    rook = contiguity.contiguity_matrix(
        [f"c{i}" for i in range(9)], contiguity.contiguity_pairs(lattice(), "rook")["pairs"]
    )
    third = contiguity.higher_order(rook, 3)
    assert sorted(third[0].nonzero()[1].tolist()) == [5, 7]  # from a corner, rook distance 3: c12, c21


# -- distances -----------------------------------------------------------------------------------------------


def test_great_circle_distance_of_one_degree_of_latitude():
    d = distance.distance_matrix(np.array([[110.0, 30.0], [110.0, 31.0]]))
    assert d[0, 1] == pytest.approx(6371.0088 * np.pi / 180, rel=1e-12)
    projected = distance.distance_matrix(np.array([[110.0, 30.0], [110.0, 31.0]]), "projected")
    # The equidistant conic keeps meridian distances of the GRS80 ellipsoid: 110.86 km a degree at 30N.
    assert projected[0, 1] == pytest.approx(110.86, rel=1e-3)


def test_knn_on_a_ring_picks_the_two_adjacent_units():
    w, _ = weights.build({"name": "k", "kind": "knn", "k": 2, "standardise": "none"}, ring(8))
    for i in range(8):
        assert set(w.ids[j] for j in w.neighbours(i)) == {f"r{(i - 1) % 8}", f"r{(i + 1) % 8}"}


def test_knn_ties_go_to_the_lower_code():
    # At 30N a degree of longitude is shorter than one of latitude: the centre's nearest units are its west and
    # east neighbours, at exactly the same distance; k = 1 takes the lower code.
    w, _ = weights.build({"name": "k", "kind": "knn", "k": 1, "standardise": "none"}, lattice())
    assert w.ids[w.neighbours(4)[0]] == "c10"


def test_distance_band_auto_gives_every_unit_a_neighbour():
    w, facts = weights.build({"name": "b", "kind": "distance_band", "threshold_km": "auto"}, ring(6))
    # Adjacent units on a ring of radius 1 degree are 1 degree of arc apart along the chord: all have 2.
    assert w.cardinalities().tolist() == [2] * 6
    assert facts["threshold_km"] > 0


def test_inverse_distance_and_negative_exponential_values():
    units = ring(4)
    lonlat = distance.centroids(units)
    d = distance.distance_matrix(lonlat)
    inv, _ = weights.build(
        {"name": "i", "kind": "inverse_distance", "power": 2, "standardise": "none"}, units
    )
    off = d > 0
    np.testing.assert_allclose(
        inv.matrix.toarray(), np.where(off, np.where(off, d, 1.0) ** -2.0, 0.0), rtol=1e-12
    )
    cut, _ = weights.build(
        {"name": "c", "kind": "inverse_distance", "cutoff_km": d[0, 1] * 1.01, "standardise": "none"}, units
    )
    assert cut.links == 8  # the opposite units of the square are beyond the cutoff
    ne, _ = weights.build(
        {"name": "e", "kind": "negative_exponential", "decay_km": 50, "standardise": "none"}, units
    )
    np.testing.assert_allclose(ne.matrix.toarray(), np.where(d > 0, np.exp(-d / 50), 0.0), rtol=1e-12)


# -- economic and nested --------------------------------------------------------------------------------------


def economic_panel(codes, values_by_year):
    rows = [
        {"code": code, "year": year, "gdppc": value}
        for year, values in values_by_year.items()
        for code, value in zip(codes, values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_economic_distance_from_period_means():
    units = ring(3)
    panel = economic_panel(["r0", "r1", "r2"], {2020: [1.0, 1.0, 3.0], 2021: [1.0, 3.0, 5.0]})
    # means 1, 2, 4: w_01 = 1/1, w_02 = 1/3, w_12 = 1/2
    w, _ = weights.build(
        {"name": "e", "kind": "economic", "variable": "gdppc", "standardise": "none"},
        units,
        panel,
        (2020, 2021),
    )
    np.testing.assert_allclose(w.matrix.toarray(), [[0, 1, 1 / 3], [1, 0, 1 / 2], [1 / 3, 1 / 2, 0]])
    one_year, _ = weights.build(
        {
            "name": "e",
            "kind": "economic",
            "variable": "gdppc",
            "years": {"first": 2021, "last": 2021},
            "standardise": "none",
        },
        units,
        panel,
        (2020, 2021),
    )
    assert one_year.matrix[0, 1] == pytest.approx(1 / 2)


def test_equal_means_and_missing_variables_stop():
    units = ring(3)
    panel = economic_panel(["r0", "r1", "r2"], {2020: [2.0, 2.0, 3.0]})
    with pytest.raises(InputError, match="identical period means"):
        weights.build({"name": "e", "kind": "economic", "variable": "gdppc"}, units, panel, (2020, 2020))
    with pytest.raises(InputError, match="does not have"):
        weights.build({"name": "e", "kind": "economic", "variable": "gdp"}, units, panel, (2020, 2020))


def test_nested_product_and_mix():
    units = ring(3)
    panel = economic_panel(["r0", "r1", "r2"], {2020: [1.0, 2.0, 6.0]})
    d = distance.distance_matrix(distance.centroids(units))
    inverse = np.where(d > 0, 1 / np.where(d > 0, d, 1), 0)
    means = np.array([1.0, 2.0, 6.0])
    product, _ = weights.build(
        {"name": "n", "kind": "economic_geographic", "variable": "gdppc", "standardise": "none"},
        units,
        panel,
        (2020, 2020),
    )
    np.testing.assert_allclose(
        product.matrix.toarray(), inverse * (means / means.mean())[None, :], rtol=1e-12
    )
    mix, _ = weights.build(
        {
            "name": "m",
            "kind": "economic_geographic",
            "variable": "gdppc",
            "form": "mix",
            "phi": 0.3,
            "standardise": "none",
        },
        units,
        panel,
        (2020, 2020),
    )
    gap = np.abs(means[:, None] - means[None, :])
    econ = np.where(gap > 0, 1 / np.where(gap > 0, gap, 1), 0)
    row = lambda m: m / m.sum(axis=1, keepdims=True)  # noqa: E731
    np.testing.assert_allclose(mix.matrix.toarray(), 0.3 * row(inverse) + 0.7 * row(econ), rtol=1e-12)


def test_an_island_of_nested_weights_is_linked_by_the_product_form():
    # three units on a ring and a fourth far away: the cutoff leaves it an island, which the island policy links
    # to its nearest unit with the weight the product form gives their distance (not a weight of its own)
    units = pd.concat(
        [
            ring(3),
            gpd.GeoDataFrame(
                {"code": ["far"], "name": ["far"]},
                geometry=[Point(114, 30).buffer(0.01, cap_style=3)],
                crs=4326,
            ),
        ],
        ignore_index=True,
    )
    codes = units["code"].tolist()
    panel = economic_panel(codes, {2020: [1.0, 2.0, 6.0, 3.0]})
    d = distance.distance_matrix(distance.centroids(units))
    relative = np.array([1.0, 2.0, 6.0, 3.0]) / 3.0
    spec = {"name": "n", "kind": "economic_geographic", "variable": "gdppc", "cutoff_km": 250.0}
    raw, _ = weights.build({**spec, "standardise": "none"}, units, panel, (2020, 2020))
    near = int(np.argmin(d[3, :3]))  # r0, on the side of the far unit
    far_at, near_at = raw.ids.index("far"), raw.ids.index(codes[near])  # the W's units are sorted by code
    assert raw.matrix[far_at, near_at] == pytest.approx(relative[near] / d[3, near], rel=1e-12)
    assert raw.matrix[near_at, far_at] == pytest.approx(relative[3] / d[near, 3], rel=1e-12)
    assert any("linked island far" in action for action in raw.actions)
    # the whole W is then the product form (symmetric distances, columns scaled): similar to a symmetric matrix
    row, _ = weights.build(spec, units, panel, (2020, 2020))
    assert symmetrising_scale(row.matrix) is not None


# -- block and files --------------------------------------------------------------------------------------------


def test_block_weights_group_units():
    units = lattice(region=["East", "East", "West"] * 3)
    w, _ = weights.build({"name": "b", "kind": "block", "by": "region", "standardise": "none"}, units)
    assert w.cardinalities().tolist() == [5, 5, 2] * 3
    assert ("c00", "c01") in links(w) and ("c00", "c02") not in links(w)
    assert w.components().max() == 1 and any("islands: keep" in a for a in w.actions)


@pytest.mark.parametrize(
    "fmt, writer",
    [
        ("gal", files.write_gal),
        ("gwt", files.write_gwt),
        ("stata", files.write_stata),
        ("csv", files.write_csv),
    ],
)
def test_every_format_round_trips(tmp_path, fmt, writer):
    ids = ["110000", "120000", "130000"]
    matrix = sp.csr_matrix(np.array([[0, 0.5, 0.5], [1 / 3, 0, 2 / 3], [0.1, 0.9, 0]]))
    path = tmp_path / f"w.{ {'stata': 'txt'}.get(fmt, fmt) }"
    writer(ids, matrix, path)
    back_ids, back = files.read(path, fmt)
    assert back_ids == ids
    expected = (matrix != 0).astype(float) if fmt == "gal" else matrix
    np.testing.assert_array_equal(back.toarray(), expected.toarray())  # 17 significant digits: exact


def test_user_weights_file_is_aligned_to_the_study_units(tmp_path):
    units = lattice()
    ids = list(units["code"])[::-1]  # the file lists the units in another order
    base, _ = weights.build({"name": "q", "kind": "contiguity", "standardise": "none"}, units)
    order = [base.ids.index(u) for u in ids]
    files.write_csv(ids, base.matrix[order][:, order], tmp_path / "w.csv")
    w, _ = weights.build(
        {"name": "u", "kind": "file", "path": str(tmp_path / "w.csv"), "standardise": "none"}, units
    )
    assert links(w) == links(base)
    files.write_csv(ids[:-1], base.matrix[order[:-1]][:, order[:-1]], tmp_path / "short.csv")
    with pytest.raises(InputError, match="does not cover") as err:
        weights.build({"name": "u", "kind": "file", "path": str(tmp_path / "short.csv")}, units)
    assert "c00" in str(err.value)


def test_stata_export_of_text_ids_numbers_the_units_and_writes_their_map(tmp_path):
    id_map = files.write_stata(["a", "b"], sp.csr_matrix([[0, 1.0], [1.0, 0]]), tmp_path / "w.stata.txt")
    assert (tmp_path / "w.stata.txt").read_text().splitlines() == ["2", "1 0 1", "2 1 0"]
    assert id_map == tmp_path / "w.stata.ids.csv"
    assert id_map.read_text().splitlines() == ["stata_id,code", "1,a", "2,b"]


# -- islands ------------------------------------------------------------------------------------------------------


def island_layout():
    """A 2 x 2 block of squares and a rectangle 0.05 degrees (about 4.8 km at 30N) east of it."""
    units = lattice(2)
    far = gpd.GeoDataFrame(
        {"code": ["z"], "name": ["Z"]}, geometry=[box(110.3, 30.0, 110.4, 30.25)], crs=4326
    )
    return pd.concat([units, far], ignore_index=True)


def test_islands_linked_to_their_nearest_units():
    w, facts = weights.build(
        {"name": "q", "kind": "contiguity", "islands": {"policy": "nearest", "k": 2}}, island_layout()
    )
    assert w.components().max() == 0
    added = {(a["code_a"], a["code_b"]) for a in facts["added_links"]}
    assert added == {("z", "c01"), ("z", "c11")}  # the two squares facing it, 5 km away
    assert any("linked island z" in a for a in w.actions)
    assert facts["added_links"][0]["distance_km"] == pytest.approx(4.8, rel=0.05)


def test_islands_dropped_or_refused():
    dropped, _ = weights.build(
        {"name": "q", "kind": "contiguity", "islands": {"policy": "drop"}}, island_layout()
    )
    assert "z" not in dropped.ids and dropped.n == 4
    assert any("dropped 1 units" in a for a in dropped.actions)
    with pytest.raises(InputError, match="disconnected parts") as err:
        weights.build({"name": "q", "kind": "contiguity", "islands": {"policy": "error"}}, island_layout())
    assert "island: z Z" in str(err.value)


# -- standardisation, bounds, summary ----------------------------------------------------------------------------


def test_row_standardisation_and_ring_bounds():
    w, _ = weights.build({"name": "k", "kind": "knn", "k": 2}, ring(6))
    np.testing.assert_allclose(np.asarray(w.matrix.sum(axis=1)).ravel(), 1.0)
    lam_min, lam_max, _ = eigen_range(w.raw, w.matrix)
    # The row-standardised ring of six has eigenvalues cos(2 pi k / 6): from -1 to 1.
    assert (lam_min, lam_max) == pytest.approx((-1.0, 1.0), abs=1e-12)
    assert parameter_bounds(lam_min, lam_max) == pytest.approx((-1.0, 1.0), abs=1e-12)


def test_spectral_and_minmax_standardisation():
    raw = sp.csr_matrix(np.array([[0, 2.0, 1.0], [2.0, 0, 0], [1.0, 0, 0]]))
    spectral, radius = standardise(raw, "spectral")
    assert radius == pytest.approx(np.sqrt(5.0))  # eigenvalues of raw: 0, +-sqrt(5)
    assert np.abs(np.linalg.eigvals(spectral.toarray())).max() == pytest.approx(1.0)
    minmax, divisor = standardise(raw, "minmax")
    assert divisor == 3.0  # min(largest row sum 3, largest column sum 3)
    assert (minmax != minmax.T).nnz == 0  # stays symmetric
    lam_min, lam_max, _ = eigen_range(raw, spectral)
    assert parameter_bounds(lam_min, lam_max) == pytest.approx((-1.0, 1.0))


def test_asymmetric_bounds_use_real_parts():
    w, _ = weights.build({"name": "k", "kind": "knn", "k": 1}, lattice())
    assert not w.is_symmetric()
    lam_min, lam_max, method = eigen_range(w.raw, w.matrix)
    values = np.linalg.eigvals(w.matrix.toarray()).real
    assert (lam_min, lam_max) == pytest.approx((values.min(), values.max()))
    assert "real parts" in method


def test_large_symmetric_bounds_by_lanczos_agree_with_dense(monkeypatch):
    from nqpf.weights import standardise as module

    w, _ = weights.build({"name": "q", "kind": "contiguity"}, lattice(6))
    dense = eigen_range(w.raw, w.matrix)
    monkeypatch.setattr(module, "DENSE_LIMIT", 10)
    sparse = eigen_range(w.raw, w.matrix)
    assert sparse[:2] == pytest.approx(dense[:2], abs=1e-9)
    assert "Lanczos" in sparse[2]


def test_write_and_load_give_the_same_weights(tmp_path):
    units = island_layout()
    w, facts = weights.build({"name": "q", "kind": "contiguity"}, units)
    summary = weights.write(w, facts, tmp_path, formats=("csv",))
    back = weights.load(tmp_path / "q.gwt", tmp_path / "q.summary.json")
    assert back.ids == w.ids
    np.testing.assert_array_equal(back.matrix.toarray(), w.matrix.toarray())
    assert summary["n"] == 5 and summary["components"]["count"] == 1
    assert summary["islands"] == [] and summary["added_links"]
    assert json.loads((tmp_path / "q.summary.json").read_text())["S0"] == pytest.approx(5.0)
    assert (tmp_path / "q.matrix.csv").read_text().splitlines()[0] == "code,c00,c01,c10,c11,z"


def test_weights_keep_the_canonical_link_order_and_no_call_changes_them():
    # Row standardisation (a sparse product) and a GWT file leave a row's links out of column order; W keeps them
    # in column order, so that every route multiplies a row's terms in one order and no call that sorts in place
    # changes a caller's W (esda.moran sorted the indices of an unsorted W it was given).
    import nqpf

    units = lattice(5)
    w, _ = weights.build({"name": "q", "kind": "contiguity"}, units)
    assert w.matrix.has_canonical_format and w.raw.has_canonical_format
    shuffled = sp.csr_matrix(w.raw, copy=True)
    rng = np.random.default_rng(3)
    for i in range(w.n):  # each row's links in a random order, as a file may list them
        start, stop = shuffled.indptr[i], shuffled.indptr[i + 1]
        order = start + rng.permutation(stop - start)
        shuffled.indices[start:stop], shuffled.data[start:stop] = (
            shuffled.indices[order],
            shuffled.data[order],
        )
    shuffled.has_sorted_indices = False
    given = (shuffled.indices.copy(), shuffled.data.copy())
    made = weights.SpatialWeights(ids=w.ids, matrix=shuffled, raw=shuffled, standardisation="none")
    assert made.matrix.has_canonical_format and made.raw.has_canonical_format
    np.testing.assert_array_equal(made.matrix.indices, w.raw.indices)
    np.testing.assert_array_equal(made.matrix.toarray(), w.raw.toarray())
    np.testing.assert_array_equal(shuffled.indices, given[0])  # the caller's matrix is left as it was
    np.testing.assert_array_equal(shuffled.data, given[1])
    x = rng.normal(size=w.n)
    arrays = [a.copy() for m in (w.matrix, w.raw) for a in (m.indptr, m.indices, m.data)]
    nqpf.esda.moran(x, w, 99)
    nqpf.esda.local_moran(x, w, 99)
    nqpf.esda.gi_star(x, w, 99)
    w.subset(list(range(w.n - 3)))
    after = [a for m in (w.matrix, w.raw) for a in (m.indptr, m.indices, m.data)]
    for old, new in zip(arrays, after, strict=True):
        np.testing.assert_array_equal(old, new)


# -- real boundaries ---------------------------------------------------------------------------------------------


def test_province_queen_is_one_component_with_hainan_linked(province_gdf):
    w, facts = weights.build({"name": "queen", "kind": "contiguity", "snap_m": 100}, province_gdf)
    assert w.n == 31 and w.components().max() == 0
    assert {(a["code_a"], a["code_b"]) for a in facts["added_links"]} == {
        ("460000", "440000"),
        ("460000", "450000"),
    }
    assert facts["snapping"]["gained_links"] == []  # Amap's provinces share their borders exactly
    assert w.links == 2 * (68 + 2)


@pytest.mark.reference_data
def test_hunan_queen_matches_the_published_spdep_output(reference_data):
    # spdep: poly2nb(hunan) -> 88 regions, 448 links; nb2listw(style = "W"): S0 = 88, S1 = 37.86334, S2 = 365.9147
    units, _ = boundaries.read_file(
        reference_data / "hunan" / "Hunan.shp", id_field="County", name_field="County"
    )
    w, _ = weights.build({"name": "queen", "kind": "contiguity"}, units)
    assert (w.n, w.links) == (88, 448)
    s0, s1, s2 = cliff_ord_constants(w)
    assert s0 == pytest.approx(88.0, rel=1e-12)
    assert s1 == pytest.approx(37.86334, abs=5e-6)
    assert s2 == pytest.approx(365.9147, abs=5e-5)


@pytest.mark.parametrize("name", ["queen", "inverse_distance", "knn4"])
def test_r_spdep_reads_our_files_as_the_same_weights(province_gdf, name):
    """spdep read our GAL and GWT (tests/fixtures/make_spdep_weights.py): same links, same S0, S1, S2."""
    from tests.fixtures import make_spdep_weights

    fixture = json.loads((make_spdep_weights.HERE / "spdep_weights.json").read_text())[name]
    (spec,) = [s for s in make_spdep_weights.SPECS if s["name"] == name]
    w, _ = weights.build(spec, province_gdf)
    assert (w.n, w.links) == (fixture["n"], fixture["gal_links"]) == (fixture["n"], fixture["gwt_links"])
    assert cliff_ord_constants(w) == pytest.approx((fixture["S0"], fixture["S1"], fixture["S2"]), rel=1e-12)


@pytest.mark.parametrize(
    "how, symmetric", [("row", True), ("spectral", True), ("row", False), ("minmax", False)]
)
def test_spectrum_gives_exact_log_determinants_and_total_weights(tmp_path, how, symmetric):
    """The stored eigenvalues give ln|I - rho W| and l'(I - rho W)^-1 l / n as dense algebra does, through a
    write and read of ``<w>.eigen.csv``."""
    from nqpf.weights import spectrum

    rng = np.random.default_rng(5)
    raw = sp.random(40, 40, density=0.12, random_state=3, data_rvs=lambda k: np.ones(k)).tocsr()
    raw = raw + raw.T if symmetric else raw + sp.eye(40, k=1)
    raw.setdiag(0)
    raw = sp.csr_matrix((raw > 0).astype(float))
    matrix, _ = standardise(raw, how)
    eigen = spectrum.compute(raw, matrix)
    spectrum.write(eigen, tmp_path / "w.eigen.csv")
    again = spectrum.read(tmp_path / "w.eigen.csv")
    dense = matrix.toarray()
    for rho in rng.uniform(-0.5, 0.8, 4) / max(abs(eigen.values)):
        a = np.eye(40) - rho * dense
        assert again.logdet(rho) == pytest.approx(np.linalg.slogdet(a)[1], rel=1e-10)
        total = np.linalg.solve(a, np.ones(40)).sum() / 40
        if again.row_sum is not None:
            assert 1 / (1 - rho * again.row_sum) == pytest.approx(total, rel=1e-10)
        else:
            assert np.real(np.sum(again.total_weights / (1 - rho * again.values))) == pytest.approx(
                total, rel=1e-9
            )


@pytest.mark.parametrize("case", ["an island kept, row-standardised", "columns scaled (nested product form)"])
def test_total_weights_of_a_w_similar_to_a_symmetric_matrix(case):
    """A W that a diagonal scaling makes symmetric has real eigenvalues from the symmetric solver, and total
    weights that give l'(I - rho W)^-1 l / n as dense algebra does, an island's share included."""
    from nqpf.weights import spectrum

    n = 30
    links = sp.random(n, n, density=0.15, random_state=4, data_rvs=lambda k: np.ones(k)).tocsr()
    links = sp.lil_matrix(((links + links.T) > 0).astype(float))
    links.setdiag(0)
    if case.startswith("an island"):
        links[7, :] = 0
        links[:, 7] = 0
        raw = sp.csr_matrix(links)
        matrix, _ = standardise(raw, "row")
    else:
        raw = sp.csr_matrix(sp.csr_matrix(links) @ sp.diags(np.random.default_rng(11).uniform(0.5, 3.0, n)))
        matrix = raw
    raw.eliminate_zeros()
    eigen = spectrum.compute(raw, matrix)
    assert eigen.method == "dense symmetric eigen decomposition" and np.isrealobj(eigen.values)
    dense = matrix.toarray()
    np.testing.assert_allclose(np.sort(eigen.values), np.sort(np.linalg.eigvals(dense).real), atol=1e-12)
    for share in (-0.4, 0.3, 0.8):
        rho = share / np.abs(eigen.values).max()
        total = np.linalg.solve(np.eye(n) - rho * dense, np.ones(n)).sum() / n
        assert np.sum(eigen.total_weights / (1 - rho * eigen.values)) == pytest.approx(total, rel=1e-10)


# --- a weights file is read as written: a repeated or self link stops, never added up or dropped ----------------


@pytest.mark.parametrize(
    "body,says",
    [
        ("a b 1\nb a 1\na b 1\n", "the link a -> b is given on 2 lines (2, 4)"),
        ("a b 1\nb a 1\na a 1\n", "line 4 links unit a to itself"),
        ("a b 1\nb a -1\n", "line 3: the weight -1.0 of b -> a"),
    ],
)
def test_a_gwt_with_a_repeated_or_self_link_stops_with_its_lines(tmp_path, body, says):
    path = tmp_path / "w.gwt"
    path.write_text("0 2 test id\n" + body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        files.read(path)
    assert says in str(err.value) and err.value.file == str(path) and err.value.fix


@pytest.mark.parametrize(
    "body,says",
    [
        ("a 1\nb\nb 1\na\na 1\nb\n", "units listed twice: a"),
        ("a 2\nb b\nb 1\na\n", "unit a lists the neighbour b twice"),
        ("a 1\na\nb 1\na\n", "unit a is listed as its own neighbour"),
    ],
)
def test_a_gal_with_a_repeated_or_self_link_stops(tmp_path, body, says):
    path = tmp_path / "w.gal"
    path.write_text(f"0 {body.count(chr(10)) // 2} test id\n" + body, encoding="utf-8")
    with pytest.raises(InputError, match=says):
        files.read(path)


def test_a_matrix_file_with_a_diagonal_stops(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("code,a,b\na,0,1\nb,1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="own neighbours"):
        files.read(path)
