"""Panel data for spatial models: a balanced panel of N units (in the order of W) and T periods, stacked
time-major (row t N + i), with the transformations that remove fixed effects.

Spatial lags are taken first and demeaned afterwards (W y is a variable like any other): demeaning over units
does not commute with W unless W is doubly stochastic, so lagging demeaned data would be a different model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.errors import InputError

EFFECTS = ("none", "unit", "time", "two-way")


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


def from_frame(frame: pd.DataFrame, dependent: str, explanatory: list[str], ids, years) -> Panel:
    """The balanced panel of ``dependent`` and ``explanatory`` for the units ``ids`` (W's order) and ``years``;
    a missing unit-year or value stops with the cells listed."""
    variables = [dependent, *explanatory]
    unknown = [v for v in variables if v not in frame.columns]
    if unknown:
        raise InputError(
            f"model variables not in the panel or the indices: {', '.join(unknown)}",
            column="models",
            fix="name variables read, derived or built as indices in the study",
        )
    index = pd.MultiIndex.from_product([list(years), list(ids)], names=["year", "code"])
    data = frame.set_index(["year", "code"])[variables].reindex(index)
    gaps = data[data.isna().any(axis=1)]
    if len(gaps):
        cells = [
            f"{code} {year}: " + ", ".join(c for c in variables if pd.isna(row[c]))
            for (year, code), row in gaps.head(20).iterrows()
        ]
        raise InputError(
            f"the model needs a balanced panel; {len(gaps)} unit-years lack a value",
            unit=str(gaps.index[0][1]),
            column=", ".join(c for c in variables if data[c].isna().any()),
            details=cells,
            fix="fill the gaps (panel.fill), choose complete variables, or narrow the years (models.years)",
        )
    t, n = len(years), len(ids)
    y = data[dependent].to_numpy(float).reshape(t, n)
    x = data[explanatory].to_numpy(float).reshape(t, n, len(explanatory))
    return Panel(y, x, tuple(explanatory), tuple(ids), tuple(int(v) for v in years), dependent)


def lag(w: sp.csr_matrix, a: np.ndarray) -> np.ndarray:
    """W applied within each period to a (T, N) or (T, N, K) array."""
    if a.ndim == 2:
        return (w @ a.T).T
    t, n, k = a.shape
    flat = a.transpose(1, 0, 2).reshape(n, t * k)
    return (w @ flat).reshape(n, t, k).transpose(1, 0, 2)


def demean(a: np.ndarray, effects: str) -> np.ndarray:
    """Remove unit means (over periods), time means (over units) or both from a (T, N, ...) array."""
    if effects == "none":
        return a.copy()
    out = a
    if effects in ("unit", "two-way"):
        out = out - out.mean(axis=0, keepdims=True)
    if effects in ("time", "two-way"):
        out = out - out.mean(axis=1, keepdims=True)
    return out


def effective_size(n: int, t: int, effects: str, method: str) -> tuple[int, int]:
    """(units, periods) the likelihood counts: Lee and Yu (2010) lose one period to unit effects and one unit to
    time effects; the direct approach (Elhorst 2014) counts all N T observations."""
    if method == "direct":
        return n, t
    return n - (effects in ("time", "two-way")), t - (effects in ("unit", "two-way"))


def fixed_effect_parameters(n: int, t: int, effects: str) -> int:
    """Parameters the fixed effects absorb (for degrees of freedom and information criteria)."""
    return {"none": 0, "unit": n, "time": t, "two-way": n + t - 1}[effects]
