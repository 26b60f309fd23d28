"""Panel data for spatial models: a balanced panel of N units (in the order of W) and T periods, stacked
time-major (row t N + i), with the transformations that remove fixed effects.

Spatial lags are taken first and demeaned afterwards (W y is a variable like any other): demeaning over units
does not commute with W unless W is doubly stochastic, so lagging demeaned data would be a different model.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.errors import InputError
from nqpf.models.fixed_effects import demean


@dataclass(frozen=True)
class Panel:
    y: np.ndarray  # (T, N)
    x: np.ndarray  # (T, N, K)
    names: tuple[str, ...]  # the K explanatory variables
    ids: tuple[str, ...]
    years: tuple[int, ...]
    dependent: str

    @property
    def n(self) -> int:
        return self.y.shape[1]

    @property
    def t(self) -> int:
        return self.y.shape[0]

    def subset(self, units: np.ndarray) -> Panel:
        """The panel of some units (indices into ``ids``), kept in their order."""
        return Panel(
            self.y[:, units],
            self.x[:, units, :],
            self.names,
            tuple(np.array(self.ids)[units]),
            self.years,
            self.dependent,
        )


def from_frame(
    frame: pd.DataFrame, dependent: str, explanatory: list[str], ids, years, source: str | None = None
) -> Panel:
    """The balanced panel of ``dependent`` and ``explanatory`` for the units ``ids`` (W's order) and ``years``;
    a missing unit-year or value stops with the cells listed (``source``: the file the frame was read from)."""
    variables = [dependent, *explanatory]
    available = [c for c in frame.columns if c not in ("code", "name", "year")]
    if dependent in explanatory:
        raise InputError(
            f"the dependent variable {dependent} is also among the explanatory variables",
            key="models.explanatory",
            column=dependent,
            fix=f"remove {dependent} from models.explanatory (its spatial lag W.{dependent} is the lag model's own "
            "term: use model sar or sdm)",
        )
    repeated = sorted({v for v in explanatory if explanatory.count(v) > 1})
    if repeated:
        raise InputError(
            f"models.explanatory lists {', '.join(repeated)} twice",
            key="models.explanatory",
            column=", ".join(repeated),
            fix="list each explanatory variable once",
        )
    for key, names in (("models.dependent", [dependent]), ("models.explanatory", explanatory)):
        unknown = [v for v in names if v not in frame.columns]
        if unknown:
            close = {v: difflib.get_close_matches(v, available, n=1) for v in unknown}
            hints = "; ".join(f"{v!r}: did you mean {c[0]!r}?" for v, c in close.items() if c)
            raise InputError(
                f"{key} names variables that are not in the panel or the indices: {', '.join(unknown)}"
                + (f" ({hints})" if hints else ""),
                key=key,
                column=", ".join(unknown),
                fix="name variables read, derived or built as indices in the study; available: "
                + ", ".join(available),
            )
    index = pd.MultiIndex.from_product([list(years), list(ids)], names=["year", "code"])
    data = frame.set_index(["year", "code"])[variables].reindex(index)
    gaps = data[data.isna().any(axis=1)]
    if len(gaps):
        names = frame.drop_duplicates("code").set_index("code")["name"] if "name" in frame else pd.Series()
        cells = [
            f"unit {code} {names.get(code, '')}, year {year}: no value of "
            + ", ".join(c for c in variables if pd.isna(row[c]))
            for (year, code), row in gaps.head(20).iterrows()
        ]
        if len(gaps) > 20:
            cells.append(f"... and {len(gaps) - 20} more unit-years")
        first_year, first_code = gaps.index[0]
        raise InputError(
            f"the model needs a balanced panel; {len(gaps)} unit-years of {years[0]}-{years[-1]} lack a value",
            file=source,
            unit=f"{first_code} {names.get(first_code, '')}".strip(),
            row=f"year {first_year}",
            column=", ".join(c for c in variables if data[c].isna().any()),
            details=cells,
            fix="supply the missing values in the statistics, fill the gaps (panel.fill: linear or constant), "
            "choose complete variables, narrow the years (models.years), or set models.balance: drop_units to "
            "estimate on the units complete in every model variable and year (balance='drop_units' in Python)",
        )
    values = data.to_numpy(float)
    extreme = ~np.isfinite(values) | (np.abs(values) > _LARGEST)
    if extreme.any():
        rows, cols = np.nonzero(extreme)
        (year, code), column = data.index[rows[0]], variables[cols[0]]
        raise InputError(
            f"{int(extreme.sum())} values of the model's variables are infinite or beyond {_LARGEST:.0e}: their "
            "squares overflow double precision, so the model cannot be estimated",
            file=source,
            unit=code,
            row=f"year {year}",
            column=", ".join(sorted({variables[c] for c in cols})),
            fix=f"correct the values, or rescale {column} (for example to units of 10^8 yuan, or its logarithm)",
        )
    t, n = len(years), len(ids)
    y = data[dependent].to_numpy(float).reshape(t, n)
    x = data[explanatory].to_numpy(float).reshape(t, n, len(explanatory))
    return Panel(y, x, tuple(explanatory), tuple(ids), tuple(int(v) for v in years), dependent)


_LARGEST = 1e100  # beyond this a value's square (and a cross-product matrix) leaves double precision

DROPPED_COLUMNS = ["code", "name", "variable", "year"]
"""The columns of the cells that made a unit drop out of a model (``models/dropped_units.csv``)."""


def long_frame(data, entity: str, time: str | None, source: str | None = None) -> pd.DataFrame:
    """A copy of the long ``data`` with the columns ``code`` (each unit id normalised as W writes it) and
    ``year`` (the periods of ``time``; 0 for a cross-section, ``time=None``). Not a DataFrame, or no column
    ``entity`` or ``time``, stops naming it."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"data is a {type(data).__name__}, not a DataFrame", key="data", fix="pass a pandas DataFrame"
        )
    for key, column in (("entity", entity), ("time", time)):
        if column is not None and column not in data.columns:
            raise InputError(
                f"the data have no column {column!r} ({key})",
                file=source,
                column=column,
                fix=f"set {key} to the column of the unit "
                + ("ids" if key == "entity" else "periods (None for a cross-section)")
                + f"; the columns: {', '.join(map(str, data.columns))}",
            )
    from nqpf.units.codes import normalise_code

    frame = data.copy()
    frame["code"] = [normalise_code(v) or str(v) for v in frame[entity]]
    frame["year"] = frame[time].astype(int) if time is not None else 0
    return frame


