"""Regional disparity of a variable, as a paper tabulates it: regional means and gaps to the East, growth
multiples, the Dagum Gini (:mod:`nqpf.disparity.dagum`) and Theil (:mod:`nqpf.disparity.theil`) decompositions
by year, and the coefficient of variation (population standard deviation, ddof = 0, like the two indices).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.disparity.dagum import dagum_gini
from nqpf.disparity.settings import DisparitySettings
from nqpf.disparity.theil import theil
from nqpf.errors import InputError, listed
from nqpf.units.regions import REGIONS


def regional_means(frame: pd.DataFrame, variable: str, group: str = "region", order=REGIONS) -> pd.DataFrame:
    """Mean by group and year, the national mean, each group's gap to the first group (the East) and ratio."""
    rows = []
    for year, data in frame.groupby("year", sort=True):
        data = data.dropna(subset=[variable])
        means = data.groupby(group)[variable].mean()
        lead = means.get(order[0], np.nan)
        for name in [*order, "National"]:
            value = data[variable].mean() if name == "National" else means.get(name, np.nan)
            rows.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "region": name,
                    "mean": value,
                    "gap_to_east": lead - value,
                    "ratio_to_east": value / lead if lead else np.nan,
                }
            )
    return pd.DataFrame(rows)


def growth_multiples(means: pd.DataFrame) -> pd.DataFrame:
    """Mean in the first and last year by region, the multiple and the average annual growth rate (%)."""
    rows = []
    for (variable, region), data in means.groupby(["variable", "region"], sort=False):
        data = data.dropna(subset=["mean"]).sort_values("year")
        if data.empty:
            continue
        first, last = data.iloc[0], data.iloc[-1]
        years = last["year"] - first["year"]
        multiple = last["mean"] / first["mean"] if first["mean"] else np.nan
        rate = (multiple ** (1.0 / years) - 1.0) * 100.0 if years > 0 and multiple > 0 else np.nan
        rows.append(
            {
                "variable": variable,
                "region": region,
                "first_year": int(first["year"]),
                "last_year": int(last["year"]),
                "mean_first": first["mean"],
                "mean_last": last["mean"],
                "multiple": multiple,
                "annual_growth_percent": rate,
            }
        )
    return pd.DataFrame(rows)


def coefficient_of_variation(values: np.ndarray) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=0) / values.mean())


def analyse(
    frame: pd.DataFrame, variables: list[str], group: str = "region", order=REGIONS
) -> dict[str, pd.DataFrame]:
    """Every disparity table of the variables: regional means and gaps, growth multiples, Dagum Gini (overall,
    within, between), Theil, coefficients of variation. ``frame`` has code, year, the group column and the
    variables; units without a group are left out."""
    frame = frame[frame[group].notna()]
    present = set(frame[group])
    order = [g for g in order if g in present] + sorted(present - set(order), key=str)
    means = pd.concat([regional_means(frame, v, group, order) for v in variables], ignore_index=True)
    total, within, between, theil_rows, dispersion = [], [], [], [], []
    for variable in variables:
        for year, data in frame.dropna(subset=[variable]).groupby("year", sort=True):
            y, g = data[variable].to_numpy(dtype=float), data[group].to_numpy()
            dg = dagum_gini(y, g, order)
            parts = {"G_w": dg["G_w"], "G_nb": dg["G_nb"], "G_t": dg["G_t"]}
            total.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "G": dg["G"],
                    **parts,
                    **{
                        f"share_{k[2:]}_percent": 100 * v / dg["G"] if dg["G"] else np.nan
                        for k, v in parts.items()
                    },
                }
            )
            within += [
                {"variable": variable, "year": int(year), "region": name, "G_jj": value}
                for name, value in dg["within"].items()
            ]
            between += [
                {
                    "variable": variable,
                    "year": int(year),
                    "region_a": a,
                    "region_b": b,
                    "G_jh": value,
                    "D_jh": dg["D"][(a, b)],
                }
                for (a, b), value in dg["between"].items()
            ]
            th = theil(y, g, order)
            theil_rows.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "T": th["T"],
                    "T_within": th["T_w"],
                    "T_between": th["T_b"],
                    "share_within_percent": 100 * th["T_w"] / th["T"] if th["T"] else np.nan,
                    **{f"T_{name}": value for name, value in th["within"].items()},
                }
            )
            dispersion.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "region": "National",
                    "mean": y.mean(),
                    "sd": y.std(ddof=0),
                    "cv": coefficient_of_variation(y),
                    "n": len(y),
                }
            )
            for name in order:
                part = y[g == name]
                if len(part):
                    dispersion.append(
                        {
                            "variable": variable,
                            "year": int(year),
                            "region": name,
                            "mean": part.mean(),
                            "sd": part.std(ddof=0),
                            "cv": coefficient_of_variation(part),
                            "n": len(part),
                        }
                    )
    return {
        "regional_means": means,
        "regional_growth": growth_multiples(means),
        "dagum_gini": pd.DataFrame(total),
        "dagum_gini_within": pd.DataFrame(within),
        "dagum_gini_between": pd.DataFrame(between),
        "theil": pd.DataFrame(theil_rows),
        "dispersion": pd.DataFrame(dispersion),
    }


