"""Regression tables: model selection (LM, robust LM, LR, Wald, Hausman), the main SAR / SEM / SDM table,
direct / indirect / total effects, robustness across weights matrices and regional heterogeneity.

Layouts follow Elhorst (2014, Spatial Econometrics, ch. 3) and the applied NQPF literature: estimates with
stars and standard errors in parentheses below, fixed-effect rows, then rho, sigma^2, log-likelihood, R^2, N, T.
When the results hold several estimation methods (``models.method: [lee_yu, direct]``), every column of a table is
repeated for each method under a spanning header naming it, as esttab's model groups do, and the model selection
tests come in one block per method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.units import region_sets

LM_TESTS = ("lm_lag", "robust_lm_lag", "lm_error", "robust_lm_error")
LM_SPECS = (("pooled", "pooled"), ("unit", "unit_fe"), ("time", "time_fe"), ("two-way", "two_way_fe"))
SELECTION_TESTS = (
    "wald_sdm_vs_sar",
    "lr_sdm_vs_sar",
    "wald_sdm_vs_sem",
    "lr_sdm_vs_sem",
    "wald_sdem_vs_sem",
    "lr_sdem_vs_sem",
    "lr_unit_effects",
    "lr_time_effects",
)
EFFECTS = ("direct", "indirect", "total")
SPATIAL = ("rho", "lambda")


@dataclass(frozen=True)
class Results:
    """The merged model results of a study (models/estimates.csv, effects.csv, tests.csv, fit.csv, and the units
    left out for gaps, models/dropped_units.csv)."""

    estimates: pd.DataFrame
    effects: pd.DataFrame
    tests: pd.DataFrame
    fit: pd.DataFrame
    dropped: pd.DataFrame | None = None

    @property
    def methods(self) -> list[str | None]:
        """The estimation methods in the order estimated, when the results hold several (a ``method`` column);
        else ``[None]``: one method, which needs no selecting."""
        if "method" not in self.estimates.columns:
            return [None]
        return [str(m) for m in dict.fromkeys(self.estimates["method"])]

    def pick(
        self, table: str, model: str, weights: str, spec: str = "main", method: str | None = None
    ) -> pd.DataFrame:
        frame = getattr(self, table)
        keep = (frame["model"] == model) & (frame["weights"] == weights) & (frame["spec"] == spec)
        if method is not None and "method" in frame.columns:
            keep &= frame["method"] == method
        return frame[keep]

    def fit_of(
        self, model: str, weights: str, spec: str = "main", method: str | None = None
    ) -> pd.Series | None:
        hit = self.pick("fit", model, weights, spec, method)
        return None if hit.empty else hit.iloc[0]


def method_groups(methods, span: int, labels: Labels) -> tuple[tuple[Cell, int], ...]:
    """Spanning headers naming each method over its ``span`` columns; none for a single method."""
    if len(methods) < 2:
        return ()
    return tuple((Cell(labels.term(f"method_{method}")), span) for method in methods)


def dropped_notes(results: Results, labels: Labels) -> list[str]:
    """The note naming the units ``models.balance: drop_units`` left out, with the variable-years that made
    each drop; none when no unit was dropped."""
    dropped = results.dropped
    if dropped is None or dropped.empty:
        return []
    units = []
    for code, part in dropped.groupby("code", sort=False):
        name = part["name"].iloc[0]
        name = "" if pd.isna(name) else f" {name}"
        cells_ = "; ".join(
            f"{labels.name(variable)} {', '.join(str(int(y)) for y in years['year'])}"
            for variable, years in part.groupby("variable", sort=False)
        )
        units.append(f"{code}{name} ({cells_})")
    return [labels.term("dropped_units", n=len(units), units=", ".join(units))]


def _pair(row: pd.Series | None, decimals: int, style: cells.Style) -> tuple[Cell, Cell]:
    """An estimate with the stars of its p and, under it, its standard error or its t (z) statistic: the
    columns estimate, std_error, z and p of estimates.csv and effects.csv, so that the stars of an effect come
    from the same inference as the interval of the effects figure (ci_low, ci_high)."""
    if row is None:
        return cells.EMPTY, cells.EMPTY
    below = row["std_error"]
    if style.parentheses == "t":
        below = row["z"] if "z" in row and pd.notna(row["z"]) else row["estimate"] / row["std_error"]
        decimals = style.decimals
    return cells.estimate(row["estimate"], row["p"], decimals, style.stars), cells.standard_error(
        below, decimals
    )


def estimate_rows(label: Cell, found: list[pd.Series | None], style: cells.Style) -> list[Row]:
    """An estimate row with stars and the row in parentheses under it, with the decimals of the style (at least
    its decimals, more where the row needs them, unless fixed)."""
    decimals = style.decimals_of([r["estimate"] for r in found if r is not None])
    pairs = [_pair(r, decimals, style) for r in found]
    return [Row(label, tuple(p[0] for p in pairs)), Row(cells.EMPTY, tuple(p[1] for p in pairs), kind="se")]


def _lookup(frame: pd.DataFrame, key: str, value: str) -> pd.Series | None:
    hit = frame[frame[key] == value]
    return None if hit.empty else hit.iloc[0]


def model_selection(results: Results, weights: str, model: str, labels: Labels, notes=()) -> Table | None:
    """LM tests on OLS residuals under pooled, unit, time and two-way effects (Elhorst 2014, table 3.2 layout),
    then the LR and Wald tests of the Durbin model against its restrictions, the LR tests of the fixed effects
    and the Hausman tests, each with its decision at 5 %."""
    blocks = []
    methods = results.methods
    ols = results.tests[(results.tests["model"] == "ols") & (results.tests["weights"] == weights)]
    if methods[0] is not None:  # the LM tests on OLS residuals are the same under every method
        ols = ols[ols["method"] == methods[0]]
    if not ols.empty:
        rows = []
        for test in LM_TESTS:
            found = [_lookup(ols[ols["spec"] == spec], "test", test) for spec, _ in LM_SPECS]
            values = tuple(
                cells.EMPTY
                if r is None
                else cells.estimate(r["statistic"], r["p"], levels=labels.style.stars)
                for r in found
            )
            ps = tuple(cells.EMPTY if r is None else cells.standard_error(r["p"]) for r in found)
            rows += [Row(Cell(labels.term(test)), values), Row(cells.EMPTY, ps, kind="se")]
        blocks.append(Block(tuple(rows), title=Cell(labels.term("lm_block"))))
    for method in methods:
        rows = []
        main = results.tests[(results.tests["weights"] == weights) & (results.tests["spec"] == "main")]
        if method is not None:
            main = main[main["method"] == method]
        preferred = main[main["model"] == model]
        for test in SELECTION_TESTS:
            source = preferred if test.startswith(("lr_unit", "lr_time")) else main
            hit = _lookup(source, "test", test)
            if hit is not None:
                rows.append(_test_row(Cell(labels.term(test)), hit, labels))
        for name in dict.fromkeys(main["model"]):
            hit = _lookup(main[main["model"] == name], "test", "hausman")
            if hit is not None:
                rows.append(_test_row(Cell(labels.term("hausman", model=name.upper())), hit, labels))
        if rows:
            header = tuple(Cell(labels.term(k)) for k in ("test", "statistic", "df", "p", "decision"))
            title = labels.term("selection_block")
            if len(methods) > 1:
                title = labels.term("with_method", text=title, method=labels.term(f"method_{method}"))
            blocks.append(Block(tuple(rows), title=Cell(title), header=header))
    if not blocks:
        return None
    columns = (Cell(labels.term("test")), *(Cell(labels.term(key)) for _, key in LM_SPECS))
    title = labels.term("model_selection", weights=labels.name(weights))
    return Table(
        "model_selection", Cell(title), columns, tuple(blocks), (*notes, labels.term("p_in_parentheses"))
    )


def _test_row(label: Cell, hit: pd.Series, labels: Labels) -> Row:
    p = float(hit["p"])  # NaN where no test was made (a fit at the bound of W's interval): no decision either
    decision = labels.term("untested" if np.isnan(p) else "reject" if p < 0.05 else "keep")
    return Row(
        label,
        (
            cells.estimate(hit["statistic"], hit["p"], levels=labels.style.stars),
            Cell(cells.integer(hit["df"])),
            cells.p_value(hit["p"]),
            Cell(decision),
        ),
    )


def _terms(estimates: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The regressors and their spatial lags, in the order the models list them."""
    terms = list(dict.fromkeys(estimates["term"]))
    plain = [t for t in terms if not t.startswith("W.") and t not in SPATIAL]
    lagged = [t for t in terms if t.startswith("W.")]
    return plain, lagged