def require_columns(data: pd.DataFrame, names, source: str | None = None) -> None:
    """Stop when ``data`` lacks any of the columns ``names``, naming them and the columns it has."""
    missing = [name for name in names if name not in data.columns]
    if missing:
        raise InputError(
            f"the data have no column {', '.join(map(repr, missing))}",
            file=source,
            column=", ".join(missing),
            fix="name variables of the panel; its columns: " + ", ".join(map(str, data.columns)),
        )


def dropped_note(dropped: pd.DataFrame, kept: int, weights: str | None = None) -> str:
    """The note that names every unit ``balance: drop_units`` left out, with the variable-years that made it
    (and, for a spatial model, that W was restricted to the units kept)."""
    units = []
    for code, cells in dropped.groupby("code", sort=False):
        name = cells["name"].iloc[0]
        missing = "; ".join(
            f"{variable} {', '.join(str(y) for y in part['year'])}"
            for variable, part in cells.groupby("variable", sort=False)
        )
        units.append(f"{code}{f' {name}' if name else ''} ({missing})")
    restricted = f" with W {weights!r} restricted to them and standardised again" if weights else ""
    return (
        f"balance: {len(units)} units dropped for gaps in the model variables, the model estimated on the other "
        f"{kept} units{restricted}: " + ", ".join(units)
    )


def incomplete_units(frame: pd.DataFrame, variables: list[str], ids, years) -> pd.DataFrame:
    """Every cell without a value of ``variables`` in ``years`` for the units ``ids``, a unit-year without a row
    counting as missing in every variable: one row per cell (code, name, variable, year), units in the order of
    ``ids``, then variables as listed, then years. The units it names are those a model with ``balance:
    drop_units`` leaves out, so that the rest form a balanced panel."""
    ids, years = list(ids), list(years)
    index = pd.MultiIndex.from_product([years, ids], names=["year", "code"])
    data = frame.set_index(["year", "code"])[list(variables)].reindex(index)
    missing = data.isna().to_numpy().reshape(len(years), len(ids), len(variables))
    names = frame.drop_duplicates("code").set_index("code")["name"] if "name" in frame.columns else None
    rows = []
    for i in np.flatnonzero(missing.any(axis=(0, 2))):
        name = names.get(ids[i], "") if names is not None else ""
        name = "" if pd.isna(name) else str(name)
        for k, variable in enumerate(variables):
            rows += [(ids[i], name, variable, int(years[t])) for t in np.flatnonzero(missing[:, i, k])]
    return pd.DataFrame(rows, columns=DROPPED_COLUMNS)


