"""The Snakemake workflow run as a user runs it: real DAG, real boundaries, configs only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import REFERENCE_DATA, REPO

pytestmark = pytest.mark.workflow
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]


# every job's full block in the output (rule, files, reason), which these tests read; a user's terminal shows one
# line per job
JOB_DETAILS = {**os.environ, "NQPF_JOB_DETAILS": "1"}


def run(workdir: Path, config: dict | None, *args: str) -> subprocess.CompletedProcess:
    command = SNAKEMAKE + ["--directory", str(workdir)]
    if config is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        command += ["--configfile", str(workdir / "config.yaml")]
    return subprocess.run(
        command + list(args),
        capture_output=True,
        text=True,
        cwd=workdir if workdir.exists() else None,
        env=JOB_DETAILS,
    )


def default_study(name: str) -> dict:
    return yaml.safe_load((REPO / "config" / "studies" / f"{name}.yaml").read_text(encoding="utf-8"))


def test_dry_run_shows_the_dag_of_the_default_studies():
    result = subprocess.run(
        SNAKEMAKE + ["-n", "--forceall"], capture_output=True, text=True, cwd=REPO, env=JOB_DETAILS
    )
    assert result.returncode == 0, result.stderr
    for rule in ("boundaries", "boundary_contiguity", "demo_statistics", "panel", "all"):
        assert f"rule {rule}:" in result.stdout or f"localrule {rule}:" in result.stdout
    for target in ("results/demo_province/data/panel.csv", "results/demo_city/data/panel.csv"):
        assert target in result.stdout


def test_a_study_file_that_lists_study_files_is_refused(tmp_path):
    config = {"studies": [str(REPO / "config" / "studies" / "demo_province.yaml")]}
    (tmp_path / "nested.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run(tmp_path / "w", {"studies": [str(tmp_path / "nested.yaml")]}, "-n")
    assert result.returncode != 0
    assert "lists further study files" in result.stdout + result.stderr


def test_a_configuration_error_stops_without_a_traceback(tmp_path):
    """A key given twice (YAML would keep the last silently) stops before any job: file, line, fix, exit 1."""
    workdir = tmp_path / "w"
    workdir.mkdir()
    study = REPO / "config" / "studies" / "demo_province.yaml"
    (workdir / "config.yaml").write_text(
        f"studies:\n  - {study}\nboundaries:\n  snap_tolerances_m: [10]\nboundaries:\n  snap_tolerances_m: [20]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        SNAKEMAKE + ["--directory", str(workdir), "--configfile", str(workdir / "config.yaml"), "-n"],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "the key 'boundaries' is given twice (first on line 3)" in output and "row 5" in output
    assert "Traceback" not in output and 'File "' not in output


def test_lint_is_clean():
    result = subprocess.run(SNAKEMAKE + ["--lint"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations" in result.stdout + result.stderr


def test_demo_province_runs_a_few_targets(tmp_path):
    """A smoke run of the stages up to one model (ESDA on one W with 999 permutations, to keep it short); the
    whole study, byte for byte with 1 and 8 cores, on a rerun and after a kill, is checked by
    tests/test_reproducibility.py (slow)."""
    config = default_study("demo_province")
    config["studies"][0]["esda"].update(weights=["queen"], permutations=999, bivariate=[])
    targets = [
        "results/demo_province/data/panel.csv",
        "results/demo_province/indices/coupling/nqpf_infrastructure.csv",
        "results/demo_province/disparity/dagum_gini.csv",
        "results/demo_province/esda/named_clusters.csv",
    ] + [f"results/demo_province/weights/{w}.summary.json" for w in ("queen", "nested")]
    targets += [f"results/demo_province/models/queen/{f}" for f in ("effects.csv", "tests.csv", "fit.json")]
    result = run(tmp_path / "run", config, "--cores", "2", *targets)
    assert result.returncode == 0, result.stderr[-3000:]
    made = {p.name for p in (tmp_path / "run/results/demo_province").rglob("*") if p.is_file()}
    assert {
        "queen.gal",
        "queen.gwt",
        "queen.summary.json",
        "nested.gwt",
        "nqpf.csv",
        "nqpf.weights.csv",
        "nqpf_infrastructure.csv",
        "dagum_gini.csv",
        "theil.csv",
        "convergence.csv",
    } <= made
    frame = pd.read_csv(tmp_path / "run/results/demo_province/data/panel.csv", dtype={"code": str})
    assert len(frame) == 31 * 12 and frame["code"].nunique() == 31
    assert list(frame.columns[:3]) == ["code", "name", "year"]
    text = (tmp_path / "run/results/demo_province/data/validation.md").read_text(encoding="utf-8")
    assert "Simulated demo data" in text and "variables with gaps: none" in text
    assert (tmp_path / "run/logs/demo_province/panel.log").exists()
    # the two-way FE SDM recovers the signs the demo's process set: direct > 0, indirect < 0, both significant
    effects = pd.read_csv(tmp_path / "run/results/demo_province/models/queen/effects.csv")
    effects = effects[effects["model"] == "sdm"]
    infrastructure = effects[(effects["spec"] == "main") & (effects["variable"] == "infrastructure")]
    infrastructure = infrastructure.set_index("effect")
    assert infrastructure.loc["direct", "ci_low"] > 0
    assert infrastructure.loc["indirect", "ci_high"] < 0


def test_demo_city_finds_the_three_named_hot_spots(tmp_path):
    """The demo's prefecture-level NQPF has significant High-High clusters matched to the Bohai Rim, the Yangtze
    River Delta and the Pearl River Delta (queen W, FDR 0.05; 999 permutations to keep the test short)."""
    config = default_study("demo_city")
    config["studies"][0]["esda"].update(weights=["queen"], permutations=999, bivariate=[])
    result = run(tmp_path, config, "--cores", "2", "results/demo_city/esda/named_clusters.csv")
    assert result.returncode == 0, result.stderr[-3000:]
    found = pd.read_csv(tmp_path / "results/demo_city/esda/named_clusters.csv")
    lisa = found[(found["statistic"] == "lisa") & (found["variable"] == "nqpf")]
    for year, clusters in lisa.groupby("year"):
        assert {"Bohai Rim", "Yangtze River Delta", "Pearl River Delta"} <= set(clusters["region"]), year
    prd = lisa[lisa["region"] == "Pearl River Delta"]
    assert prd["jaccard"].max() > 0.6  # the PRD cluster is most of the nine cities


def test_bad_config_stops_before_any_job(tmp_path):
    config = default_study("demo_province")
    config["studies"][0]["statistics"]["files"][0]["unti"] = "地区"
    result = run(tmp_path, config, "--cores", "1")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Additional properties are not allowed ('unti' was unexpected)" in output
    assert not (tmp_path / "results").exists()


def test_bad_statistics_stop_with_a_clear_message_and_no_output(tmp_path):
    data = tmp_path / "stats.csv"
    data.write_text("地区,年份,GDP\n北京,2019,1\n天津,2019,2.5亿\n", encoding="utf-8")
    config = {
        "studies": [
            {
                "name": "bad",
                "units": {"level": "province"},
                "years": {"first": 2019, "last": 2019},
                "statistics": {
                    "files": [
                        {
                            "path": str(data),
                            "layout": "wide",
                            "unit": "地区",
                            "year": "年份",
                            "variables": {"GDP": "gdp"},
                        }
                    ]
                },
            }
        ]
    }
    result = run(tmp_path, config, "--cores", "1", "results/bad/data/panel.csv")
    assert result.returncode != 0
    log = (tmp_path / "logs/bad/panel.log").read_text(encoding="utf-8")
    assert f"{data} row 3, column GDP: '2.5亿'" in log
    assert "fix:" in log
    assert not (tmp_path / "results/bad/data/panel.csv").exists()
    assert not (tmp_path / "results/bad/data/validation.md").exists()


@pytest.mark.reference_data
def test_real_provincial_panel_with_short_names(tmp_path):
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is absent")
    config = {
        "studies": [
            {
                "name": "real_province",
                "units": {"level": "province"},
                "years": {"first": 2011, "last": 2022},
                "statistics": {
                    "files": [
                        {
                            "path": str(REFERENCE_DATA / "province_panel/panel_long.csv"),
                            "layout": "long",
                            "unit": "province",
                            "year": "year",
                            "variable": "variable",
                            "value": "value",
                        }
                    ]
                },
                "derived": {"rd_share": "rd_expenditure / gdp * 100"},
                "panel": {"require_complete": ["gdp", "rd_intensity", "patents_invention"]},
            }
        ]
    }
    result = run(tmp_path, config, "--cores", "2", "results/real_province/data/panel.csv")
    assert result.returncode == 0, result.stderr[-3000:]
    data = tmp_path / "results/real_province/data"
    matches = pd.read_csv(data / "unit_matches.csv", dtype={"code": str})
    assert len(matches) == 31 and matches["code"].nunique() == 31
    assert set(matches["method"]) == {"short name"}
    frame = pd.read_csv(data / "panel.csv", dtype={"code": str})
    assert len(frame) == 31 * 12 and frame.drop(columns=["code", "name", "year"]).notna().all().all()
    beijing_2022 = frame[(frame.code == "110000") & (frame.year == 2022)].iloc[0]
    # R&D expenditure over GDP agrees with the published R&D intensity to its rounding.
    assert beijing_2022["rd_share"] == pytest.approx(beijing_2022["rd_intensity"], abs=0.06)


@pytest.mark.reference_data
def test_real_city_panel_with_float_and_old_codes(tmp_path):
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is absent")
    config = {
        "studies": [
            {
                "name": "real_city",
                "units": {"level": "prefecture"},
                "years": {"first": 2019, "last": 2019},
                "statistics": {
                    "files": [
                        {
                            "path": str(REFERENCE_DATA / "city_rgdp_chen/city_rgdp.csv"),
                            "layout": "wide",
                            "unit": "Ctnm_id",
                            "year": "Sgnyea",
                            "variables": {"Gdpct01": "gdp", "GDP_PerCapita": "gdp_per_capita"},
                        }
                    ],
                    "unmatched": "drop",
                },
            }
        ]
    }
    result = run(tmp_path, config, "--cores", "2", "results/real_city/data/panel.csv")
    assert result.returncode == 0, result.stderr[-3000:]
    data = tmp_path / "results/real_city/data"
    matches = pd.read_csv(data / "unit_matches.csv", dtype={"code": str, "raw": str})
    assert len(matches) == 337
    matched = matches[matches["method"] != "unmatched"]
    assert len(matched) >= 335 and matched["code"].is_unique
    assert set(matches.loc[matches["method"] == "unmatched", "raw"]) == {"429000"}
    assert set(matched["method"]) == {"code", "crosswalk: recoded", "crosswalk: municipality"}
    by_raw = matched.set_index("raw")["code"]
    assert by_raw["5e+05"] == "500100"  # Chongqing, written by R in scientific notation
    assert by_raw["110000"] == "110100" and by_raw["469003"] == "460400"
    text = (data / "validation.md").read_text(encoding="utf-8")
    assert "429000" in text and "652100 吐鲁番地区 was recoded as 650400 吐鲁番市" in text


def test_a_users_weights_file_is_an_input_and_is_recorded(tmp_path, province_gdf):
    """Editing a study's own W file reruns its weights job, and the manifest records the file (so that
    `make reproduce` copies it and notices a change)."""
    from nqpf import weights
    from nqpf.units import boundaries
    from nqpf.weights import files

    boundaries.write(province_gdf, tmp_path / "resources/boundaries/province.gpkg", layer="province")
    (tmp_path / "data").mkdir()
    rows = ["地区,年份,产出"] + [
        f"{code},{year},{i + year / 1000}"
        for i, code in enumerate(province_gdf["code"])
        for year in (2020, 2021)
    ]
    (tmp_path / "data/stats.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    queen, _ = weights.build({"name": "q", "kind": "contiguity"}, province_gdf)
    files.write_gal(list(queen.ids), queen.raw, tmp_path / "data/w.gal")
    config = {
        "studies": [
            {
                "name": "own",
                "units": {"level": "province"},
                "years": {"first": 2020, "last": 2021},
                "statistics": {
                    "files": [
                        {
                            "path": "data/stats.csv",
                            "layout": "wide",
                            "unit": "地区",
                            "year": "年份",
                            "variables": {"产出": "output"},
                        }
                    ]
                },
                "weights": [{"name": "user", "kind": "file", "path": "data/w.gal"}],
            }
        ]
    }
    target = "results/own/weights/user.summary.json"
    result = run(tmp_path, config, "--cores", "1", target)
    assert result.returncode == 0, result.stderr[-3000:]
    edited = queen.raw.tolil()
    i, j = queen.raw.nonzero()[0][0], queen.raw.nonzero()[1][0]
    edited[i, j] = edited[j, i] = 0.0  # the user edits the file: one link less
    files.write_gal(list(queen.ids), edited.tocsr(), tmp_path / "data/w.gal")
    dry = run(tmp_path, config, "-n", target, "--quiet", "host")  # with the reasons the profile leaves out
    assert (
        "rule weights:" in dry.stdout
        and "data/w.gal" in dry.stdout.split("rule weights:")[1].split("reason:")[1]
    )
    manifest = run(tmp_path, config, "-n", "results/own/manifest.json")
    block = manifest.stdout.split("rule manifest:")[1].split("output:")[0]
    assert "data/w.gal" in block
