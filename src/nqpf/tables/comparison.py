"""Several fitted models side by side, as ``nqpf.compare`` shows them: one column per fit (its key), the
coefficients with stars and standard errors, rho or lambda, the direct, indirect and total effects of the fits
given with their impacts, fixed effects and the fit statistics. The table is the same table model the
workflow's publication tables use, so it prints in a terminal, shows as HTML in a notebook and renders to
LaTeX, Markdown, CSV and Word.

    nqpf.compare({"queen": res_queen, "distance": res_distance})              # coefficients
    nqpf.compare({"queen": res_queen.impacts(seed=0), "distance": ...})       # and their effects
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from nqpf.errors import InputError
from nqpf.models.spatial_panel import Impacts, SpatialPanelResults
from nqpf.tables import render
from nqpf.tables.labels import Labels
from nqpf.tables.model import Table
from nqpf.tables.regression import Results, comparison


@dataclass(frozen=True)
class Comparison:
    """The comparison table (``table``) and its numbers: ``params``, ``std_errors`` and ``pvalues`` as terms x
    fits; print it, or ``to_latex()``, ``to_markdown()``, ``to_csv()``, ``to_docx(path)``."""

    table: Table
    results: Results
    keys: tuple[str, ...]

    def _wide(self, column: str) -> pd.DataFrame:
        estimates = self.results.estimates
        frame = estimates.pivot(index="term", columns="weights", values=column)
        order = list(dict.fromkeys(estimates["term"]))
        frame = frame.reindex(index=order, columns=list(self.keys))
        frame.columns.name = None
        return frame

    @property
    def params(self) -> pd.DataFrame:
        return self._wide("estimate")

    @property
    def std_errors(self) -> pd.DataFrame:
        return self._wide("std_error")

    @property
    def pvalues(self) -> pd.DataFrame:
        return self._wide("p")

    @property
    def summary(self) -> str:
        return render.to_text(self.table)

    def to_latex(self) -> str:
        return render.to_latex(self.table)

    def to_markdown(self) -> str:
        return render.to_markdown(self.table)

    def to_csv(self) -> str:
        return render.to_csv(self.table)

    def to_docx(self, path) -> None:
        """A Word document with the table as a three-line table."""
        from pathlib import Path

        Path(path).write_bytes(render.to_docx([self.table]))

    def __str__(self) -> str:
        return self.summary

    def __repr__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        page = render.to_html(self.table)
        return page[page.index("<table") : page.rindex("</body>")]


def compare(
    fits: Mapping[str, SpatialPanelResults | Impacts], *, language: str = "en", labels: Mapping | None = None
) -> Comparison:
    """One table of several fits, one column per key of ``fits``: each a fitted model
    (:class:`~nqpf.models.spatial_panel.SpatialPanelResults`) or its impacts (then its effects are shown too).
    ``language`` is en or zh; ``labels`` gives display names ({"x1": {"en": "Infrastructure", "zh": "新基建"}})."""
    if not fits:
        raise InputError(
            "compare() needs at least one fitted model", key="fits", fix="pass {'name': model.fit(), ...}"
        )
    if language not in ("en", "zh"):
        raise InputError(f"language is {language!r}", key="language", fix="en or zh")
    estimates, effects, records, keys, explanatory = [], [], [], [], []
    for key, fit in fits.items():
        impacts = fit if isinstance(fit, Impacts) else None
        result = impacts.results if impacts is not None else fit
        if not isinstance(result, SpatialPanelResults):
            raise InputError(
                f"compare(): {key!r} is a {type(fit).__name__}, not a fitted model",
                key=str(key),
                fix="pass the results of SpatialPanelModel(...).fit(), or their impacts()",
            )
        model = result.fit.model
        tag = {"model": model, "weights": str(key)}
        estimates.append(result.estimates().assign(**tag))
        if impacts is not None:
            effects.append(impacts.table.assign(spec="main", **tag))
            record = result.record("main", {"effects": impacts.facts})
        else:
            record = result.record("main")
        records.append(pd.json_normalize([record], sep="_").assign(**tag))
        keys.append(str(key))
        explanatory += [v for v in result.model.explanatory if v not in explanatory]
    results = Results(
        pd.concat(estimates, ignore_index=True),
        pd.concat(effects, ignore_index=True)
        if effects
        else pd.DataFrame(columns=["model", "weights", "spec"]),
        pd.DataFrame(columns=["model", "weights", "spec"]),
        pd.concat(records, ignore_index=True),
    )
    names = {key: dict(value) for key, value in (labels or {}).items()}
    table = comparison(
        results,
        [(fits_model, key) for fits_model, key in zip(results.fit["model"], keys, strict=True)],
        [f"({i}) {Labels(language, names).name(key)}" for i, key in enumerate(keys, 1)],
        Labels(language, names),
        explanatory,
    )
    return Comparison(table, results, tuple(keys))
