"""Corrupted real inputs (tests/corruption.py): each stops cleanly with a located InputError, or gives the clean
result (or the clean panel with explicit, listed gaps) and reports what it did; never a traceback, never a
silently different number. The default suite runs a stratified subset; ``-m slow`` runs every combination."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from nqpf.errors import InputError
from nqpf.panel import validation
from tests import corruption
from tests.conftest import REFERENCE_DATA

pytestmark = pytest.mark.reference_data

ALL = corruption.all_cases()
DEFAULT = corruption.default_cases(ALL)
DEFAULT_IDS = {case.id for case in DEFAULT}


def _param(case: corruption.Case, slow: bool):
    marks = [pytest.mark.slow] if slow else []
    if case.xfail:
        marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def sources(province_units, tmp_path_factory):
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is absent")
    return corruption.build_sources(REFERENCE_DATA, province_units, tmp_path_factory.mktemp("corruption"))


def report_text(call: corruption.Call, result, sources, tmp_path) -> str:
    """Everything a user reads about a run: the validation report, the notes and drops, the unit matches and
    the file reports (panel); the summary (weights); the actions (boundaries)."""
    if call.domain == "panel":
        units = sources.units[call.dataset]
        text = validation.report(result, study="t", units=units, boundary_source="boundaries.gpkg")
        parts = [
            text,
            *result.notes,
            repr(result.dropped),
            result.matches.to_csv(index=False),
            repr(result.files),
        ]
        return "\n".join(parts).replace(str(tmp_path), "<tmp>")  # the folder's name holds the case id
    if call.domain == "weights":
        from nqpf.weights.summary import summarise

        return json.dumps(summarise(result)) + "\n" + "\n".join(result.actions)
    if call.domain == "boundaries":
        return "\n".join(result[1].actions)
    return ""


def check_stop(case: corruption.Case, call: corruption.Call) -> None:
    expect = case.expect
    try:
        result = call.run()
    except InputError as err:
        message = str(err)
        assert err.fix, f"no fix in:\n{message}"
        if call.domain == "configuration":
            assert err.file or err.key, f"neither file nor key named in:\n{message}"
        else:
            assert err.file, f"no file named in:\n{message}"
        assert any(getattr(err, name) not in (None, "") for name in ("row", "unit", "column", "key")), message
        missing = [name for name in expect.where if getattr(err, name) in (None, "")]
        assert not missing, f"the error does not name its {', '.join(missing)}:\n{message}"
        assert re.search(expect.says, message, re.S), f"expected /{expect.says}/ in:\n{message}"
        return
    pytest.fail(f"expected a stop (/{expect.says}/), got a result: {type(result).__name__}")


def check_panel(case, call, result, sources, tmp_path) -> None:
    clean = sources.panels[call.dataset]
    expect = case.expect
    text = report_text(call, result, sources, tmp_path)
    if isinstance(expect, corruption.Gap):
        codes = sources.codes[call.dataset]
        cells = [(variable, codes[unit], year) for variable, unit, year in call.cells]
        assert cells, "a gap case names its cells"
        expected = clean.copy()
        for variable, code, year in cells:
            expected.loc[(expected["code"] == code) & (expected["year"] == year), variable] = np.nan
        pd.testing.assert_frame_equal(result.panel, expected)
        listed = set(result.gaps[["variable", "code", "year"]].itertuples(index=False, name=None))
        assert listed == set(cells), f"gaps {sorted(listed)} are not the corrupted cells {cells}"
    else:
        pd.testing.assert_frame_equal(result.panel, clean)
        assert result.gaps.empty
    if expect.report is not None:
        assert re.search(expect.report, text), f"the report does not say /{expect.report}/:\n{text[-3000:]}"


def check_weights(case, call, w, sources, tmp_path) -> None:
    from nqpf.weights.core import clean

    assert list(w.ids) == sources.w_ids
    expected = sources.w_raw if isinstance(case.expect, corruption.Same) else clean(call.expected)
    assert (w.raw != expected).nnz == 0, "the weights differ from what the file says"
    assert np.array_equal(w.raw.toarray(), expected.toarray())
    if isinstance(case.expect, corruption.Changed):
        assert (w.raw != sources.w_raw).nnz > 0
        text = report_text(call, w, sources, tmp_path)
        assert re.search(case.expect.report, text), f"the summary does not say /{case.expect.report}/"


def check_boundaries(case, call, result, sources, tmp_path) -> None:
    gdf, report = result
    clean = sources.hunan_gdf
    text = report_text(call, result, sources, tmp_path)
    if isinstance(case.expect, corruption.Same):
        pd.testing.assert_frame_equal(
            pd.DataFrame(gdf.drop(columns="geometry")), pd.DataFrame(clean.drop(columns="geometry"))
        )
        assert gdf.geometry.geom_equals_exact(clean.geometry, tolerance=1e-9).all()
    else:  # a repaired polygon: that unit's geometry changes, nothing else
        changed = ~gdf.geometry.geom_equals_exact(clean.geometry, tolerance=1e-9)
        assert gdf.loc[changed, "code"].tolist() == [call.expected]
        assert gdf.geometry.is_valid.all()
        pd.testing.assert_frame_equal(
            pd.DataFrame(gdf.drop(columns=["geometry", "area_km2"])),
            pd.DataFrame(clean.drop(columns=["geometry", "area_km2"])),
        )
    if case.expect.report is not None:
        assert re.search(case.expect.report, text), f"the report does not say /{case.expect.report}/:\n{text}"


def check_configuration(case, call, result, sources, tmp_path) -> None:
    config, studies = result
    assert [s.settings.name for s in studies] == ["demo_province"]
    assert studies[0].settings.years.first == 2012 and studies[0].settings.years.last == 2023


def run_case(case: corruption.Case, sources, tmp_path) -> None:
    call = case.build(tmp_path, sources)
    if isinstance(case.expect, corruption.Stop):
        check_stop(case, call)
        return
    result = call.run()  # any exception here fails the case: the defect should have been handled
    check = {
        "panel": check_panel,
        "weights": check_weights,
        "boundaries": check_boundaries,
        "configuration": check_configuration,
    }[call.domain]
    check(case, call, result, sources, tmp_path)


@pytest.mark.parametrize("case", [_param(c, slow=False) for c in DEFAULT])
def test_corruption(case, sources, reference_data, tmp_path):
    run_case(case, sources, tmp_path)


@pytest.mark.parametrize("case", [_param(c, slow=True) for c in ALL if c.id not in DEFAULT_IDS])
def test_corruption_all(case, sources, reference_data, tmp_path):
    run_case(case, sources, tmp_path)


def test_the_default_subset_covers_every_kind_and_format():
    kinds = {("hunan-" if c.id.startswith("hunan-") else "") + c.kind for c in ALL}
    chosen = {("hunan-" if c.id.startswith("hunan-") else "") + c.kind for c in DEFAULT}
    assert chosen == kinds
    assert {c.format for c in DEFAULT} == {c.format for c in ALL}
    assert len(DEFAULT) >= 40 and len(ALL) >= 200
    assert len({c.id for c in ALL}) == len(ALL)
