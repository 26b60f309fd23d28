"""The mechanism stages: the result frames the mediation, moderation and quadratic jobs write (the ``frames`` of
nqpf.models.mechanisms), the publication tables made of them in English and Chinese, and the settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from nqpf.models import mechanisms
from nqpf.models.settings import ModelsSettings
from nqpf.tables import mechanisms as tables
from nqpf.tables.labels import Labels
from tests.test_mechanisms import WEIGHTS, mediation_panel, moderation_panel, quadratic_panel

LABELS = {
    "x": {"en": "New infrastructure", "zh": "新型基础设施"},
    "m": {"en": "Digital finance", "zh": "数字普惠金融"},
    "y": {"en": "NQPF", "zh": "新质生产力"},
}


def _both(analyse, data, *roles, **options):
    """The fixed-effects and the SDM frames of one analysis (with a control z), stacked as the job writes
    them."""
    data = data.assign(z=np.random.default_rng(0).normal(size=len(data)))
    parts = [analyse(data, "y", *roles, ["z"], **options).frames()]
    parts.append(analyse(data, "y", *roles, ["z"], w=WEIGHTS, draws=200, **options).frames())
    return {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}


def test_the_mediation_frames_and_tables():
    data = mediation_panel(1)
    result = mechanisms.mediation(data, "y", "x", "m", ["z"], w=WEIGHTS, bootstrap=50, draws=200, seed=2)
    frames = result.frames()
    assert set(frames) == {"steps", "indirect", "effects", "estimates", "fit"}
    assert list(frames["fit"]["spec"]) == ["total", "a", "direct", "spatial_m", "spatial_y"]
    assert list(frames["fit"]["model"]) == ["fe", "fe", "fe", "sdm", "sdm"]
    a = frames["estimates"].set_index(["spec", "term"]).loc[("a", "x"), "estimate"]
    assert a == pytest.approx(result.fits["a"].params["x"], rel=1e-12)
    assert a == pytest.approx(result.steps.set_index("symbol").loc["a", "estimate"], rel=1e-12)
    for language in ("en", "zh"):
        labels = Labels(language, LABELS)
        table = tables.mediation("m", frames["estimates"], frames["fit"], frames["indirect"], labels)
        assert table.name == "mediation_m" and len(table.columns) == 4
        first = table.blocks[0].rows
        assert first[0].label.text == LABELS["x"][language]
        assert first[0].cells[1].text.startswith(f"{a:.3f}")  # column (2): X -> M
        assert first[2].label.text == LABELS["m"][language] and first[2].cells[1].text == ""  # M not in (2)
        test = table.blocks[2]
        assert test.header[1].text == "a × b"
        indirect = frames["indirect"].iloc[0]
        assert test.rows[0].cells[0].text.rstrip("*") == f"{indirect['indirect']:.3f}"
        spatial = tables.spatial_mediation("m", frames["effects"], frames["fit"], labels)
        assert len(spatial.blocks[0].rows) == 10  # five paths, each with its standard errors
        mediated = frames["effects"].set_index(["path", "effect"]).loc[("X -> M -> Y (mediated)", "total")]
        assert spatial.blocks[0].rows[6].cells[2].text.rstrip("*") == f"{mediated['estimate']:.3f}"


def test_the_mediation_without_w_has_no_spatial_rows():
    frames = mechanisms.mediation(mediation_panel(2), "y", "x", "m", ["z"], bootstrap=0).frames()
    assert frames["effects"].empty and list(frames["effects"].columns) == mechanisms.EFFECT_COLUMNS
    assert list(frames["fit"]["spec"]) == ["total", "a", "direct"]


def test_the_moderation_frames_and_table():
    data = moderation_panel(3)
    frames = _both(mechanisms.moderation, data, "x", "m", seed=1, points=5)
    assert set(frames["marginal"]["spec"]) == {"fe", "sdm"}
    fe = frames["marginal"][frames["marginal"]["spec"] == "fe"]
    assert set(fe["effect"]) == {"marginal"} and len(fe) == 6  # five percentiles and the mean
    assert set(frames["effects"]["spec"]) == {"sdm"}
    assert "x_x_m" in set(frames["effects"]["variable"])
    facts = frames["fit"].set_index("spec")
    assert facts.loc["fe", "moderator_mean"] == pytest.approx(data["m"].mean())
    for language in ("en", "zh"):
        labels = Labels(language, LABELS)
        table = tables.moderation("m", frames["estimates"], frames["fit"], frames["effects"], labels)
        assert len(table.columns) == 6  # variable, FE, SDM, direct, indirect, total
        product = table.blocks[0].rows[4]
        assert product.label.text == f"{LABELS['x'][language]} × {LABELS['m'][language]}"
        direct = frames["effects"].set_index(["variable", "effect"]).loc[("x_x_m", "direct"), "estimate"]
        assert product.cells[2].text.rstrip("*") == f"{direct:.3f}"
        lagged = [r.label.text for r in table.blocks[1].rows if r.kind != "se"]
        assert lagged[-1] == "ρ" and lagged[2] == f"W × {LABELS['x'][language]} × {LABELS['m'][language]}"
        assert all(len(r.cells) == 5 for block in table.blocks for r in block.rows)


def test_the_quadratic_frames_and_table():
    data = quadratic_panel(4)
    frames = _both(mechanisms.quadratic, data, "x", seed=1)
    assert list(frames["turning"]["effect"]) == [
        "coefficients",
        "coefficients",
        "direct",
        "indirect",
        "total",
    ]
    assert list(frames["slopes"]["at"]) == ["min", "max"] and set(frames["slopes"]["spec"]) == {"fe"}
    for language in ("en", "zh"):
        labels = Labels(language, LABELS)
        table = tables.quadratic(
            "x", frames["estimates"], frames["fit"], frames["turning"], frames["slopes"], labels
        )
        assert table.blocks[0].rows[2].label.text == f"{LABELS['x'][language]}²"
        turning = table.blocks[2]
        point = frames["turning"].iloc[0]
        assert turning.rows[0].cells[0].text.rstrip(" ‡").startswith(f"{point['turning_point']:.3f}"[:5])
        assert len(turning.rows) == 5 + 4  # five turning points, two slopes with their standard errors
        assert all(len(r.cells) == 2 for block in table.blocks for r in block.rows)


def test_the_mechanisms_settings():
    base = {"dependent": "y", "explanatory": ["x", "m", "z"]}
    settings = ModelsSettings.model_validate({**base, "mechanisms": {"mediators": ["m"]}})
    assert settings.treatment == "x"
    assert settings.mechanism_controls("m") == ["z"]  # the mediator is no control of its own analysis
    assert settings.mechanisms.bootstrap == mechanisms.BOOTSTRAP
    with pytest.raises(ValidationError, match="lists no mediators"):
        ModelsSettings.model_validate({**base, "mechanisms": {}})
    with pytest.raises(ValidationError, match="more than once"):
        ModelsSettings.model_validate({**base, "mechanisms": {"moderators": ["m", "m"]}})
    other = ModelsSettings.model_validate({**base, "mechanisms": {"treatment": "z", "quadratic": ["z"]}})
    assert other.treatment == "z" and other.mechanism_controls("z") == ["x", "m"]
    assert np.isfinite(settings.mechanisms.level)