def _fit_rows(fits: list[pd.Series | None], labels: Labels, counts: bool = True) -> list[Row]:
    def column(key, fmt):
        return tuple(
            Cell(fmt(f[key]) if f is not None and key in f and pd.notna(f[key]) else "") for f in fits
        )

    rows = [
        Row(
            labels.symbol("sigma2"), column("sigma2", lambda v: cells.number(v, cells.decimals_to_show([v])))
        ),
        Row(Cell(labels.term("loglik")), column("loglik", lambda v: cells.number(v, 2))),
        Row(labels.symbol("r2"), column("r2", lambda v: cells.number(v, 3))),
    ]
    if counts:
        if labels.style.observations == "nt":
            observations = tuple(
                Cell(
                    cells.integer(f["n_units"] * f["n_periods"])
                    if f is not None and pd.notna(f.get("n_units")) and pd.notna(f.get("n_periods"))
                    else ""
                )
                for f in fits
            )
        else:
            observations = column("n_obs", cells.integer)
        rows += [
            Row(Cell(labels.term("n_units")), column("n_units", cells.integer)),
            Row(Cell(labels.term("n_periods")), column("n_periods", cells.integer)),
            Row(Cell(labels.term("n_obs")), observations),
        ]
    return rows


def observations_notes(fits, labels: Labels) -> list[str]:
    """The note saying which observation count the tables show, when some column's likelihood counts fewer
    than its N T unit-years (the Lee-Yu transformation); none otherwise, where the two are the same."""
    for f in fits:
        if f is None or not all(k in f and pd.notna(f[k]) for k in ("n_obs", "n_units", "n_periods")):
            continue
        if int(f["n_obs"]) != int(f["n_units"]) * int(f["n_periods"]):
            return [labels.term(f"observations_{labels.style.observations}")]
    return []


