"""Coupling coordination degree (耦合协调度) of two indices U1, U2 in [0, 1].

C = 2 sqrt(U1 U2) / (U1 + U2)         coupling degree, in [0, 1]
T = alpha U1 + beta U2                 comprehensive development index (alpha = beta = 0.5 by default)
D = sqrt(C T)                          coupling coordination degree, in [0, 1]

This is the two-system form with C kept in [0, 1] as corrected by 王淑佳, 孔伟, 任亮, 治丹丹, 戴桂林 (2021),
国内耦合协调度模型的误区及修正, 自然资源学报 36(3): 793-810. D is graded in ten equal steps, from 极度失调
(extreme imbalance, D < 0.1) to 优质协调 (quality coordination, D >= 0.9).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GRADES = (
    ("极度失调", "extreme imbalance"),
    ("严重失调", "serious imbalance"),
    ("中度失调", "moderate imbalance"),
    ("轻度失调", "mild imbalance"),
    ("濒临失调", "verge of imbalance"),
    ("勉强协调", "barely coordinated"),
    ("初级协调", "primary coordination"),
    ("中级协调", "intermediate coordination"),
    ("良好协调", "good coordination"),
    ("优质协调", "quality coordination"),
)


def coupling_coordination(u1: np.ndarray, u2: np.ndarray, alpha: float = 0.5) -> pd.DataFrame:
    """C, T, D and the grade of D for paired values of two indices (missing where either is missing)."""
    u1 = np.asarray(u1, dtype=float)
    u2 = np.asarray(u2, dtype=float)
    if np.any(u1 < 0) or np.any(u2 < 0):
        raise ValueError("coupling coordination needs indices in [0, 1]")
    total = u1 + u2
    c = np.divide(2.0 * np.sqrt(u1 * u2), total, out=np.zeros_like(total), where=total > 0)
    t = alpha * u1 + (1.0 - alpha) * u2
    d = np.sqrt(c * t)
    missing = np.isnan(u1) | np.isnan(u2)
    step = np.clip(np.floor(np.nan_to_num(d) * 10), 0, 9).astype(int)
    frame = pd.DataFrame({"C": c, "T": t, "D": d})
    frame["grade"] = [None if m else GRADES[s][0] for s, m in zip(step, missing, strict=True)]
    frame["grade_en"] = [None if m else GRADES[s][1] for s, m in zip(step, missing, strict=True)]
    frame.loc[missing, ["C", "T", "D"]] = np.nan
    return frame
