"""The cross-check scripts of a study's main SDM (nqpf.study.crosscheck): their content on the demo study's settings,
and the numbers of the R script (Lee and Yu 2010 transformation approach, and the direct approach of Elhorst 2014
by spatialreg::lagsarlm) against nqpf's SpatialPanelModel on a seeded two-way panel, to 1e-6 relative.

The R output is stored as a fixture (tests/fixtures/crosscheck_sdm_R.csv, its first line says how it was made), so
the comparison runs where R is absent; the slow test reruns Rscript when R with spatialreg is present. The do-file
cannot run here (no Stata): its tests are structural.

Remake the fixture (needs Rscript with spdep and spatialreg):

    .venv/bin/python -m tests.test_crosscheck
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nqpf import SpatialPanelModel
from nqpf.errors import InputError
from nqpf.study import configuration, crosscheck, exports
from nqpf.weights import files
from nqpf.weights.core import SpatialWeights

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "crosscheck_sdm_R.csv"
SEED = 20261128
ROWS, COLS, PERIODS, FIRST_YEAR = 5, 6, 8, 2015
RTOL = 1e-6
SPEC = crosscheck.MainSDM(
    study="sim",
    dependent="y",
    explanatory=("x1", "x2"),
    weights="queen",
    years=tuple(range(FIRST_YEAR, FIRST_YEAR + PERIODS)),
    method="lee_yu",
    draws=1000,
    seed=0,
)


# --- a seeded two-way SDM panel --------------------------------------------------------------------------------


def queen_lattice(rows: int, cols: int) -> np.ndarray:
    """Binary queen contiguity of a rows x cols lattice (row-standardised it is not doubly stochastic: the
    corners have fewer neighbours, so the year dummies of the direct approach matter)."""
    n = rows * cols
    m = np.zeros((n, n))
    for r in range(rows):
        for c in range(cols):
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if (dr or dc) and 0 <= r + dr < rows and 0 <= c + dc < cols:
                        m[r * cols + c, (r + dr) * cols + c + dc] = 1.0
    return m


def simulated() -> tuple[pd.DataFrame, SpatialWeights]:
    """y_t = (I - 0.5 W)^-1 (0.8 x1 - 0.5 x2 + W (0.3 x1 + 0.2 x2) + mu + alpha_t + e_t), x1 correlated with mu."""
    codes = [str(110000 + 100 * k) for k in range(ROWS * COLS)]
    w = SpatialWeights.from_matrix(queen_lattice(ROWS, COLS), codes, name="queen")
    dense = w.matrix.toarray()
    n = len(codes)
    rng = np.random.default_rng(SEED)
    mu = rng.normal(0, 1, n)
    alpha = rng.normal(0, 0.5, PERIODS)
    inverse = np.linalg.inv(np.eye(n) - 0.5 * dense)
    rows = []
    for t in range(PERIODS):
        x1 = rng.normal(0, 1, n) + 0.5 * mu
        x2 = rng.normal(0, 1, n)
        y = inverse @ (
            0.8 * x1 - 0.5 * x2 + dense @ (0.3 * x1 + 0.2 * x2) + mu + alpha[t] + rng.normal(0, 0.5, n)
        )
        rows += [
            {"code": c, "name": f"单位{i}", "year": FIRST_YEAR + t, "y": y[i], "x1": x1[i], "x2": x2[i]}
            for i, c in enumerate(codes)
        ]
    return pd.DataFrame(rows), w


def exported(root: Path, frame: pd.DataFrame, w: SpatialWeights) -> Path:
    """The study's exports as the workflow writes them (results/<study>/...) and the scripts; the scripts' folder."""
    for folder in ("stata", "weights"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    exports.write_panel(frame, root / "stata" / "panel.dta", SPEC.study)
    files.write_csv(list(w.ids), w.matrix, root / "weights" / f"{SPEC.weights}.matrix.csv")
    files.write_stata(list(w.ids), w.matrix, root / "weights" / f"{SPEC.weights}.stata.txt")
    folder = root / crosscheck.FOLDER
    crosscheck.write_scripts(SPEC, folder)
    crosscheck.write_data(root / "stata" / "panel.dta", folder / crosscheck.DATA, SPEC)
    return folder


def nqpf_estimates(frame: pd.DataFrame, w: SpatialWeights, methods=("lee_yu", "direct")) -> pd.DataFrame:
    """nqpf's SDM with two-way effects by each method: method, term, estimate, std_error (as sdm_R.csv)."""
    rows = []
    for method in methods:
        res = SpatialPanelModel(
            frame,
            SPEC.dependent,
            list(SPEC.explanatory),
            w,
            model="sdm",
            fixed_effects="two-way",
            method=method,
        ).fit()
        for term in res.terms:
            se = res.std_errors[term] if method == "lee_yu" else np.nan
            rows.append((method, term, res.params[term], se))
        rows += [(method, "sigma2", res.sigma2, np.nan), (method, "loglik", res.loglik, np.nan)]
    return pd.DataFrame(rows, columns=["method", "term", "estimate", "std_error"])


