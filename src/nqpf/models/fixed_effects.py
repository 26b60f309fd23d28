"""Fixed effects of a spatial panel model and how they are removed: none, unit, time or two-way (unit and time)
effects, swept out by demeaning every variable (spatial lags included, taken before demeaning). With the Lee and
Yu (2010) transformation approach the likelihood counts N - 1 units under time effects and T - 1 periods under
unit effects; the direct approach (Elhorst 2014, ch. 3) counts all N T observations.
"""

from __future__ import annotations

import numpy as np

KINDS = ("none", "unit", "time", "two-way")


def demean(a: np.ndarray, fixed_effects: str) -> np.ndarray:
    """Remove unit means (over periods), time means (over units) or both from a (T, N, ...) array."""
    if fixed_effects == "none":
        return a.copy()
    out = a
    if fixed_effects in ("unit", "two-way"):
        out = out - out.mean(axis=0, keepdims=True)
    if fixed_effects in ("time", "two-way"):
        out = out - out.mean(axis=1, keepdims=True)
    return out


def effective_size(n: int, t: int, fixed_effects: str, method: str) -> tuple[int, int]:
    """(units, periods) the likelihood counts: Lee and Yu (2010) lose one period to unit effects and one unit to
    time effects; the direct approach (Elhorst 2014) counts all N T observations."""
    if method == "direct":
        return n, t
    return n - (fixed_effects in ("time", "two-way")), t - (fixed_effects in ("unit", "two-way"))


def fixed_effect_parameters(n: int, t: int, fixed_effects: str) -> int:
    """Parameters the fixed effects absorb (for degrees of freedom and information criteria)."""
    return {"none": 0, "unit": n, "time": t, "two-way": n + t - 1}[fixed_effects]