def study_tables(frame: pd.DataFrame, settings: DisparitySettings) -> dict[str, pd.DataFrame]:
    """Every disparity table of a study (:func:`analyse`) with sigma and beta convergence by variable, for the
    groups ``settings`` names: the NBS regions or a region set in the order its source lists the groups, the
    provinces by code, or a user attribute's values sorted. Units without a group are left out."""
    from nqpf.disparity import convergence

    group = settings.group_column
    if group not in frame.columns:
        raise InputError(
            f"disparity.groups is {settings.groups!r}, but the analysis frame has no column {group!r}",
            column=group,
            key="disparity.groups",
            fix="rerun rule panel so that data/units.csv has the region sets and units.attributes columns, or "
            "name a grouping the units have",
        )
    order = settings.group_order(frame[group].dropna().unique())
    if not order:
        raise InputError(
            f"disparity.groups is {settings.groups!r}, but no unit of the study has a {group!r} (units outside "
            "China's administrative codes have no NBS region or region set)",
            column=group,
            key="disparity.groups",
            fix="give the units their region (units.table.region_field or units.file.region_field), or group by "
            "a unit attribute of units.attributes",
        )
    left = left_out(frame, list(settings.variables), group)
    if settings.missing == "error" and len(left):
        first = left.iloc[0]
        raise InputError(
            f"disparity: {len(left)} unit-years of the grouped units have no value of "
            + ", ".join(dict.fromkeys(left["variable"])),
            unit=listed(f"{r.code} {r.name} {r.year}" for r in left.itertuples()),
            column=str(first["variable"]),
            key="disparity.missing",
            fix="fill the gaps (panel.fill), or measure each year on the units observed in it "
            "(disparity.missing: drop_per_year: every unit-year left out is listed in disparity/left_out.csv)",
        )
    tables = analyse(frame, list(settings.variables), group, order)
    rows = []
    if settings.convergence:
        for variable in settings.variables:
            rows += [
                convergence.sigma(frame, variable, group, order),
                convergence.beta(frame, variable, group, order),
            ]
    tables["convergence"] = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if settings.convergence and len(left):
        left = pd.concat([left, _left_out_of_beta(frame, list(settings.variables), group)], ignore_index=True)
    tables["left_out"] = left
    return tables


LEFT_OUT_COLUMNS = ["variable", "year", "code", "name", "reason"]


def left_out(frame: pd.DataFrame, variables: list[str], group: str = "region") -> pd.DataFrame:
    """Every unit-year of the grouped units without a value of one of ``variables``: the rows the regional means,
    the Gini and Theil decompositions and the dispersion of that year leave out (``disparity.missing:
    drop_per_year``), as rows of ``disparity/left_out.csv``."""
    grouped = frame[frame[group].notna()]
    rows = [
        (variable, int(r.year), str(r.code), str(getattr(r, "name", r.code)), "no value")
        for variable in variables
        for r in grouped[grouped[variable].isna()].itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=LEFT_OUT_COLUMNS).astype({"year": "Int64"})


def _left_out_of_beta(frame: pd.DataFrame, variables: list[str], group: str) -> pd.DataFrame:
    """The units beta convergence leaves out because they lack a value in some year (it needs each unit's
    first and last year, and every year for the conditional beta), one row per unit with the year empty."""
    grouped = frame[frame[group].notna()]
    rows = []
    for variable in variables:
        gaps = grouped[grouped[variable].isna()].groupby("code", sort=True)
        for code, part in gaps:
            name = str(part["name"].iloc[0]) if "name" in part.columns else str(code)
            rows.append(
                (
                    variable,
                    pd.NA,
                    str(code),
                    name,
                    f"left out of beta convergence ({len(part)} years without a value)",
                )
            )
    return pd.DataFrame(rows, columns=LEFT_OUT_COLUMNS).astype({"year": "Int64"})
