# The figures of a study (their rules are in figures.smk, indices.smk and esda.smk): which index maps and model
# figures it gets, and the outputs of the jobs that draw several figures of a study, one rule per study.
from nqpf.models.settings import EFFECT_MODELS as _EFFECT_MODELS


def effect_models(s):
    """The study's models that have direct, indirect and total effects."""
    return [m for m in s.models.models if m in _EFFECT_MODELS]


def _item_figures(kind, pngs, caption, category):
    """The outputs of one figure of ``kind`` for each item (model, variable) of ``pngs``, which maps each to its
    PNG. Each figure is named ``<kind>[<item>]``: figures.style.FigureFiles finds a figure's files by its name and
    an underscore, which with ``<kind>_<item>`` would take kernel_gdp_growth's files for kernel_gdp's."""
    outputs = {}
    for item, png in pngs.items():
        outputs.update(figure_outputs(f"{kind}[{item}]", png, caption, category))
    return outputs


def model_figure_outputs(name):
    """Every file of the job that draws the model figures of study ``name`` (model_figures_<study>), the
    coefficients of every model (``coefficients``) and the effects of each model that has them
    (``effects[<model>]``)."""
    base = "results/{study}/figures"
    outputs = figure_outputs("coefficients", f"{base}/coefficients.png", "../report/coefficients.rst", "Models")
    pngs = {model: f"{base}/effects_{model}.png" for model in effect_models(STUDIES[name])}
    return outputs | _item_figures("effects", pngs, "../report/effects_plot.rst", "Models")


def disparity_figure_outputs(name):
    """Every file of the job that draws the disparity figures of study ``name`` (disparity_figures_<study>), the
    kernel densities (``kernel[<variable>]``) and the Dagum Gini decomposition (``gini[<variable>]``) of each
    disparity variable."""
    outputs = {}
    for kind in ("kernel", "gini"):
        pngs = {v: f"results/{{study}}/disparity/{kind}_{v}.png" for v in STUDIES[name].disparity.variables}
        outputs.update(_item_figures(kind, pngs, f"../report/{kind}.rst", "Disparity"))
    return outputs


def ellipse_outputs(name):
    """Every file of the job that draws the ellipse maps of study ``name`` (ellipse_maps_<study>), the map of each
    of its centrography variables (``ellipse[<variable>]``)."""
    pngs = {v: f"results/{{study}}/esda/ellipse_{v}.png" for v in STUDIES[name].centrography.variables}
    return _item_figures("ellipse", pngs, "../report/ellipse_map.rst", "ESDA")


def figure_targets(name, s):
    stems = [f"map_{spec.name}" for spec in s.indices] if s.units.has_polygons else []  # maps need polygons
    if stems and s.figures.map_layout == "per_year":
        years = s.figures.map_years_of(s.year_list)
        stems += [f"map_{spec.name}_{year}" for spec in s.indices for year in years]
    if s.models is not None:
        stems.append("coefficients")
        stems += [f"effects_{model}" for model in effect_models(s)]
    return [path for stem in stems for path in figure_files(f"results/{name}/figures/{stem}.png")]
