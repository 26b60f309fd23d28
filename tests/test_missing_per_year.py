"""Gaps in a panel: ESDA, disparity and indices year by year on the units observed (``missing: drop_per_year``),
checked against a computation on each year's observed units alone (esda and libpysal for the spatial
statistics), every unit-year left out listed; ``missing: error`` stops with the cells."""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import yaml
from libpysal.weights import WSP

from nqpf import disparity, weights
from nqpf.errors import InputError
from nqpf.esda import by_year
from nqpf.esda.settings import NO_DATA, EsdaSettings
from nqpf.units.regions import REGIONS, region_of
from tests.conftest import snakemake

YEARS = [2019, 2020, 2021]
# 2020 lacks Tianjin and Hebei (Beijing's only neighbours: Beijing is an island that year), Shanghai and Gansu
GAPS = {2020: ["120000", "130000", "310000", "620000"]}


@pytest.fixture(scope="module")
def queen(province_gdf):
    w, _ = weights.build({"name": "queen", "kind": "contiguity"}, province_gdf)
    return w


def panel(ids, gaps=GAPS) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for year in YEARS:
        trend = np.linspace(0.0, 3.0, len(ids))
        for code, v in zip(ids, trend + rng.normal(0.0, 1.0, len(ids)), strict=True):
            missing = code in gaps.get(year, [])
            rows.append({"code": code, "name": f"unit {code}", "year": year, "v": np.nan if missing else v})
    return pd.DataFrame(rows)


def reference_weights(w, observed: np.ndarray):
    """A libpysal W of the year's observed units that have an observed neighbour, row-standardised (made from
    the raw links, independently of SpatialWeights.subset)."""
    raw = w.raw.toarray()[np.ix_(observed, observed)]
    linked = raw.sum(axis=1) > 0
    core = raw[np.ix_(linked, linked)]
    ids = [w.ids[i] for i in np.flatnonzero(observed)[linked]]
    lw = WSP(sp.csr_matrix(core), id_order=ids).to_W(silence_warnings=True)
    lw.transform = "r"
    return lw, linked


def test_each_year_on_its_observed_units_agrees_with_esda(queen):
    frame = panel(list(queen.ids))
    settings = EsdaSettings(permutations=99, seed=4, missing="drop_per_year")
    names = dict(zip(frame["code"], frame["name"], strict=False))
    global_table, local_table, notes = by_year.analyse(frame, "v", queen, YEARS, settings, names)
    # 2020 on its 27 observed units: Moran, Geary and local Moran as esda computes them on those units alone
    x = frame[frame.year == 2020].set_index("code").loc[list(queen.ids), "v"].to_numpy()
    observed = ~np.isnan(x)
    lw, linked = reference_weights(queen, observed)
    values = x[observed][linked]
    moran = esda.Moran(values, lw, transformation="r", permutations=0)
    geary = esda.Geary(values, lw, transformation="r", permutations=0)
    year = global_table[global_table.year == 2020].set_index("statistic")
    assert year.loc["moran", "value"] == pytest.approx(moran.I, rel=1e-12)
    assert year.loc["moran", "z_rand"] == pytest.approx(moran.z_rand, rel=1e-10)
    assert year.loc["moran", "z_norm"] == pytest.approx(moran.z_norm, rel=1e-10)
    assert year.loc["geary", "value"] == pytest.approx(geary.C, rel=1e-12)
    # spdep's sign (E(C) - C) / sd, positive for positive autocorrelation; esda's is (C - E(C)) / sd
    assert year.loc["geary", "z_rand"] == pytest.approx(-geary.z_rand, rel=1e-10)
    # local Moran centres on every observed unit, the island too (as spdep's localmoran with zero.policy)
    everyone = WSP(sp.csr_matrix(queen.raw.toarray()[np.ix_(observed, observed)])).to_W(silence_warnings=True)
    everyone.transform = "r"
    local = esda.Moran_Local(x[observed], everyone, transformation="r", permutations=0)
    lisa = local_table[(local_table.year == 2020) & (local_table.statistic == "lisa")].set_index("code")
    kept = [queen.ids[i] for i in np.flatnonzero(observed)]
    ours = lisa.loc[kept, "value"].to_numpy()
    n = int(observed.sum())
    theirs = local.Is * n / (n - 1)  # esda scales by n - 1 where spdep and nqpf divide by m2 = sum(z^2) / n
    assert np.isnan(ours[kept.index("110000")])
    np.testing.assert_allclose(
        np.delete(ours, kept.index("110000")), np.delete(theirs, kept.index("110000")), rtol=1e-10
    )
    # the units without a value keep their rows, with no statistic; Beijing has no observed neighbour
    assert set(lisa.index[lisa.quadrant == NO_DATA]) == set(GAPS[2020])
    assert lisa.loc[GAPS[2020], "value"].isna().all() and not lisa.loc[GAPS[2020], "significant"].any()
    assert lisa.loc["110000", "quadrant"] == "island" and np.isnan(lisa.loc["110000", "value"])
    text = " ".join(note for y, note in notes if y == 2020)
    assert "no value for 4 of the 31 units" in text and "110000" in text
    # the complete years are exactly what analysing them alone gives, permutation p-values included
    alone = by_year.analyse(frame[frame.year != 2020], "v", queen, [2019, 2021], settings, names)
    pd.testing.assert_frame_equal(
        global_table[global_table.year != 2020].reset_index(drop=True), alone[0].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        local_table[local_table.year != 2020].reset_index(drop=True), alone[1].reset_index(drop=True)
    )
    # and the run is reproducible
    again = by_year.analyse(frame, "v", queen, YEARS, settings, names)
    pd.testing.assert_frame_equal(local_table, again[1])