def _coefficient_blocks(results: Results, keys: list[tuple], labels: Labels) -> list[Block]:
    """Blocks of the coefficients (then those of the spatial lags, then rho and lambda) with one column per
    (model, weights, method) in ``keys`` (method None: the only one)."""
    parts = [results.pick("estimates", model, w, method=method) for model, w, method in keys]
    plain, lagged = _terms(pd.concat(parts))
    blocks = []
    for terms, label in ((plain, labels.name), (lagged, lambda t: labels.lagged(t[2:]))):
        rows = []
        for term in terms:
            name = label(term)
            rows += estimate_rows(
                name if isinstance(name, Cell) else Cell(name),
                [_lookup(part, "term", term) for part in parts],
                labels.style,
            )
        if rows:
            blocks.append(Block(tuple(rows)))
    spatial = []
    for term in SPATIAL:
        found = [_lookup(part, "term", term) for part in parts]
        if any(f is not None for f in found):
            spatial += estimate_rows(labels.symbol(term), found, labels.style)
    if spatial:
        blocks.append(Block(tuple(spatial)))
    return blocks


def _fixed_effect_rows(fits, labels: Labels) -> list[Row]:
    rows = []
    for key, present in (
        ("unit_effects_row", ("unit", "two-way")),
        ("time_effects_row", ("time", "two-way")),
    ):
        values = tuple(
            Cell(labels.term("yes" if f is not None and f["fixed_effects"] in present else "no"))
            for f in fits
        )
        rows.append(Row(Cell(labels.term(key)), values))
    return rows


