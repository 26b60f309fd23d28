"""The study panel: statistics matched to boundary units, checked, optionally filled, with derived variables.

The panel has one row per unit and year for every unit of the study and every year of its range, so a gap is
an explicit missing value, never an absent row. Rows are time-major (all units of the first year, then the
next year ...), units in code order, the order every later stage stacks data in. Nothing is dropped, filled or
coerced silently: each such step is counted in :class:`PanelResult` and written to the validation report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nqpf import formulas, ingest
from nqpf.errors import InputError
from nqpf.matching import Match, UnitMatcher, Unmatched
from nqpf.names import normalise

DEFAULT_AGGREGATES: tuple[str, ...] = (
    "全国",
    "全国合计",
    "全国总计",
    "合计",
    "总计",
    "中国",
    "National",
    "National Total",
    "Total",
    "China",
    "东部地区",
    "中部地区",
    "西部地区",
    "东北地区",
)
_MAX_LISTED = 40


@dataclass
class PanelSpec:
    """The statistics part of a study config."""

    first_year: int
    last_year: int
    files: list[ingest.TableSpec]
    missing_markers: tuple[str, ...] = ingest.DEFAULT_MISSING_MARKERS
    aggregate_labels: tuple[str, ...] = DEFAULT_AGGREGATES
    drop_units: list[str] = field(default_factory=list)
    unmatched: str = "error"
    derived: dict[str, str] = field(default_factory=dict)
    fill: dict[str, dict] = field(default_factory=dict)
    require_complete: list[str] = field(default_factory=list)

    @classmethod
    def from_config(cls, study: dict) -> PanelSpec:
        stats = study["statistics"]
        return cls(
            first_year=int(study["years"]["first"]),
            last_year=int(study["years"]["last"]),
            files=[ingest.TableSpec.from_config(f) for f in stats["files"]],
            missing_markers=tuple(ingest.DEFAULT_MISSING_MARKERS) + tuple(stats.get("missing_markers", [])),
            aggregate_labels=tuple(stats.get("aggregate_labels", DEFAULT_AGGREGATES)),
            drop_units=list(stats.get("drop_units", [])),
            unmatched=stats.get("unmatched", "error"),
            derived=dict(study.get("derived", {}) or {}),
            fill=dict(study.get("panel", {}).get("fill", {}) or {}),
            require_complete=list(study.get("panel", {}).get("require_complete", []) or []),
        )


@dataclass
class PanelResult:
    panel: pd.DataFrame  # code, name, year, variables...
    matches: pd.DataFrame  # how each raw unit value was matched
    gaps: pd.DataFrame  # variable, code, name, year of every missing cell
    filled: pd.DataFrame  # variable, code, name, year, method, value of every filled cell
    files: list[ingest.FileReport]
    variables: list[str]
    derived: dict[str, str]
    notes: list[str] = field(default_factory=list)  # every other action taken, for the report
    dropped: Counter = field(default_factory=Counter)  # reason -> records


def build(boundary_units: pd.DataFrame, spec: PanelSpec, study_codes: list[str] | None = None) -> PanelResult:
    """Build the panel of a study.

    ``boundary_units`` is the attribute table of the boundaries the names and codes are matched against;
    ``study_codes`` restricts the panel to some of its units (all of them by default).
    """
    if spec.first_year > spec.last_year:
        raise InputError(
            f"years.first {spec.first_year} is after years.last {spec.last_year}",
            column="years",
            fix="swap them",
        )
    study_codes = sorted(study_codes if study_codes is not None else boundary_units["code"])
    frames, reports = [], []
    for table in spec.files:
        records, file_reports = ingest.read_table(table, spec.missing_markers)
        records["unit_by"] = table.unit_by
        frames.append(records)
        reports += file_reports
    records = pd.concat(frames, ignore_index=True)
    dropped: Counter = Counter()
    notes: list[str] = []

    aggregates = {normalise(a) for a in spec.aggregate_labels}
    is_aggregate = records["unit_raw"].map(lambda v: normalise(v) in aggregates)
    if is_aggregate.any():
        labels = sorted(set(records.loc[is_aggregate, "unit_raw"].astype(str)))
        notes.append(
            f"skipped {int(is_aggregate.sum())} records of aggregate rows ({', '.join(labels)}); "
            "the labels are statistics.aggregate_labels"
        )
        dropped["aggregate rows"] += int(is_aggregate.sum())
    records = records[~is_aggregate]

    outside = (records["year"] < spec.first_year) | (records["year"] > spec.last_year)
    if outside.any():
        years = sorted(set(records.loc[outside, "year"]))
        notes.append(
            f"skipped {int(outside.sum())} records of years outside {spec.first_year}-{spec.last_year} "
            f"({years[0]}-{years[-1]})"
        )
        dropped["years outside the study"] += int(outside.sum())
    records = records[~outside]

    matcher = UnitMatcher(boundary_units)
    records, matches = _match_units(records, matcher, spec, notes, dropped)

    in_study = records["code"].isin(study_codes)
    if not in_study.all():
        n_units = records.loc[~in_study, "code"].nunique()
        notes.append(
            f"skipped {int((~in_study).sum())} records of {n_units} units outside the study's unit set"
        )
        dropped["units outside the study"] += int((~in_study).sum())
    records = records[in_study]

    _check_duplicates(records)
    variables = list(dict.fromkeys(records["variable"]))
    names = boundary_units.set_index("code")["name"]
    grid = pd.MultiIndex.from_product(
        [study_codes, range(spec.first_year, spec.last_year + 1)], names=["code", "year"]
    )
    wide = records.pivot(index=["code", "year"], columns="variable", values="value").reindex(grid)
    wide = wide[variables]
    _check_variables_present(wide, records, variables)
    wide, filled = _fill(wide, spec.fill, names)
    wide = formulas.derive(wide, spec.derived)
    all_variables = variables + list(spec.derived)
    gaps = _gaps(wide, all_variables, names)
    _check_complete(gaps, spec.require_complete, all_variables)

    panel = wide.reset_index()
    panel.insert(1, "name", panel["code"].map(names))
    panel = panel.sort_values(["year", "code"], ignore_index=True)
    panel.columns.name = None
    return PanelResult(
        panel=panel,
        matches=matches,
        gaps=gaps,
        filled=filled,
        files=reports,
        variables=all_variables,
        derived=spec.derived,
        notes=notes,
        dropped=dropped,
    )


def _match_units(records, matcher, spec, notes, dropped):
    key_columns = ("unit_raw", "parent_raw", "unit_by")
    keys = zip(*(records[c].map(_none_if_missing) for c in key_columns), strict=True)
    records = records.assign(_key=list(keys))
    outcome: dict[tuple, Match | Unmatched] = {}
    for key in dict.fromkeys(records["_key"]):
        unit, parent, by = key
        outcome[key] = matcher.match(unit, parent=parent, by=by)

    unmatched_keys = [k for k, m in outcome.items() if isinstance(m, Unmatched)]
    if unmatched_keys:
        lines = []
        first = records[records["_key"] == unmatched_keys[0]].iloc[0]
        for key in unmatched_keys:
            where = records[records["_key"] == key].iloc[0]
            m = outcome[key]
            parent = f" (parent {key[1]!r})" if key[1] is not None else ""
            nearest = f"; nearest: {'; '.join(m.candidates)}" if m.candidates else ""
            lines.append(f"{m.raw!r}{parent} in {where['file']} row {where['row']}: {m.reason}{nearest}")
        if spec.unmatched == "error":
            raise InputError(
                f"{len(unmatched_keys)} unit values match no unit of the boundaries",
                file=first["file"],
                row=first["row"],
                unit=str(first["unit_raw"]),
                details=lines,
                fix="correct the names or codes, list units to leave out in statistics.drop_units, or set "
                "statistics.unmatched: drop to skip them with a report",
            )
        notes.append(
            f"skipped the records of {len(unmatched_keys)} unmatched unit values (statistics.unmatched: drop):"
        )
        notes.extend("  " + line for line in lines)

    codes = {k: (m.code if isinstance(m, Match) else None) for k, m in outcome.items()}
    records = records.assign(code=records["_key"].map(codes))
    unmatched = records["code"].isna()
    dropped["unmatched units"] += int(unmatched.sum())
    records = records[~unmatched]

    if spec.drop_units:
        drop_codes = set()
        for value in spec.drop_units:
            m = matcher.match(value)
            if isinstance(m, Unmatched):
                drop_codes.add(
                    str(value)
                )  # a unit absent from the boundaries can still be dropped by its raw value
            else:
                drop_codes.add(m.code)
        raw_drop = {normalise(v) for v in spec.drop_units}
        by_drop = records["code"].isin(drop_codes) | records["unit_raw"].map(
            lambda v: normalise(v) in raw_drop
        )
        notes.append(
            f"skipped {int(by_drop.sum())} records of units listed in statistics.drop_units: "
            + ", ".join(str(v) for v in spec.drop_units)
        )
        dropped["statistics.drop_units"] += int(by_drop.sum())
        records = records[~by_drop]

    # The unmatched keys are gone from the records by now; their counts are zero.
    used = records.groupby("_key", sort=False).agg(
        files=("file", lambda f: "; ".join(sorted(set(f)))), records=("file", "size")
    )
    rows = []
    for key, m in outcome.items():
        files, count = used.loc[[key]].iloc[0] if key in used.index else ("", 0)
        rows.append(
            {
                "raw": m.raw,
                "parent": key[1],
                "code": m.code if isinstance(m, Match) else None,
                "method": m.method if isinstance(m, Match) else "unmatched",
                "note": m.note if isinstance(m, Match) else m.reason,
                "files": files,
                "records": int(count),
            }
        )
    matches = pd.DataFrame(rows, columns=["raw", "parent", "code", "method", "note", "files", "records"])
    return records.drop(columns="_key"), matches


def _none_if_missing(value: object) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _check_duplicates(records: pd.DataFrame) -> None:
    dup = records[records.duplicated(["code", "year", "variable"], keep=False)]
    if dup.empty:
        return
    details = []
    for (code, year, variable), group in list(dup.groupby(["code", "year", "variable"]))[:_MAX_LISTED]:
        places = "; ".join(
            f"{r.file} row {r.row} column {r.column} ({r.unit_raw!r} = {r.value_raw!r})"
            for r in group.itertuples()
        )
        details.append(f"unit {code}, year {year}, variable {variable}: {places}")
    first = dup.iloc[0]
    raise InputError(
        f"{len(dup.groupby(['code', 'year', 'variable']))} duplicate (unit, year, variable) entries",
        file=first["file"],
        row=first["row"],
        unit=first["code"],
        column=first["column"],
        details=details,
        fix="keep one value per unit, year and variable: remove the repeated rows, or map the repeated "
        "column to another variable name",
    )


def _check_variables_present(wide: pd.DataFrame, records: pd.DataFrame, variables: list[str]) -> None:
    empty = [v for v in variables if wide[v].isna().all()]
    if empty:
        details = []
        for v in empty:
            src = records[records["variable"] == v][["file", "column"]].drop_duplicates()
            details.append(f"{v}: " + "; ".join(f"{r.file} column {r.column}" for r in src.itertuples()))
        raise InputError(
            f"variables without any value in the study's units and years: {', '.join(empty)}",
            column=", ".join(empty),
            details=details,
            fix="check the column mapping and the year range, or remove the variable from the config",
        )


def _fill(wide: pd.DataFrame, rules: dict[str, dict], names: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    filled_rows = []
    wide = wide.copy()
    for variable, rule in rules.items():
        if variable not in wide.columns:
            raise InputError(
                f"panel.fill names {variable!r}, which is not read from the statistics",
                column=f"panel.fill.{variable}",
                fix="fill only variables read from the statistics files: " + ", ".join(wide.columns),
            )
        method = rule.get("method")
        series = wide[variable]
        if method == "linear":
            new = series.groupby(level="code", group_keys=False).apply(_interpolate_interior)
        elif method == "constant":
            value = float(rule["value"])
            years = series.index.get_level_values("year")
            allowed = np.ones(len(series), bool)
            if rule.get("until") is not None:
                allowed &= years <= int(rule["until"])
            if rule.get("from") is not None:
                allowed &= years >= int(rule["from"])
            new = series.where(~(series.isna() & allowed), value)
        else:
            raise InputError(
                f"unknown fill method {method!r}", column=f"panel.fill.{variable}", fix="linear or constant"
            )
        changed = series.isna() & new.notna()
        for (code, year), value in new[changed].items():
            filled_rows.append(
                {
                    "variable": variable,
                    "code": code,
                    "name": names.get(code),
                    "year": year,
                    "method": method,
                    "value": value,
                }
            )
        wide[variable] = new
    filled = pd.DataFrame(filled_rows, columns=["variable", "code", "name", "year", "method", "value"])
    return wide, filled


def _interpolate_interior(series: pd.Series) -> pd.Series:
    """Linear interpolation in the year, only between a unit's first and last observed years."""
    years = series.index.get_level_values("year").to_numpy()
    known = series.notna().to_numpy()
    if known.sum() < 2:
        return series
    inside = (years > years[known].min()) & (years < years[known].max()) & ~known
    out = series.copy()
    out[inside] = np.interp(years[inside], years[known], series.to_numpy()[known])
    return out


