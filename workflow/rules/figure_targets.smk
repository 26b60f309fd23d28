# The figures of a study (their rules are in figures.smk): which index maps and model figures it gets.
from nqpf.models.effects import EFFECT_MODELS as _EFFECT_MODELS

def effect_models(s):
    """The study's models that have direct, indirect and total effects."""
    return [m for m in s.models.models if m in _EFFECT_MODELS]


def figure_targets(name, s):
    stems = [f"map_{spec.name}" for spec in s.indices] if s.units.has_polygons else []  # maps need polygons
    if stems and s.figures.map_layout == "per_year":
        years = s.figures.map_years_of(s.year_list)
        stems += [f"map_{spec.name}_{year}" for spec in s.indices for year in years]
    if s.models is not None:
        stems.append("coefficients")
        stems += [f"effects_{model}" for model in effect_models(s)]
    return [path for stem in stems for path in figure_files(f"results/{name}/figures/{stem}.png")]
