"""Plausibility checks of a panel's values: the ranges and identities a study declares (``panel.checks``), and
the summary of every variable's values that ``validation.md`` prints.

A range says which values a variable can take (a population or a GDP is not negative, a share lies in 0-100).
An identity says that two formulas over the variables agree within a relative tolerance: yearbook GDP in 10^8
yuan times 10^4 is GDP per capita times the population in 10^4 persons, so ``gdp * 10000`` against
``gdp_per_capita * population`` within 10% finds cells where one of the three was copied from the wrong table,
year or unit of measure. Every violating cell is listed with the place it was read from; nothing is changed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.panel import formulas
from nqpf.panel.settings import CheckSettings

VIOLATION_COLUMNS = ["check", "kind", "code", "name", "year", "value", "reference", "deviation", "source"]
"""One row per violating cell (``data/checks.csv``): ``value`` is the variable (range) or the left formula
(identity), ``reference`` the bound crossed or the right formula, ``deviation`` value - bound (range) or
(left - right) / |right| (identity); ``source`` is where the read values of the cell come from."""

SUMMARY_COLUMNS = ["check", "kind", "rule", "checked", "not_checked", "violations"]


@dataclass
class CheckOutcome:
    """The violations of a panel's checks and how many cells each check tested."""

    violations: pd.DataFrame
    summary: pd.DataFrame


def run(
    wide: pd.DataFrame,
    settings: CheckSettings,
    names: pd.Series,
    sources: dict[tuple[str, int, str], str] | None = None,
) -> CheckOutcome:
    """Run the study's checks on ``wide`` (indexed by code and year, one column per variable); ``names`` maps
    codes to unit names and ``sources`` (code, year, variable) to the file, row and column a value was read from.
    With ``on_violation: error`` the first violating cells stop the run."""
    sources = sources or {}
    frames, summary = [], []
    for variable, rule in settings.ranges.items():
        key = f"panel.checks.ranges.{variable}"
        _known(variable, wide, key)
        values = wide[variable].astype("float64")
        bound = pd.Series(np.nan, index=wide.index)
        if rule.min is not None:
            bound = bound.where(~(values < rule.min), rule.min)
        if rule.max is not None:
            bound = bound.where(~(values > rule.max), rule.max)
        bad = bound.notna()
        text = " and ".join(
            part
            for part in (
                f">= {rule.min:g}" if rule.min is not None else "",
                f"<= {rule.max:g}" if rule.max is not None else "",
            )
            if part
        )
        frames.append(
            _cells(
                variable,
                "range",
                values[bad],
                bound[bad],
                values[bad] - bound[bad],
                [variable],
                names,
                sources,
            )
        )
        checked = int(values.notna().sum())
        summary.append(
            [variable, "range", f"{variable} {text}", checked, len(values) - checked, int(bad.sum())]
        )
    for check, rule in settings.identities.items():
        key = f"panel.checks.identities.{check}"
        left = formulas.evaluate(check, rule.left, wide, key=f"{key}.left")
        right = formulas.evaluate(check, rule.right, wide, key=f"{key}.right")
        both = left.notna() & right.notna()
        with np.errstate(divide="ignore", invalid="ignore"):
            deviation = (left - right) / right.abs()
        deviation = deviation.where(~((left == right) & both), 0.0)
        bad = both & (deviation.abs() > rule.tolerance)
        used = sorted(formulas.parse(check, rule.left, key)[1] | formulas.parse(check, rule.right, key)[1])
        frames.append(_cells(check, "identity", left[bad], right[bad], deviation[bad], used, names, sources))
        checked = int(both.sum())
        summary.append(
            [
                check,
                "identity",
                f"{rule.left} = {rule.right} within {rule.tolerance:.0%}",
                checked,
                len(left) - checked,
                int(bad.sum()),
            ]
        )
    violations = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VIOLATION_COLUMNS)
    outcome = CheckOutcome(violations, pd.DataFrame(summary, columns=SUMMARY_COLUMNS))
    if settings.on_violation == "error" and len(violations):
        _stop(outcome)
    return outcome


def _known(variable: str, wide: pd.DataFrame, key: str) -> None:
    if variable in wide.columns:
        return
    close = difflib.get_close_matches(variable, list(wide.columns), n=1)
    raise InputError(
        f"the check of {variable!r} names a variable the panel does not have"
        + (f" (did you mean {close[0]!r}?)" if close else ""),
        key=key,
        fix="check a variable read from the statistics files or derived; available: "
        + ", ".join(map(str, wide.columns)),
    )


def _cells(check, kind, values, reference, deviation, variables, names, sources) -> pd.DataFrame:
    codes = values.index.get_level_values("code")
    years = values.index.get_level_values("year")
    places = [
        "; ".join(sources[(code, year, v)] for v in variables if (code, year, v) in sources)
        for code, year in zip(codes, years, strict=True)
    ]
    return pd.DataFrame(
        {
            "check": check,
            "kind": kind,
            "code": codes,
            "name": codes.map(names),
            "year": years,
            "value": values.to_numpy(),
            "reference": reference.to_numpy(),
            "deviation": deviation.to_numpy(),
            "source": places,
        },
        columns=VIOLATION_COLUMNS,
    )


def _stop(outcome: CheckOutcome) -> None:
    cells = outcome.violations
    first = cells.iloc[0]
    kind = "ranges" if first["kind"] == "range" else "identities"
    details = [
        f"{r.check}: unit {r.code} {r.name}, {r.year}: {r.value:g} against {r.reference:g}"
        + (f" ({r.source})" if r.source else "")
        for r in cells.head(20).itertuples()
    ]
    if len(cells) > 20:
        details.append(f"... and {len(cells) - 20} more")
    checks = listed(f"{r.check} ({r.violations})" for r in outcome.summary.itertuples() if r.violations)
    raise InputError(
        f"{len(cells)} cells fail the panel's checks: {checks}",
        file=first["source"].split(" row ")[0] if first["source"] else None,
        unit=f"{first['code']} {first['name']} ({first['year']})",
        key=f"panel.checks.{kind}.{first['check']}",
        details=details,
        fix="correct the values in the statistics files (each cell's file and row are listed), or set "
        "panel.checks.on_violation: report to list them in data/checks.csv and go on",
    )
