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

from nqpf.errors import InputError
from nqpf.panel import checks, formulas, ingest
from nqpf.panel.settings import FillRule, PanelSettings, StatisticsSettings, TableSettings
from nqpf.units.matching import Match, UnitMatcher, Unmatched
from nqpf.units.names import normalise

_MAX_LISTED = 40
# The columns of PanelResult.gaps (data/gaps.csv).
GAP_COLUMNS = ["variable", "code", "name", "year", "file", "row", "column", "where"]
PANEL_COLUMNS = ("code", "name", "year")
"""The columns of every panel besides its variables."""


@dataclass(frozen=True)
class PanelSpec:
    """What the panel of a study is built from: its years, its statistics files and how their rows are read and
    matched, its derived variables, the panel's rules (fills, required variables), and the variables and years
    of its models: the read and derived ones among them must be complete there, since the models need a
    balanced panel, unless the models drop the units with gaps (``models.balance: drop_units``,
    ``models_drop_units``)."""

    first_year: int
    last_year: int
    statistics: StatisticsSettings
    derived: dict[str, str] = field(default_factory=dict)
    rules: PanelSettings = field(default_factory=PanelSettings)
    model_variables: list[str] = field(default_factory=list)
    model_years: tuple[int, int] | None = None
    models_drop_units: bool = False

    @property
    def files(self) -> list[TableSettings]:
        return list(self.statistics.files)

    @property
    def missing_markers(self) -> tuple[str, ...]:
        """The yearbook markers of a missing value and those the study adds."""
        return tuple(ingest.DEFAULT_MISSING_MARKERS) + tuple(self.statistics.missing_markers)

    @property
    def aggregate_labels(self) -> list[str]:
        return list(self.statistics.aggregate_labels)

    @property
    def drop_units(self) -> list[str]:
        return [str(unit) for unit in self.statistics.drop_units]

    @property
    def unmatched(self) -> str:
        return self.statistics.unmatched

    @property
    def fill(self) -> dict[str, FillRule]:
        return dict(self.rules.fill)

    @property
    def require_complete(self) -> list[str]:
        return list(self.rules.require_complete)


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
    codes: list[str] = field(default_factory=list)  # the study's units (without those left out)
    # every cell failing a check of panel.checks (checks.VIOLATION_COLUMNS), and what each check tested
    violations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=checks.VIOLATION_COLUMNS))
    checks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=checks.SUMMARY_COLUMNS))