def test_every_left_out_unit_year_is_listed(queen):
    frame = panel(list(queen.ids), {2019: ["110000"], 2021: ["650000", "540000"]})
    left = by_year.left_out(frame, "v", queen, YEARS, {"110000": "北京市"})
    assert list(zip(left.year, left.code, strict=True)) == [
        (2019, "110000"),
        (2021, "540000"),
        (2021, "650000"),
    ]
    assert left.loc[0, "name"] == "北京市" and set(left.reason) == {"no value"}


def test_missing_values_stop_by_default(queen):
    frame = panel(list(queen.ids))
    with pytest.raises(InputError, match="missing for 4 units in 2020") as err:
        by_year.analyse(frame, "v", queen, YEARS, EsdaSettings(permutations=0), {})
    assert err.value.key == "esda.missing" and "drop_per_year" in err.value.fix


def test_subset_restandardises_by_the_rule_of_w(queen):
    keep = [c for c in queen.ids if c not in ("120000", "130000")]
    part = queen.subset(keep, "a test")
    raw = queen.raw.toarray()
    positions = [queen.ids.index(c) for c in keep]
    expected = raw[np.ix_(positions, positions)]
    sums = expected.sum(axis=1, keepdims=True)
    expected = np.divide(expected, sums, out=np.zeros_like(expected), where=sums > 0)
    np.testing.assert_allclose(part.matrix.toarray(), expected, rtol=1e-15)
    assert part.ids == tuple(keep) and part.standardisation == "row"
    assert "restricted to 29 of its 31 units (a test)" in part.actions[-1]
    assert "1 units left without a neighbour" in part.actions[-1]  # Beijing
    with pytest.raises(InputError, match="no units 999999"):
        queen.subset(["999999"])
    spectral = weights.SpatialWeights.from_matrix(queen.raw, queen.ids, standardise="spectral")
    part = spectral.subset(np.array(positions))
    radius = np.abs(np.linalg.eigvals(raw[np.ix_(positions, positions)])).max()
    assert part.scale == pytest.approx(radius, rel=1e-8)


def grouped(ids) -> pd.DataFrame:
    frame = panel(ids)
    frame["v"] = np.exp(frame["v"] / 3)  # positive, for the Theil index and convergence
    frame["region"] = [region_of(code) for code in frame["code"]]
    return frame


def test_disparity_year_by_year_on_the_observed_units(province_gdf):
    frame = grouped(list(province_gdf["code"]))
    settings = disparity.DisparitySettings(variables=["v"], missing="drop_per_year")
    tables = disparity.study_tables(frame, settings)
    observed = frame.dropna(subset=["v"])
    for year in YEARS:
        alone = disparity.analyse(observed[observed.year == year], ["v"])
        for name in ("dagum_gini", "theil", "dispersion", "regional_means"):
            ours = tables[name][tables[name].year == year].reset_index(drop=True)
            pd.testing.assert_frame_equal(ours, alone[name].reset_index(drop=True), check_dtype=False)
    left = tables["left_out"]
    per_year = left[left.year.notna()]
    assert sorted(zip(per_year.year, per_year.code, strict=True)) == [(2020, c) for c in GAPS[2020]]
    beta = left[left.year.isna()]
    assert (
        sorted(beta.code) == GAPS[2020] and beta.reason.str.startswith("left out of beta convergence").all()
    )
    absolute = tables["convergence"].query("type == 'absolute beta' and region == 'National'")
    assert int(absolute["n"].iloc[0]) == 31 - 4


def test_disparity_stops_on_gaps_by_default(province_gdf):
    frame = grouped(list(province_gdf["code"]))
    with pytest.raises(InputError, match="4 unit-years of the grouped units have no value of v") as err:
        disparity.study_tables(frame, disparity.DisparitySettings(variables=["v"]))
    assert err.value.key == "disparity.missing" and "drop_per_year" in err.value.fix
    complete = frame.dropna(subset=["v"])
    complete = complete[~complete.code.isin(GAPS[2020])]
    assert disparity.study_tables(complete, disparity.DisparitySettings(variables=["v"]))["left_out"].empty


