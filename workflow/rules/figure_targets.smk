# The figures of a study (their rules are in figures.smk): which index maps and model figures it gets.
from nqpf.models.effects import EFFECT_MODELS as _EFFECT_MODELS

FIGURE_FORMATS = ("png", "pdf")


def figure_settings(s):
    return s.get("figures") or {}


def map_years(s):
    """Years of the index maps: figures.map_years, else every year of the study up to 12, else the first,
    middle and last."""
    years = list(range(s["years"]["first"], s["years"]["last"] + 1))
    default = years if len(years) <= 12 else [years[0], years[len(years) // 2], years[-1]]
    return figure_settings(s).get("map_years") or default


def effect_models(s):
    """The study's models that have direct, indirect and total effects."""
    return [m for m in s["models"].get("models", MODELS_DEFAULT) if m in _EFFECT_MODELS]


def figure_targets(name, s):
    stems = [f"map_{spec['name']}" for spec in s.get("indices", [])]
    if s.get("models"):
        stems.append("coefficients")
        stems += [f"effects_{model}" for model in effect_models(s)]
    return [f"results/{name}/figures/{stem}.{fmt}" for stem in stems for fmt in FIGURE_FORMATS]