def build(
    boundary_units: pd.DataFrame,
    spec: PanelSpec,
    study_codes: list[str] | None = None,
    boundary_source: str | None = None,
) -> PanelResult:
    """Build the panel of a study.

    ``boundary_units`` is the attribute table of the boundaries the names and codes are matched against (read
    from ``boundary_source``, for messages); ``study_codes`` restricts the panel to some of its units (all of
    them by default). A unit of the study without any statistics is an error, or, with ``unmatched: drop``, is
    left out of the study; units listed in ``drop_units`` are left out too.
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
        records["unit_column"] = table.unit
        frames.append(records)
        reports += file_reports
    records = pd.concat(frames, ignore_index=True)
    dropped: Counter = Counter()
    notes: list[str] = []

    aggregates = {normalise(a) for a in spec.aggregate_labels}
    is_aggregate = _normalised_in(records["unit_raw"], aggregates)
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
    records, matches, drop_codes = _match_units(records, matcher, spec, notes, dropped)

    in_study = records["code"].isin(study_codes)
    if not in_study.all():
        n_units = records.loc[~in_study, "code"].nunique()
        notes.append(
            f"skipped {int((~in_study).sum())} records of {n_units} units outside the study's unit set"
        )
        dropped["units outside the study"] += int((~in_study).sum())
    records = records[in_study]

    _check_duplicates(records)
    _check_reserved(spec)
    # Variables the config maps but no record within the study's years carries are missing everywhere too.
    declared = [v for table in spec.files for v in (table.variables or {}).values()]
    declared += [table.variable_name for table in spec.files if table.variable_name]
    variables = list(dict.fromkeys(list(records["variable"]) + declared))
    names = boundary_units.set_index("code")["name"]
    grid = pd.MultiIndex.from_product(
        [study_codes, range(spec.first_year, spec.last_year + 1)], names=["code", "year"]
    )
    wide = records.pivot(index=["code", "year"], columns="variable", values="value").reindex(grid)
    wide = wide.reindex(columns=variables)
    _check_variables_present(wide, records, variables, spec)
    study_codes = _units_without_statistics(
        records, study_codes, drop_codes, spec, names, boundary_source, notes
    )
    wide = wide[wide.index.get_level_values("code").isin(study_codes)]
    wide, filled = _fill(wide, spec.fill, names)
    wide = formulas.derive(wide, spec.derived)
    all_variables = variables + list(spec.derived)
    gaps = _gaps(wide, all_variables, names, records, spec)
    _check_complete(gaps, spec.require_complete, all_variables)
    if spec.model_variables and spec.model_years is not None:
        notes += check_model_balance(
            gaps,
            [v for v in spec.model_variables if v in all_variables],
            spec.model_years,
            spec.models_drop_units,
            dependent=spec.model_variables[0],
        )
    sources = {
        (r.code, r.year, r.variable): f"{r.file}"
        + (f" sheet {r.sheet}" if r.sheet else "")
        + f" row {r.row} column {r.column}"
        for r in records[["code", "year", "variable", "file", "sheet", "row", "column"]].itertuples(
            index=False
        )
    }
    outcome = checks.run(wide, spec.rules.checks, names, sources)

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
        codes=list(study_codes),
        violations=outcome.violations,
        checks=outcome.summary,
    )


def _match_units(records, matcher, spec, notes, dropped):
    # each distinct (unit, parent, matched by) is matched once; a record finds its key by its group, numbered in
    # the order the keys first appear
    key_columns = ["unit_raw", "parent_raw", "unit_by"]
    group = records.groupby(key_columns, dropna=False, sort=False).ngroup().to_numpy()
    firsts = np.unique(group, return_index=True)[1]
    keys = [
        tuple(_none_if_missing(v) for v in row)
        for row in records[key_columns].iloc[firsts].itertuples(index=False, name=None)
    ]
    matched = [matcher.match(unit, parent=parent, by=by) for unit, parent, by in keys]  # by group

    # values listed in statistics.drop_units are left out whether or not they match a unit
    raw_drop = {normalise(v) for v in spec.drop_units}
    listed = [
        isinstance(m, Unmatched) and normalise(k[0]) in raw_drop for k, m in zip(keys, matched, strict=True)
    ]
    unmatched_groups = [g for g, m in enumerate(matched) if isinstance(m, Unmatched) and not listed[g]]
    if unmatched_groups:
        lines = []
        first = records.iloc[firsts[unmatched_groups[0]]]
        for g in unmatched_groups:
            key, m, where = keys[g], matched[g], records.iloc[firsts[g]]
            parent = f" (parent {key[1]!r})" if key[1] is not None else ""
            nearest = f"; nearest: {'; '.join(m.candidates)}" if m.candidates else ""
            lines.append(f"{m.raw!r}{parent} in {where['file']} row {where['row']}: {m.reason}{nearest}")
        if spec.unmatched == "error":
            raise InputError(
                f"{len(unmatched_groups)} unit values match no unit of the boundaries",
                file=first["file"],
                row=first["row"],
                unit=str(first["unit_raw"]),
                column=first["unit_column"],
                details=lines,
                fix="correct the names or codes, list units to leave out in statistics.drop_units, or set "
                "statistics.unmatched: drop to skip them with a report",
            )
        notes.append(
            f"skipped the records of {len(unmatched_groups)} unmatched unit values (statistics.unmatched: drop):"
        )
        notes.extend("  " + line for line in lines)

    codes = np.empty(len(keys), dtype=object)
    codes[:] = [m.code if isinstance(m, Match) else None for m in matched]
    records = records.assign(code=codes[group], _group=group)
    unmatched = records["code"].isna().to_numpy() & ~np.asarray(listed, dtype=bool)[group]
    dropped["unmatched units"] += int(unmatched.sum())
    records = records[~unmatched]

    drop_codes: set[str] = set()
    if spec.drop_units:
        for value in spec.drop_units:
            m = matcher.match(value)
            if isinstance(m, Unmatched):
                drop_codes.add(
                    str(value)
                )  # a unit absent from the boundaries can still be dropped by its raw value
            else:
                drop_codes.add(m.code)
        by_drop = records["code"].isin(drop_codes) | _normalised_in(records["unit_raw"], raw_drop)
        notes.append(
            f"skipped {int(by_drop.sum())} records of units listed in statistics.drop_units: "
            + ", ".join(str(v) for v in spec.drop_units)
        )
        dropped["statistics.drop_units"] += int(by_drop.sum())
        records = records[~by_drop]

    # The unmatched keys are gone from the records by now; their counts are zero.
    used = records.groupby("_group", sort=False).agg(
        files=("file", lambda f: "; ".join(sorted(set(f)))), records=("file", "size")
    )
    files, counts = used["files"].to_dict(), used["records"].to_dict()
    rows = []
    for g, (key, m) in enumerate(zip(keys, matched, strict=True)):
        rows.append(
            {
                "raw": m.raw,
                "parent": key[1],
                "code": m.code if isinstance(m, Match) else None,
                "method": m.method if isinstance(m, Match) else "unmatched",
                "note": m.note if isinstance(m, Match) else m.reason,
                "files": files.get(g, ""),
                "records": int(counts.get(g, 0)),
            }
        )
    matches = pd.DataFrame(rows, columns=["raw", "parent", "code", "method", "note", "files", "records"])
    return records.drop(columns="_group"), matches, drop_codes


def _normalised_in(values: pd.Series, texts: set[str]) -> pd.Series:
    """Whether each value's normalised text (:func:`~nqpf.units.names.normalise`) is among ``texts``, each distinct
    value (by type and value: 110000 and 110000.0 normalise differently) normalised once."""
    known: dict = {}
    hits = np.empty(len(values), dtype=bool)
    for k, value in enumerate(values.to_numpy(dtype=object)):
        key = (type(value), value)
        hit = known.get(key)
        if hit is None:
            hit = known[key] = normalise(value) in texts
        hits[k] = hit
    return pd.Series(hits, index=values.index)


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


def _check_reserved(spec: PanelSpec) -> None:
    """A variable may not take the name of a column every panel has (code, name, year)."""
    for i, table in enumerate(spec.files):
        named = dict(table.variables or {})
        if table.variable_name:
            named[table.variable_name] = table.variable_name
        for label, variable in named.items():
            if variable in PANEL_COLUMNS:
                key = "variable_name" if table.variable_name == variable else f"variables.{label}"
                raise InputError(
                    f"the variable name {variable!r} is a column of every panel",
                    file=table.path,
                    key=f"statistics.files[{i}].{key}",
                    fix=f"name the variable otherwise (not {', '.join(PANEL_COLUMNS)}), e.g. {variable}_value",
                )
    for name in spec.derived:
        if name in PANEL_COLUMNS:
            raise InputError(
                f"the derived variable name {name!r} is a column of every panel",
                key=f"derived.{name}",
                fix=f"name the variable otherwise (not {', '.join(PANEL_COLUMNS)})",
            )


def _check_variables_present(
    wide: pd.DataFrame, records: pd.DataFrame, variables: list[str], spec: PanelSpec
) -> None:
    empty = [v for v in variables if wide[v].isna().all()]
    if not empty:
        return
    details, first = [], None
    for v in empty:
        src = records[records["variable"] == v]
        places = []
        for (file, column), group in src.groupby(["file", "column"], sort=False):
            places.append(
                f"{file} column {column}: rows {group['row'].min()}-{group['row'].max()} hold no number"
            )
            first = first or (file, column, f"{group['row'].min()}-{group['row'].max()}")
        if not places:
            tables = [t for t in spec.files if v in (t.variables or {}).values() or v == t.variable_name]
            columns = [c for t in tables for c, name in (t.variables or {}).items() if name == v]
            files = ", ".join(t.path for t in tables)
            places.append(
                f"{files} column {', '.join(columns) or v}: no row in {spec.first_year}-{spec.last_year}"
            )
            first = first or (tables[0].path if tables else None, ", ".join(columns) or v, "none")
        details.append(f"{v}: " + "; ".join(places))
    raise InputError(
        f"variables without any value in the study's units and years ({spec.first_year}-{spec.last_year}): "
        + ", ".join(empty),
        file=first[0],
        row=first[2],
        column=first[1],
        details=details,
        fix="check the column mapping (statistics.files[].variables) and the years of the file against the "
        "study's years, fill in the values, or remove the variable from the config",
    )


def _units_without_statistics(
    records: pd.DataFrame,
    study_codes: list[str],
    drop_codes: set[str],
    spec: PanelSpec,
    names: pd.Series,
    boundary_source: str | None,
    notes: list[str],
) -> list[str]:
    """The study's units without those left out: units listed in drop_units, and units no statistics cover
    (an error unless ``unmatched: drop``)."""
    listed = [c for c in study_codes if c in drop_codes]
    if listed:
        notes.append(
            "left out of the study, as statistics.drop_units lists them: "
            + ", ".join(f"{c} {names.get(c, '')}" for c in listed)
        )
    codes = [c for c in study_codes if c not in drop_codes]
    covered = set(records["code"])
    without = [c for c in codes if c not in covered]
    if not without:
        return codes
    labels = [f"{c} {names.get(c, '')}" for c in without]
    if spec.unmatched == "error":
        files = ", ".join(dict.fromkeys(t.path for t in spec.files))
        columns = ", ".join(dict.fromkeys(t.unit for t in spec.files))
        details = [f"{label}: no row in {files}" for label in labels[:_MAX_LISTED]]
        if len(labels) > _MAX_LISTED:
            details.append(f"... and {len(labels) - _MAX_LISTED} more")
        raise InputError(
            f"{len(without)} units of the boundaries have no statistics in {spec.first_year}-{spec.last_year}",
            file=boundary_source,
            unit=", ".join(labels[:5]) + (" ..." if len(labels) > 5 else ""),
            column=columns,
            details=details,
            fix="add their rows to the statistics, restrict the study to the units you have (units.provinces, "
            "or a boundary file without them), list them in statistics.drop_units, or set "
            "statistics.unmatched: drop to leave them out with a report",
        )
    notes.append(
        f"left out of the study {len(without)} units without any statistics in {spec.first_year}-"
        f"{spec.last_year} (statistics.unmatched: drop): " + ", ".join(labels)
    )
    return [c for c in codes if c in covered]


def _gap_place(code: str, year: int, variable: str, found: dict, spec: PanelSpec) -> tuple[str | None, str]:
    """(file, where and why) of one missing cell: the cell that holds a missing marker, the files without a row
    for it, or the formula it is derived by."""
    if variable in spec.derived:
        return None, f"derived by {spec.derived[variable]!r}; an input has no value"
    record = found.get((code, year, variable))
    if record is not None:
        return record.file, f"{record.file} row {record.row}, column {record.column}: {record.value_raw!r}"
    tables = [
        t for t in spec.files if variable in (t.variables or {}).values() or variable == t.variable_name
    ]
    files = ", ".join(t.path for t in tables) or "the statistics files"
    return (tables[0].path if tables else None), f"no row for it in {files}"


def check_model_balance(
    gaps: pd.DataFrame,
    variables: list[str],
    years: tuple[int, int],
    drop_units: bool,
    dependent: str | None = None,
) -> list[str]:
    """The models need a balanced panel: ``variables`` (the models' read and derived variables; indices are
    checked when the models run) may have no gap in ``years`` (first, last). ``gaps`` is the panel's table of
    gaps (:attr:`PanelResult.gaps`, data/gaps.csv). A gap stops the run naming its file, row, unit and column,
    unless the models drop the units with gaps (``drop_units``, ``models.balance: drop_units``): then the notes
    say which units they leave out. ``dependent`` names the dependent variable, so that the error's key is
    models.dependent or models.explanatory."""
    first, last = years
    missing = gaps[gaps["variable"].isin(variables) & gaps["year"].between(first, last)]
    if missing.empty:
        return []
    if drop_units:
        units = list(dict.fromkeys(f"{r.code} {r.name}" for r in missing.itertuples(index=False)))
        return [
            f"{len(units)} units have gaps in the models' variables in {first}-{last} ({len(missing)} cells, "
            "listed in gaps.csv); models.balance: drop_units leaves them out of the models: "
            + ", ".join(units[:_MAX_LISTED])
            + (f" ... and {len(units) - _MAX_LISTED} more" if len(units) > _MAX_LISTED else "")
        ]
    listed = list(missing.head(_MAX_LISTED).itertuples(index=False))
    details = [f"unit {r.code} {r.name}, year {r.year}, {r.variable}: {r.where}" for r in listed]
    if len(missing) > _MAX_LISTED:
        details.append(
            f"... and {len(missing) - _MAX_LISTED} more (gaps.csv lists every gap once the panel builds)"
        )
    head = listed[0]
    raise InputError(
        f"the models need a balanced panel, but {len(missing)} cells of their variables in {first}-{last} have "
        f"no value (after panel.fill), the first {head.variable} of unit {head.code} {head.name} in {head.year}",
        file=head.file if isinstance(head.file, str) else None,
        row=head.row,
        unit=f"{head.code} {head.name}",
        column=head.column,
        key="models.dependent" if head.variable == (dependent or variables[0]) else "models.explanatory",
        details=details,
        fix="supply the missing values, fill them with panel.fill (linear fills between a unit's observed "
        "years only; constant fills any year), narrow models.years, choose complete variables, or set "
        "models.balance: drop_units to estimate on the units complete in every model variable and year (W "
        "restricted to them, every unit left out listed in models/dropped_units.csv)",
    )


def _fill(
    wide: pd.DataFrame, rules: dict[str, FillRule], names: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    filled_rows = []
    wide = wide.copy()
    for variable, rule in rules.items():
        if variable not in wide.columns:
            raise InputError(
                f"panel.fill names {variable!r}, which is not read from the statistics",
                column=f"panel.fill.{variable}",
                fix="fill only variables read from the statistics files: " + ", ".join(wide.columns),
            )
        method = rule.method
        series = wide[variable]
        if method == "linear":  # unit by unit, only the units with a gap (the others are left as they are)
            codes = series.index.get_level_values("code")
            gapped = codes.isin(codes[series.isna().to_numpy()].unique())
            new = series.copy()
            if gapped.any():
                new[gapped] = (
                    series[gapped].groupby(level="code", group_keys=False).apply(_interpolate_interior)
                )
        elif method == "constant":
            value = float(rule.value)
            years = series.index.get_level_values("year")
            allowed = np.ones(len(series), bool)
            if rule.until is not None:
                allowed &= years <= rule.until
            if rule.from_ is not None:
                allowed &= years >= rule.from_
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


def _gaps(wide: pd.DataFrame, variables: list[str], names: pd.Series, records: pd.DataFrame, spec: PanelSpec):
    """Every missing cell of the panel (variable, unit, year) with where it comes from: the file, row and column
    of the cell that holds a missing marker (``row`` "none for <year>" and the variable as ``column`` when the
    files have no row for it), and that place as text (``where``)."""
    found = {
        (r.code, r.year, r.variable): r for r in records[records["value"].isna()].itertuples(index=False)
    }
    rows = []
    for variable in variables:
        missing = wide[variable].isna()
        for code, year in wide.index[missing.to_numpy()]:
            file, where = _gap_place(code, int(year), variable, found, spec)
            record = found.get((code, year, variable))
            rows.append(
                {
                    "variable": variable,
                    "code": code,
                    "name": names.get(code),
                    "year": year,
                    "file": file,
                    "row": record.row if record is not None else f"none for {year}",
                    "column": record.column if record is not None else variable,
                    "where": where,
                }
            )
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


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
    from nqpf.units.regions import PROVINCES

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
            "no boundary unit lies in the provinces of units.provinces",
            key="units.provinces",
            fix="list provinces that the study's boundaries cover",
        )
    return codes