def read_r(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#")


def differences(r: pd.DataFrame, nqpf: pd.DataFrame) -> pd.DataFrame:
    """Relative differences of R's estimates and standard errors from nqpf's, row by row (method, term)."""
    merged = nqpf.merge(r, on=["method", "term"], suffixes=("_nqpf", "_r"), how="outer", validate="1:1")
    assert not merged[["estimate_nqpf", "estimate_r"]].isna().any().any(), merged
    merged["estimate"] = (merged["estimate_r"] - merged["estimate_nqpf"]).abs() / merged[
        "estimate_nqpf"
    ].abs()
    merged["std_error"] = (merged["std_error_r"] - merged["std_error_nqpf"]).abs() / merged["std_error_nqpf"]
    return merged


def assert_agree(r: pd.DataFrame, nqpf: pd.DataFrame) -> None:
    merged = differences(r, nqpf)
    # a standard error on one side only would be a silent gap: both have them for lee_yu, neither for direct
    assert (merged["std_error_r"].isna() == merged["std_error_nqpf"].isna()).all(), merged
    worst = merged[["estimate", "std_error"]].max()
    assert worst["estimate"] < RTOL and (np.isnan(worst["std_error"]) or worst["std_error"] < RTOL), merged


@pytest.fixture(scope="module")
def panel():
    return simulated()


@pytest.fixture(scope="module")
def nqpf_table(panel):
    return nqpf_estimates(*panel)


# --- nqpf against the stored R output --------------------------------------------------------------------------


def test_nqpf_matches_the_stored_r_output(nqpf_table):
    stored = read_r(FIXTURE)
    assert set(stored["method"]) == {"lee_yu", "direct"}
    assert len(stored) == len(nqpf_table) == 2 * (2 * len(SPEC.explanatory) + 3)
    assert_agree(stored, nqpf_table)
    assert stored["method"].iloc[0] == SPEC.method  # the main method first


@pytest.mark.parametrize("term", ["rho", "W.x1", "sigma2"])
@pytest.mark.parametrize("method", ["lee_yu", "direct"])
def test_the_comparison_fails_on_a_perturbed_estimate(nqpf_table, method, term):
    stored = read_r(FIXTURE)
    where = (stored["method"] == method) & (stored["term"] == term)
    assert where.sum() == 1
    stored.loc[where, "estimate"] *= 1 + 5 * RTOL
    with pytest.raises(AssertionError):
        assert_agree(stored, nqpf_table)


def test_the_comparison_fails_on_a_perturbed_standard_error(nqpf_table):
    stored = read_r(FIXTURE)
    where = (stored["method"] == "lee_yu") & (stored["term"] == "rho")
    stored.loc[where, "std_error"] *= 1 + 5 * RTOL
    with pytest.raises(AssertionError):
        assert_agree(stored, nqpf_table)


def test_the_fixture_says_how_it_was_made():
    first = FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    assert (
        first.startswith("# ") and "Rscript sdm.R" in first and "spatialreg" in first and "R version" in first
    )


def r_with_spatialreg() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        [
            "Rscript",
            "-e",
            'quit(status = !all(sapply(c("spdep", "spatialreg"), requireNamespace, quietly = TRUE)))',
        ],
        capture_output=True,
    )
    return probe.returncode == 0