def collinear_relations(z: np.ndarray, names) -> tuple[list[str], list[str]]:
    """The exact linear relations among the columns of ``z`` (named ``names``) and the names involved, empty
    when ``z`` has full column rank. A column without variation is a relation of its own (``x = 0``); every
    other null vector of ``z`` is written as one column in terms of the others (``x2 = 2 x1``)."""
    names = list(names)
    scale = np.linalg.norm(z, axis=0)
    dead = scale <= 1e-12 * max(float(scale.max(initial=0.0)), 1.0)
    relations = [
        f"{names[k]} has no variation left (it is 0 once the fixed effects are removed)"
        for k in np.flatnonzero(dead)
    ]
    involved = [names[k] for k in np.flatnonzero(dead)]
    live = np.flatnonzero(~dead)
    if len(live):
        scaled = z[:, live] / scale[live]
        # V (columns x columns) is all the null space needs; the full U would be NT x NT (14.6 GB for
        # 2,848 counties x 15 years), so it is computed only when there are fewer rows than columns
        _, values, vt = np.linalg.svd(scaled, full_matrices=scaled.shape[0] < scaled.shape[1])
        tol = values.max(initial=0.0) * max(scaled.shape) * np.finfo(float).eps
        rank = int((values > tol).sum())
        for v in vt[rank:]:
            coef = v / scale[live]  # sum coef_k z_k = 0 in the original units
            members = np.flatnonzero(np.abs(v) > 1e-8)
            # the first of the largest loadings: ties (x and 2 x) resolve the same way on every machine
            pivot = members[np.abs(v[members]) >= np.abs(v[members]).max() * (1 - 1e-6)][0]
            terms = []
            for k in members:
                if k == pivot:
                    continue
                c = -coef[k] / coef[pivot]
                size = f"{abs(c):.4g} " if not np.isclose(abs(c), 1.0, rtol=1e-9) else ""
                terms.append(("- " if c < 0 else "+ ") + size + names[live[k]])
            text = " ".join(terms).removeprefix("+ ") if terms else "0"
            relations.append(f"{names[live[pivot]]} = {text}")
            involved += [names[live[k]] for k in members if names[live[k]] not in involved]
    return relations, involved


def check_regressors(panel: Panel, fixed_effects: str) -> None:
    """Stop before any estimation when the explanatory variables, with the fixed effects removed (and a constant
    without them), are perfectly collinear: the coefficients would not be identified."""
    y = demean(panel.y, fixed_effects).reshape(-1)
    if fixed_effects == "none":
        y = y - y.mean()
    if not np.any(np.abs(y) > 1e-12 * max(float(np.abs(panel.y).max(initial=0.0)), 1e-300)):
        raise InputError(
            f"the dependent variable {panel.dependent} has no variation left "
            + (
                "(it is constant)"
                if fixed_effects == "none"
                else f"once the {fixed_effects} fixed effects are removed"
            ),
            key="models.dependent",
            column=panel.dependent,
            fix="model a variable that varies across units and years (a variable constant over time is absorbed "
            "by unit effects, one equal across units in a year by time effects)",
        )
    x = demean(panel.x, fixed_effects).reshape(panel.n * panel.t, -1)
    names = list(panel.names)
    if fixed_effects == "none":
        x = np.column_stack([np.ones(len(x)), x])
        names = ["const", *names]
    relations, involved = collinear_relations(x, names)
    if relations:
        shown = [v for v in involved if v != "const"]
        raise InputError(
            f"perfectly collinear explanatory variables (with {fixed_effects} fixed effects): {', '.join(shown)}",
            key="models.explanatory",
            column=", ".join(shown),
            details=relations,
            fix="drop one of " + ", ".join(shown) + " from models.explanatory: a variable that is a linear "
            "combination of others adds nothing, and one that is constant over time (unit effects) or over units "
            "(time effects) is absorbed by the fixed effects",
        )


def lag(w: sp.csr_matrix, a: np.ndarray) -> np.ndarray:
    """W applied within each period to a (T, N) or (T, N, K) array."""
    if a.ndim == 2:
        return (w @ a.T).T
    t, n, k = a.shape
    flat = a.transpose(1, 0, 2).reshape(n, t * k)
    return (w @ flat).reshape(n, t, k).transpose(1, 0, 2)
