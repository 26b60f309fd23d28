"""The data validation report of a study (``data/validation.md``): what was read, matched, missing and changed."""

from __future__ import annotations

import pandas as pd

from nqpf.panel.assembly import PanelResult

_LISTED = 50


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines


def report(
    result: PanelResult,
    *,
    study: str,
    units: pd.DataFrame,
    boundary_source: str,
    simulated: bool = False,
) -> str:
    """Markdown account of a panel build; ``units`` is the study's unit table (code, name, region ...)."""
    panel = result.panel
    years = sorted(panel["year"].unique())
    n_units = panel["code"].nunique()
    lines = [f"# Data validation: {study}", ""]
    if simulated:
        lines += [
            "**Simulated demo data**: every number below comes from the demo data-generating process.",
            "",
        ]

    lines += ["## Units and years", ""]
    lines.append(f"- boundaries: {boundary_source}; {n_units} units")
    if "region" in units.columns:
        counts = units["region"].fillna("(none)").value_counts().sort_index()
        lines.append("- units by region: " + ", ".join(f"{r} {n}" for r, n in counts.items()))
    lines.append(
        f"- years: {years[0]}-{years[-1]} ({len(years)} years); panel rows: {len(panel)} (time-major)"
    )
    read = [v for v in result.variables if v not in result.derived]
    lines.append(f"- variables: {len(read)} read, {len(result.derived)} derived")
    gap_vars = set(result.gaps["variable"])
    complete = [v for v in result.variables if v not in gap_vars]
    lines.append("- complete (balanced) variables: " + (", ".join(complete) if complete else "none"))
    lines.append(
        "- variables with gaps: " + (", ".join(v for v in result.variables if v in gap_vars) or "none")
    )
    no_data = [c for c, g in panel.groupby("code") if g[read].isna().all().all()]
    lines.append(
        "- units without any statistics: "
        + (
            ", ".join(f"{c} {panel.loc[panel.code == c, 'name'].iloc[0]}" for c in no_data)
            if no_data
            else "none"
        )
    )
    lines.append("")

    lines += ["## Files read", ""]
    rows = []
    for f in result.files:
        markers = ", ".join(f"{m!r} x{n}" for m, n in sorted(f.missing.items())) or "none"
        ignored = ", ".join(f.ignored_columns + [f"label {x}" for x in f.ignored_labels]) or "none"
        sheets = ", ".join(s for s in f.sheets if s and s != "None") or "-"
        rows.append([f.path, f.sha256[:16], sheets, f.rows, f.blank_rows, f.records, markers, ignored])
    lines += _table(
        ["file", "sha256 (first 16)", "sheets", "rows", "blank rows", "values", "missing markers", "ignored"],
        rows,
    )
    for attribute, text in (
        ("full_width", "values written in full-width characters (１２３．４), read as the same digits"),
        (
            "trimmed_units",
            "unit cells with spaces around the name (NBSP, full-width spaces ...), matched without them",
        ),
    ):
        counted = [f"{f.path} ({getattr(f, attribute)})" for f in result.files if getattr(f, attribute)]
        if counted:
            lines += ["", f"- {text}: " + ", ".join(counted)]
    lines.append("")

    lines += ["## Unit matching", ""]
    counts = result.matches["method"].value_counts()
    lines += _table(["method", "unit values"], [[m, n] for m, n in counts.items()])
    lines.append("")
    plain = ["code", "code (normalised)", "official name", "short name"]
    indirect = result.matches[~result.matches["method"].isin(plain)]
    lines.append(
        "Every unit value, its code and how it was matched: unit_matches.csv. Codes written as numbers "
        "(110000.0) are normalised; short names are the yearbook forms (北京, 延边州)."
    )
    lines.append("")
    if len(indirect):
        lines += [
            "Values matched through the crosswalk, a former or English name, a parent column, or not at all:",
            "",
        ]
        names = units.set_index("code")["name"]
        rows = [
            [
                r.raw,
                r.parent if pd.notna(r.parent) else "",
                r.code if pd.notna(r.code) else "-",
                names.get(r.code, "") if pd.notna(r.code) else "",
                r.method,
                r.note,
            ]
            for r in indirect.itertuples()
        ]
        lines += _table(["value", "parent", "code", "name", "method", "note"], rows)
        lines.append("")

    lines += ["## Coverage by variable", ""]
    total = len(panel)
    filled_counts = result.filled["variable"].value_counts()
    rows = []
    for v in result.variables:
        observed = int(panel[v].notna().sum())
        gaps_v = result.gaps[result.gaps["variable"] == v]
        rows.append(
            [
                v,
                "derived" if v in result.derived else "read",
                observed,
                total - observed,
                f"{100 * observed / total:.1f}",
                gaps_v["code"].nunique(),
                int(filled_counts.get(v, 0)),
            ]
        )
    lines += _table(
        ["variable", "source", "observed", "missing", "coverage %", "units with gaps", "filled"], rows
    )
    lines.append("")

    lines += ["## Values", ""]
    lines.append(
        "The range of every variable, with its negative and zero cells (a negative population or GDP is a "
        "fault of the source; declare the values a variable can take in panel.checks.ranges)."
    )
    lines.append("")
    rows = []
    for v in result.variables:
        values = panel[v].dropna()
        if values.empty:
            rows.append([v, "-", "-", "-", 0, 0])
            continue
        rows.append(
            [
                v,
                f"{values.min():.6g}",
                f"{values.median():.6g}",
                f"{values.max():.6g}",
                int((values < 0).sum()),
                int((values == 0).sum()),
            ]
        )
    lines += _table(["variable", "min", "median", "max", "negative", "zero"], rows)
    negative = [f"{row[0]} ({row[4]})" for row in rows if row[4]]
    lines += ["", "- variables with negative cells: " + (", ".join(negative) if negative else "none")]
    lines.append("")

    lines += _checks(result)

    if len(result.gaps):
        lines += [f"## Gaps ({len(result.gaps)} cells; all listed in gaps.csv)", ""]
        summary = (
            result.gaps.groupby(["variable", "code", "name"], sort=False)["year"]
            .apply(lambda y: _years(sorted(y)))
            .reset_index()
        )
        rows = [[r.variable, r.code, r.name, r.year] for r in summary.head(_LISTED).itertuples()]
        lines += _table(["variable", "code", "name", "years missing"], rows)
        if len(summary) > _LISTED:
            lines.append(f"\n... {len(summary) - _LISTED} more unit-variable pairs in gaps.csv")
        lines.append("")

    if len(result.filled):
        lines += [f"## Filled values ({len(result.filled)} cells; all listed in filled.csv)", ""]
        summary = result.filled.groupby(["variable", "method"]).agg(
            cells=("year", "size"), units=("code", "nunique")
        )
        rows = [[v, m, r.cells, r.units] for (v, m), r in summary.iterrows()]
        lines += _table(["variable", "method", "cells", "units"], rows)
        lines.append("")

    if result.derived:
        lines += ["## Derived variables", ""]
        lines += _table(["variable", "formula"], [[k, f"`{v}`"] for k, v in result.derived.items()])
        lines.append("")

    lines += ["## Other actions", ""]
    lines += [f"- {n}" if not n.startswith("  ") else f"  - {n.strip()}" for n in result.notes] or ["- none"]
    lines.append("")
    return "\n".join(lines)