def run_r(folder: Path) -> pd.DataFrame:
    result = subprocess.run(["Rscript", crosscheck.R_SCRIPT], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return read_r(folder / crosscheck.R_RESULTS)


@pytest.mark.slow
def test_rscript_reproduces_nqpf(tmp_path, panel, nqpf_table):
    if not r_with_spatialreg():
        pytest.skip("needs Rscript with the R packages spdep and spatialreg")
    folder = exported(tmp_path / "results" / SPEC.study, *panel)
    fresh = run_r(folder)
    assert_agree(fresh, nqpf_table)
    stored = read_r(FIXTURE)
    # the Lee-Yu rows solve the score to 1e-15 (uniroot): R reproduces them to 1e-9. The direct rows are
    # lagsarlm's, whose rho comes from R's optimize, accurate only to about sqrt(eps) |rho| (its documentation):
    # two runs of the same R differ by some 1e-8 where the likelihood is flat (their log-likelihoods agree to
    # 1e-15), so they are held to 1e-7, ten times the optimiser's reach and still far inside RTOL
    ly = (fresh["method"] == "lee_yu").to_numpy()
    np.testing.assert_allclose(fresh["estimate"][ly], stored["estimate"][ly], rtol=1e-9)
    np.testing.assert_allclose(fresh["estimate"][~ly], stored["estimate"][~ly], rtol=1e-7)
    loglik = (fresh["term"] == "loglik").to_numpy()
    np.testing.assert_allclose(fresh["estimate"][loglik], stored["estimate"][loglik], rtol=1e-12)


def other_weights(kind: str, ids) -> SpatialWeights:
    """W other than the fixture's: spectral-normalised queen contiguity (rows not summing to 1), or 3 nearest
    neighbours of random points (asymmetric, complex eigenvalues)."""
    if kind == "spectral":
        return SpatialWeights.from_matrix(
            queen_lattice(ROWS, COLS), ids, standardise="spectral", name="queen"
        )
    points = np.random.default_rng(3).uniform(size=(len(ids), 2))
    distance = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = np.zeros_like(distance)
    for i, row in enumerate(distance):
        nearest[i, np.argsort(row)[:3]] = 1.0
    return SpatialWeights.from_matrix(nearest, ids, name="queen")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["spectral", "nearest"])
def test_rscript_on_other_weights(tmp_path, panel, kind):
    """A W whose rows do not sum to 1 gets the direct approach only (nqpf refuses Lee-Yu then); complex
    eigenvalues go through both approaches."""
    if not r_with_spatialreg():
        pytest.skip("needs Rscript with the R packages spdep and spatialreg")
    frame, w = panel
    w = other_weights(kind, list(w.ids))
    if kind == "nearest":
        assert np.abs(np.linalg.eigvals(w.matrix.toarray()).imag).max() > 0.1
    fresh = run_r(exported(tmp_path / "results" / SPEC.study, frame, w))
    expected = nqpf_estimates(frame, w, methods=("direct",) if kind == "spectral" else ("lee_yu", "direct"))
    assert set(fresh["method"]) == set(expected["method"])
    assert_agree(fresh, expected)


# --- the scripts on the demo study's settings --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    path = REPO / "config" / "studies" / "demo_province.yaml"
    data = configuration.load_yaml(path)
    _, studies = configuration.load(data, [(str(path), data)])
    return studies[0].settings