@pytest.mark.workflow
@pytest.mark.slow
@pytest.mark.reference_data
def test_a_real_city_panel_with_gaps_runs_esda_and_disparity(tmp_path, reference_data):
    """The prefecture GDP panel of ../shared/reference-data (gaps in every year 2015-2020) in one study: each
    year's Moran's I and Geary's C equal esda's on that year's observed cities alone, each year's Dagum Gini the
    decomposition of those cities alone, and every unit-year without a value is listed once."""
    config = {
        "studies": [
            {
                "name": "gaps",
                "units": {"level": "prefecture"},
                "years": {"first": 2015, "last": 2020},
                "statistics": {
                    "files": [
                        {
                            "path": str(reference_data / "city_rgdp_chen/city_rgdp.csv"),
                            "layout": "wide",
                            "unit": "Ctnm_id",
                            "year": "Sgnyea",
                            "variables": {"GDP_PerCapita": "gdp_per_capita"},
                        }
                    ],
                    "unmatched": "drop",
                },
                "weights": [{"name": "knn6", "kind": "knn", "k": 6, "export": []}],
                "esda": {
                    "variables": ["gdp_per_capita"],
                    "permutations": 99,
                    "local": ["lisa"],
                    "missing": "drop_per_year",
                },
                "disparity": {"variables": ["gdp_per_capita"], "missing": "drop_per_year"},
            }
        ]
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    base = "results/gaps"
    targets = [f"{base}/esda/global.csv", f"{base}/esda/left_out.csv", f"{base}/disparity/dagum_gini.csv"]
    result = snakemake(tmp_path, "--cores", "2", *targets, configfile=tmp_path / "config.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / base
    panel_frame = pd.read_csv(out / "data/panel.csv", dtype={"code": str})
    gaps = panel_frame[panel_frame["gdp_per_capita"].isna()]
    assert len(gaps) > 100 and gaps["year"].nunique() == 6  # gaps in every year
    w = weights.load(out / "weights/knn6.gwt", out / "weights/knn6.summary.json")
    left = pd.read_csv(out / "esda/left_out.csv", dtype={"code": str})
    assert sorted(zip(left.year, left.code, strict=True)) == sorted(zip(gaps.year, gaps.code, strict=True))
    table = pd.read_csv(out / "esda/global.csv").set_index(["year", "statistic"])
    wide = panel_frame.pivot(index="code", columns="year", values="gdp_per_capita").loc[list(w.ids)]
    for year in range(2015, 2021):
        x = wide[year].to_numpy()
        observed = ~np.isnan(x)
        lw, linked = reference_weights(w, observed)
        values = x[observed][linked]
        moran = esda.Moran(values, lw, transformation="r", permutations=0)
        geary = esda.Geary(values, lw, transformation="r", permutations=0)
        assert table.loc[(year, "moran"), "value"] == pytest.approx(moran.I, rel=1e-10)
        assert table.loc[(year, "moran"), "z_rand"] == pytest.approx(moran.z_rand, rel=1e-9)
        assert table.loc[(year, "geary"), "value"] == pytest.approx(geary.C, rel=1e-10)
    gini = pd.read_csv(out / "disparity/dagum_gini.csv").set_index("year")
    units = pd.read_csv(out / "data/units.csv", dtype={"code": str}).set_index("code")
    for year in range(2015, 2021):
        part = panel_frame[(panel_frame.year == year) & panel_frame["gdp_per_capita"].notna()]
        dg = disparity.dagum_gini(
            part["gdp_per_capita"].to_numpy(), units.loc[part["code"], "region"].to_numpy(), REGIONS
        )
        assert gini.loc[year, "G"] == pytest.approx(dg["G"], rel=1e-12)
    listed_gaps = pd.read_csv(out / "disparity/left_out.csv", dtype={"code": str}).dropna(subset=["year"])
    assert len(listed_gaps) == len(gaps)


def test_bivariate_moran_of_a_year_with_gaps_agrees_with_esda(queen):
    # no island among the observed units: esda's Moran_BV divides by n where nqpf (as Moran's I) uses n / S0
    frame = panel(list(queen.ids), {2020: ["310000", "620000"]})
    frame["u"] = np.sin(np.arange(len(frame)))
    frame.loc[(frame.year == 2021) & (frame.code == "650000"), "u"] = np.nan
    settings = EsdaSettings(permutations=99, seed=2, missing="drop_per_year")
    table, left = by_year.bivariate(frame, "v", "u", queen, YEARS, settings, {})
    for year in YEARS:
        data = frame[frame.year == year].set_index("code").loc[list(queen.ids)]
        observed = data[["v", "u"]].notna().all(axis=1).to_numpy()
        raw = sp.csr_matrix(queen.raw.toarray()[np.ix_(observed, observed)])
        lw = WSP(raw).to_W(silence_warnings=True)
        lw.transform = "r"
        reference = esda.Moran_BV(
            data.v[observed].to_numpy(), data.u[observed].to_numpy(), lw, permutations=0
        )
        assert table.set_index("year").loc[year, "value"] == pytest.approx(reference.I, rel=1e-10)
    assert sorted(zip(left.year, left.code, left.reason, strict=True)) == [
        (2020, "310000", "no value of v"),
        (2020, "620000", "no value of v"),
        (2021, "650000", "no value of u"),
    ]
    with pytest.raises(InputError, match="missing for 2 units in 2020"):
        by_year.bivariate(frame, "v", "u", queen, YEARS, EsdaSettings(permutations=9), {})