def _checks(result: PanelResult) -> list[str]:
    """The section on the study's checks (panel.checks): what each tested and the cells that fail it."""
    if result.checks.empty:
        return ["## Checks", "", "- none declared (panel.checks: ranges and identities)", ""]
    failing = len(result.violations)
    lines = [f"## Checks ({failing} cells fail; all listed in checks.csv)", ""]
    rows = [
        [r.check, r.kind, f"`{r.rule}`", r.checked, r.not_checked, r.violations]
        for r in result.checks.itertuples()
    ]
    lines += _table(["check", "kind", "rule", "cells checked", "not checked (missing)", "violations"], rows)
    lines.append("")
    if failing:
        rows = [
            [
                r.check,
                r.code,
                r.name,
                r.year,
                f"{r.value:.6g}",
                f"{r.reference:.6g}",
                f"{r.deviation:+.3g}",
                r.source,
            ]
            for r in result.violations.head(_LISTED).itertuples()
        ]
        lines += _table(
            ["check", "code", "name", "year", "value", "reference", "deviation", "read from"], rows
        )
        if failing > _LISTED:
            lines.append(f"\n... {failing - _LISTED} more cells in checks.csv")
        lines.append("")
    return lines


def _years(years: list[int]) -> str:
    """Compress [2012, 2013, 2014, 2018] to "2012-2014, 2018"."""
    runs, start, prev = [], years[0], years[0]
    for y in years[1:]:
        if y != prev + 1:
            runs.append((start, prev))
            start = y
        prev = y
    runs.append((start, prev))
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)