def test_the_demo_main_sdm(demo):
    spec = crosscheck.main_sdm(demo)
    assert spec.weights == demo.model_weights[0] == "queen"
    assert spec.dependent == demo.models.dependent and spec.explanatory == tuple(demo.models.explanatory)
    assert spec.years == tuple(demo.model_years) and spec.method == "lee_yu"
    assert spec.draws == demo.models.effects.draws and spec.seed == demo.models.effects.seed
    assert crosscheck.targets("demo_province", demo) == [
        f"results/demo_province/crosscheck/{f}" for f in ("sdm.do", "sdm.R", "sdm_data.csv")
    ]
    assert crosscheck.MainSDM.from_dict(__import__("dataclasses").asdict(spec)) == spec


def test_no_sdm_no_scripts(demo):
    without = demo.model_copy(update={"models": demo.models.model_copy(update={"models": ["sar", "sem"]})})
    assert crosscheck.main_sdm(without) is None and crosscheck.targets("x", without) == []
    assert crosscheck.main_sdm(demo.model_copy(update={"models": None})) is None
    unit = demo.model_copy(update={"models": demo.models.model_copy(update={"fixed_effects": "unit"})})
    assert crosscheck.main_sdm(unit) is None
    several = demo.model_copy(
        update={
            "models": demo.models.model_copy(update={"method": ["direct", "lee_yu"], "weights": ["economic"]})
        }
    )
    assert (
        crosscheck.main_sdm(several).method == "direct" and crosscheck.main_sdm(several).weights == "economic"
    )


def test_the_do_file(demo):
    spec = crosscheck.main_sdm(demo)
    text = crosscheck.stata_script(spec)
    lines = text.splitlines()
    variables = " ".join((spec.dependent, *spec.explanatory))
    command = next(k for k, line in enumerate(lines) if line.startswith("xsmle "))
    call = lines[command].removesuffix("///") + lines[command + 1]
    assert call.split(",")[0] == f"xsmle {variables}"
    for option in (
        "wmat(W)",
        "model(sdm)",
        "fe type(both)",
        "effects",
        f"vceeffects(sim, nsim({spec.draws}))",
    ):
        assert option in call
    assert "leeyu" not in call  # xsmle applies it to individual effects only (see the module docstring)
    assert f"set seed {spec.seed}" in lines[command - 1]
    # the files, relative to results/<study>/crosscheck
    assert 'spmatrix import W_nqpf using `"../weights/queen.stata.txt"\', replace' in lines
    assert 'use `"../stata/panel.dta"\', clear' in lines
    assert "../weights/queen.stata.ids.csv" in text
    assert f"keep if inrange(year, {spec.years[0]}, {spec.years[-1]})" in lines
    # balanced, W's unit order as the panel variable, sorted by time then unit before xsmle
    order = [lines.index(s) for s in ("isid w_row year", "xtset w_row year", "sort year w_row")]
    assert order == sorted(order) and order[-1] < command
    assert f"assert _N == `units' * {len(spec.years)}" in lines
    assert lines.index("version 15") < lines.index("spmatrix matafromsp W_mata W_ids = W_nqpf")
    assert "/work" not in text and "\\" not in text.replace("\\n", "")  # no absolute or Windows paths
    assert text.count("preserve") == text.count("restore") == 1
    assert text.count("{") == text.count("}")
    # every non-comment line that goes on ends with ///
    for k, line in enumerate(lines):
        if line.rstrip().endswith("///"):
            assert lines[k + 1].startswith("    ")
    comments = " ".join(line.lstrip("* ") for line in lines if line.startswith("*"))
    assert "Belotti, Hughes and Mortari 2017, Stata Journal 17(1)" in comments
    assert "*     cd results/demo_province/crosscheck" in lines and "*     stata -b do sdm.do" in lines
    assert max(len(line) for line in lines if line.startswith("*")) <= 110