def main_models(
    results: Results, models, weights: str, dependent: str, labels: Labels, notes=()
) -> Table | None:
    """Coefficients of each model on the main weights matrix side by side, with fixed-effect rows and fit; with
    several methods, the models of each method under a header naming it, numbered on across the methods."""
    models = [m for m in models if not results.pick("estimates", m, weights).empty]
    if not models:
        return None
    methods = results.methods
    keys = [(m, weights, method) for method in methods for m in models]
    blocks = _coefficient_blocks(results, keys, labels)
    fits = [results.fit_of(m, weights, method=method) for m, _, method in keys]
    blocks += [Block(tuple(_fixed_effect_rows(fits, labels))), Block(tuple(_fit_rows(fits, labels)))]
    headers, bound = _bound_marks([f"({i}) {m.upper()}" for i, (m, _, _) in enumerate(keys, 1)], fits, labels)
    columns = (Cell(labels.term("variable")), *headers)
    title = labels.term("main_models", dependent=labels.name(dependent), weights=labels.name(weights))
    return Table(
        "models_main",
        Cell(title),
        columns,
        tuple(blocks),
        (*notes, *_estimation_notes(fits, labels), *observations_notes(fits, labels), *bound),
        method_groups(methods, len(models), labels),
    )


def comparison(
    results: Results, keys: list[tuple[str, str]], headers: list[str], labels: Labels, explanatory, notes=()
) -> Table:
    """Several fits side by side, one column per (model, weights) in ``keys`` headed by ``headers``: the
    coefficients, the direct, indirect and total effects of the fits that have them, fixed effects and fit
    (the layout of the main model and robustness tables)."""
    blocks = _coefficient_blocks(results, [(model, w, None) for model, w in keys], labels)
    if any(not results.pick("effects", model, w).empty for model, w in keys):
        for effect in EFFECTS:
            rows = []
            for variable in explanatory:
                found = []
                for model, w in keys:
                    part = results.pick("effects", model, w)
                    part = part[(part["variable"] == variable) & (part["effect"] == effect)]
                    found.append(None if part.empty else part.iloc[0])
                rows += estimate_rows(Cell(labels.name(variable)), found, labels.style)
            blocks.append(Block(tuple(rows), title=Cell(labels.term(f"{effect}_block"))))
    fits = [results.fit_of(model, w) for model, w in keys]
    blocks += [Block(tuple(_fixed_effect_rows(fits, labels))), Block(tuple(_fit_rows(fits, labels)))]
    marked, bound = _bound_marks(headers, fits, labels)
    effect_fit = next(
        (f for f, (m, w) in zip(fits, keys, strict=True) if not results.pick("effects", m, w).empty), None
    )
    extra = [_effects_note(effect_fit, labels)] if effect_fit is not None else []
    return Table(
        "comparison",
        Cell(labels.term("comparison")),
        (Cell(labels.term("variable")), *marked),
        tuple(blocks),
        (*notes, *_estimation_notes(fits, labels), *extra, *observations_notes(fits, labels), *bound),
    )


def _bound_marks(names: list[str], fits, labels: Labels, described=None) -> tuple[list[Cell], list[str]]:
    """Column headers with a dagger where the spatial parameter sits at its bound, and the note saying so (which
    names the columns by ``described``, by their headers when not given)."""
    flags = [f is not None and str(f.get("at_bound")) == "True" for f in fits]
    headers = [Cell(name + (" †" if flag else "")) for name, flag in zip(names, flags, strict=True)]
    marked = [name for name, flag in zip(described or names, flags, strict=True) if flag]
    return headers, [labels.term("at_bound", columns=", ".join(marked))] if marked else []