def _gaps(wide: pd.DataFrame, variables: list[str], names: pd.Series) -> pd.DataFrame:
    rows = []
    for variable in variables:
        missing = wide[variable].isna()
        for code, year in wide.index[missing.to_numpy()]:
            rows.append({"variable": variable, "code": code, "name": names.get(code), "year": year})
    return pd.DataFrame(rows, columns=["variable", "code", "name", "year"])


def _check_complete(gaps: pd.DataFrame, required: list[str], variables: list[str]) -> None:
    unknown = [v for v in required if v not in variables]
    if unknown:
        raise InputError(
            f"panel.require_complete names unknown variables: {', '.join(unknown)}",
            column="panel.require_complete",
            fix="available: " + ", ".join(variables),
        )
    missing = gaps[gaps["variable"].isin(required)]
    if missing.empty:
        return
    details = [
        f"{variable}: {len(g)} cells, e.g. "
        + ", ".join(f"{r.code} {r.name} {r.year}" for r in g.head(8).itertuples())
        for variable, g in missing.groupby("variable", sort=False)
    ]
    raise InputError(
        "the panel is not balanced for variables a later stage needs complete",
        unit=str(missing.iloc[0]["code"]),
        column=", ".join(dict.fromkeys(missing["variable"])),
        details=details,
        fix="supply the missing values, fill them explicitly with panel.fill (linear or constant), "
        "or narrow the years",
    )


def study_units(units: pd.DataFrame, provinces: list | None) -> list[str]:
    """The codes of a study's units: all boundary units, or those in the listed provinces (codes or names)."""
    if not provinces:
        return sorted(units["code"])
    from nqpf.regions import PROVINCES

    table = pd.DataFrame(
        {
            "code": [p.code for p in PROVINCES],
            "name": [p.name for p in PROVINCES],
            "name_en": [p.name_en for p in PROVINCES],
        }
    )
    matcher = UnitMatcher(table)
    wanted, unknown = set(), []
    for value in provinces:
        m = matcher.match(value)
        if isinstance(m, Match):
            wanted.add(m.code[:2])
        else:
            unknown.append(
                f"{value!r}: {m.reason}" + (f"; nearest: {'; '.join(m.candidates)}" if m.candidates else "")
            )
    if unknown:
        raise InputError(
            "units.provinces lists values that are not provinces",
            column="units.provinces",
            details=unknown,
            fix="give province codes (440000) or names (广东, 广东省, Guangdong)",
        )
    codes = sorted(c for c in units["code"] if str(c)[:2] in wanted)
    if not codes:
        raise InputError(
            "no boundary unit lies in the provinces of units.provinces", column="units.provinces"
        )
    return codes