def test_the_r_script(demo):
    spec = crosscheck.main_sdm(demo)
    text = crosscheck.r_script(spec)
    assert 'weights_file <- "../weights/queen.matrix.csv"' in text
    assert 'data_file <- "sdm_data.csv"' in text and 'output_file <- "sdm_R.csv"' in text
    assert f'dependent <- "{spec.dependent}"' in text
    assert "explanatory <- c(" + ", ".join(f'"{v}"' for v in spec.explanatory) + ")" in text
    assert f"years <- seq({spec.years[0]}L, {spec.years[-1]}L)" in text
    assert 'method = "eigen"' in text and "optimize(loglik_ly" in text
    assert "-n_ly / 2 * log(sse / n_ly) + t_eff * (logdet(rho) - log(1 - rho))" in text
    libraries = set(re.findall(r"library\((\w+)\)", text)) | set(re.findall(r"(\w+)::", text))
    assert libraries <= {"spdep", "spatialreg"}  # base R and these only
    assert "splm" not in text
    assert text.count("(") == text.count(")") and text.count("{") == text.count("}")


def test_the_r_script_parses(tmp_path, demo):
    if shutil.which("Rscript") is None:
        pytest.skip("needs Rscript")
    path = tmp_path / "sdm.R"
    path.write_text(crosscheck.r_script(crosscheck.main_sdm(demo)), encoding="utf-8")
    result = subprocess.run(
        ["Rscript", "-e", f"invisible(parse({str(path)!r}))"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_names_are_quoted_or_refused():
    assert crosscheck.r_string('a"b\\c\n') == '"a\\"b\\\\c\\n"'
    assert crosscheck.r_string("新质生产力") == '"新质生产力"'
    assert crosscheck.stata_string("../weights/w-1.stata.txt") == '`"../weights/w-1.stata.txt"\''
    for bad in ({"dependent": "1y"}, {"explanatory": ("x", "int")}, {"explanatory": ("a" * 33,)}):
        with pytest.raises(InputError, match="Stata can carry"):
            crosscheck.stata_script(crosscheck.MainSDM(**{**SPEC.__dict__, **bad}))
    with pytest.raises(InputError, match="file path"):
        crosscheck.r_script(crosscheck.MainSDM(**{**SPEC.__dict__, "weights": "../w"}))
    with pytest.raises(InputError, match="consecutive"):
        crosscheck.r_script(crosscheck.MainSDM(**{**SPEC.__dict__, "years": (2015,)}))


def test_the_data_for_r_are_the_stata_panel(tmp_path, panel):
    frame, w = panel
    folder = exported(tmp_path / "results" / SPEC.study, frame, w)
    data = pd.read_csv(folder / crosscheck.DATA, dtype={"code": str})
    assert list(data.columns) == ["code", "year", "y", "x1", "x2"]
    np.testing.assert_array_equal(data[["y", "x1", "x2"]].to_numpy(), frame[["y", "x1", "x2"]].to_numpy())
    assert data["code"].tolist() == frame["code"].tolist()
    with pytest.raises(InputError, match="no column"):
        crosscheck.write_data(
            tmp_path / "results" / SPEC.study / "stata" / "panel.dta",
            tmp_path / "x.csv",
            crosscheck.MainSDM(**{**SPEC.__dict__, "dependent": "nqpf"}),
        )


def make_fixture() -> None:
    """Run sdm.R on the seeded panel and store its output with a first line saying how."""
    import tempfile

    versions = subprocess.run(
        ["Rscript", "-e", 'cat(R.version.string, "spatialreg", format(packageVersion("spatialreg")), '
         '"spdep", format(packageVersion("spdep")))'],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    with tempfile.TemporaryDirectory() as root:
        folder = exported(Path(root) / "results" / SPEC.study, *simulated())
        run_r(folder)
        body = (folder / crosscheck.R_RESULTS).read_text(encoding="utf-8")
    header = (
        "# Made by Rscript sdm.R (nqpf.study.crosscheck.r_script) on the seeded panel of tests/test_crosscheck.py "
        f"(seed {SEED}, {ROWS}x{COLS} queen lattice, {PERIODS} periods): {versions}\n"
    )
    FIXTURE.write_text(header + body, encoding="utf-8")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    make_fixture()