def _estimation_notes(fits, labels: Labels) -> list[str]:
    """The standard errors' note and how the fits were estimated: the fixed effects and the bias correction, or,
    when the columns hold several methods, what each method is."""
    fit = next((f for f in fits if f is not None), None)
    out = [labels.se_note()]
    if fit is not None and isinstance(fit.get("fixed_effects"), str):
        methods = list(
            dict.fromkeys(f["method"] for f in fits if f is not None and isinstance(f.get("method"), str))
        )
        several = len(methods) > 1
        correction = labels.term("lee_yu") if fit.get("bias_correction") == "lee_yu" and not several else ""
        out.append(
            labels.term(
                "estimation_note", fe=labels.fixed_effects(fit["fixed_effects"]), correction=correction
            )
        )
        if several:
            out.append(
                labels.term(
                    "methods_note",
                    methods="; ".join(
                        labels.term(f"method_note_{m}", method=labels.term(f"method_{m}")) for m in methods
                    ),
                )
            )
    return out


def _effects_note(fit: pd.Series | None, labels: Labels) -> str:
    """How the effects were computed and where their p-values, stars and the figures' intervals come from (one
    inference for all: ``models.effects.inference``)."""
    if fit is not None and fit.get("effects_inference") == "simulation":
        text = labels.term("effects_note", draws=f"{int(fit['effects_draws']):,}")
        interval = fit.get("effects_interval")
        if isinstance(interval, str) and interval in ("normal", "percentile"):
            text += (" " if labels.language == "en" else "") + labels.term(f"effects_{interval}")
        return text
    return labels.term("effects_note_analytic")


def effects(
    results: Results, model: str, weights: str, explanatory, labels: Labels, notes=()
) -> Table | None:
    """Direct, indirect and total effects of every regressor (LeSage and Pace 2009) with standard errors; with
    several methods, the three columns of each method under a header naming it."""
    methods = results.methods
    data = [results.pick("effects", model, weights, method=method) for method in methods]
    if all(part.empty for part in data):
        return None
    rows = []
    for variable in explanatory:
        found = []
        for part in data:
            part = part[part["variable"] == variable]
            found += [_lookup(part, "effect", e) for e in EFFECTS]
        rows += estimate_rows(Cell(labels.name(variable)), found, labels.style)
    columns = (Cell(labels.term("variable")), *(Cell(labels.term(e)) for _ in methods for e in EFFECTS))
    title = labels.term("effects", model=model.upper(), weights=labels.name(weights))
    fits = [results.fit_of(model, weights, method=method) for method in methods]
    names = [
        f"{model.upper()}, {labels.name(weights)}"
        + (f", {labels.term(f'method_{method}')}" if method else "")
        for method in methods
    ]
    _, bound = _bound_marks(names, fits, labels)
    return Table(
        "effects",
        Cell(title + (" †" if bound else "")),
        columns,
        (Block(tuple(rows)),),
        (
            *notes,
            labels.se_note(),
            _effects_note(fits[0], labels),
            *_methods_notes(fits, labels),
            *bound,
        ),
        method_groups(methods, len(EFFECTS), labels),
    )


def _methods_notes(fits, labels: Labels) -> list[str]:
    """What each method of the columns is, when they hold several (none otherwise)."""
    notes = _estimation_notes(fits, labels)
    return notes[2:]


def _effects_by_column(
    results: Results, model: str, keys: list[tuple], explanatory, labels: Labels
) -> list[Block]:
    """Blocks of direct, indirect and total effects with one column per (weights, spec, method) in ``keys``, then
    rho and the fit of each column."""
    blocks = []
    for effect in EFFECTS:
        rows = []
        for variable in explanatory:
            found = []
            for w, spec, method in keys:
                part = results.pick("effects", model, w, spec, method)
                part = part[(part["variable"] == variable) & (part["effect"] == effect)]
                found.append(None if part.empty else part.iloc[0])
            rows += estimate_rows(Cell(labels.name(variable)), found, labels.style)
        blocks.append(Block(tuple(rows), title=Cell(labels.term(f"{effect}_block"))))
    spatial = []
    for term in SPATIAL:
        found = [
            _lookup(results.pick("estimates", model, w, spec, method), "term", term)
            for w, spec, method in keys
        ]
        if any(f is not None for f in found):
            spatial += estimate_rows(labels.symbol(term), found, labels.style)
    fits = [results.fit_of(model, w, spec, method) for w, spec, method in keys]
    blocks.append(Block((*spatial, *_fit_rows(fits, labels)), title=Cell(labels.term("fit_block"))))
    return blocks


def _with_methods(names: list[str], methods, labels: Labels) -> tuple[list[str], list[str] | None]:
    """The headers of columns repeated for each method, and their names in notes (with the method, when there
    are several)."""
    headers = [name for _ in methods for name in names]
    if len(methods) < 2:
        return headers, None
    return headers, [
        labels.term("with_method", text=name, method=labels.term(f"method_{method}"))
        for method in methods
        for name in names
    ]


def robustness(results: Results, model: str, weights, explanatory, labels: Labels, notes=()) -> Table | None:
    """The preferred model's effects on every weights matrix (adjacency, distance, economic, nested ...); with
    several methods, every matrix of each method under a header naming it."""
    weights = [w for w in weights if not results.pick("effects", model, w).empty]
    if len(weights) < 2:
        return None
    methods = results.methods
    keys = [(w, "main", method) for method in methods for w in weights]
    blocks = _effects_by_column(results, model, keys, explanatory, labels)
    fits = [results.fit_of(model, w, method=method) for w, _, method in keys]
    names, described = _with_methods([labels.name(w) for w in weights], methods, labels)
    headers, bound = _bound_marks(names, fits, labels, described)
    title = labels.term("robustness", model=model.upper())
    return Table(
        "robustness",
        Cell(title),
        (Cell(labels.term("variable")), *headers),
        tuple(blocks),
        (
            *notes,
            labels.se_note(),
            _effects_note(fits[0], labels),
            *_methods_notes(fits, labels),
            *observations_notes(fits, labels),
            *bound,
        ),
        method_groups(methods, len(weights), labels),
    )


def heterogeneity(
    results: Results,
    model: str,
    weights: str,
    explanatory,
    group_sizes: dict[str, int],
    min_units: int,
    labels: Labels,
    notes=(),
) -> Table | None:
    """The preferred model's effects on the full sample and on each group (East, Central, West, Northeast, or the
    groups of a region set or user attribute, in the order of :func:`nqpf.units.region_sets.group_order`), W
    restricted to the group and standardised again; groups too small to estimate are named in a note. With
    several methods, the columns of each method under a header naming it."""
    specs = set(
        results.effects[(results.effects["model"] == model) & (results.effects["weights"] == weights)]["spec"]
    )
    groups = region_sets.group_order(specs - {"main", "random"})
    if not groups:
        return None
    methods = results.methods
    keys = [(weights, spec, method) for method in methods for spec in ("main", *groups)]
    blocks = _effects_by_column(results, model, keys, explanatory, labels)
    fits = [results.fit_of(model, w, spec, method) for w, spec, method in keys]
    names, described = _with_methods(
        [labels.term("full_sample"), *(labels.name(g) for g in groups)], methods, labels
    )
    headers, bound = _bound_marks(names, fits, labels, described)
    columns = (Cell(labels.term("variable")), *headers)
    skipped = [
        labels.term("too_few_units", region=labels.name(g), n=n, minimum=min_units)
        for g, n in group_sizes.items()
        if g not in groups and n < min_units
    ]
    fit = results.fit_of(model, weights, method=methods[0])
    title = labels.term("heterogeneity", model=model.upper(), weights=labels.name(weights))
    return Table(
        "heterogeneity",
        Cell(title),
        columns,
        tuple(blocks),
        (
            *notes,
            labels.se_note(),
            _effects_note(fit, labels),
            *_methods_notes(fits, labels),
            labels.term("heterogeneity_note"),
            *skipped,
            *observations_notes(fits, labels),
            *bound,
        ),
        method_groups(methods, 1 + len(groups), labels),
    )
