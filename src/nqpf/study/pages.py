"""The text results of a study as pages its report shows: every CSV as a table, every Markdown statement as
text, each under its title and a sentence on what it holds.

A Snakemake report offers a CSV or Markdown file for download only; these pages are what a reader opens in the
report instead (``results/<study>/report/pages/<category>/<path>.html``). Numbers are shown to six significant
digits; the result files themselves keep every digit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DIGITS = 6


@dataclass(frozen=True)
class Page:
    """One text result of a study shown in its report: its path below ``results/<study>/``, the report's
    category, a title, and the caption (reStructuredText in ``workflow/report/``) that says what it holds."""

    path: str
    category: str
    title: str
    caption: str
    name: str = ""  # the index or pair a caption names

    @property
    def target(self) -> str:
        """The page's path below ``results/<study>/report/pages/``."""
        return f"{self.category}/{Path(self.path).with_suffix('').as_posix()}.html"


def study_pages(
    indices=(),
    couplings=(),
    esda: bool = False,
    disparity: bool = False,
    models: bool = False,
    baseline: bool = False,
    threshold: bool = False,
    boundary: bool = False,
    mechanisms: dict | None = None,
    dynamics: bool = False,
    centrography: bool = False,
    geodetector: bool = False,
    spatial_convergence: bool = False,
    policy: bool = False,
    dynamic: bool = False,
):
    """The pages of a study's text results, in the order of the chain (data, indices, disparity, ESDA, dynamics,
    models),
    for its composite ``indices``, coupling pairs ``couplings`` and the stages it runs; ``mechanisms`` lists the
    variables of each mechanism test (mediators, moderators, quadratic); ``policy`` whether the study evaluates a
    pilot policy, ``dynamic`` whether it fits the dynamic spatial panel model."""
    pages = [
        Page("data/panel.csv", "Data", "Study panel", "panel.rst"),
        Page("data/validation.md", "Data", "Data validation", "validation.rst"),
    ]
    for index in indices:
        pages += [
            Page(f"indices/{index}.csv", "Indices", f"Composite index {index}", "index_values.rst", index),
            Page(
                f"indices/{index}.weights.csv", "Indices", f"Weights of {index}", "index_weights.rst", index
            ),
            Page(f"indices/{index}.method.md", "Indices", f"Method of {index}", "index_method.rst", index),
        ]
    pages += [
        Page(f"indices/coupling/{pair}.csv", "Indices", f"Coupling coordination {pair}", "coupling.rst", pair)
        for pair in couplings
    ]
    if disparity:
        pages += [
            Page("disparity/regional_growth.csv", "Disparity", "Regional growth", "regional_growth.rst"),
            Page("disparity/dagum_gini.csv", "Disparity", "Dagum Gini decomposition", "dagum_gini_table.rst"),
            Page("disparity/theil.csv", "Disparity", "Theil index", "theil.rst"),
            Page("disparity/convergence.csv", "Disparity", "Convergence", "convergence.rst"),
        ]
    if spatial_convergence:
        pages.append(
            Page(
                "disparity/spatial_convergence.csv",
                "Disparity",
                "Spatial and club beta convergence",
                "spatial_convergence.rst",
            )
        )
    if esda:
        pages += [
            Page("esda/global.csv", "ESDA", "Global spatial autocorrelation", "esda_global.rst"),
            Page("esda/named_clusters.csv", "ESDA", "Hot spots of named regions", "named_clusters.rst"),
        ]
    if centrography:
        pages.append(
            Page(
                "esda/centrography.csv",
                "ESDA",
                "Gravity centres and standard deviational ellipses",
                "centrography.rst",
            )
        )
    if dynamics:
        pages += [
            Page(
                "dynamics/transitions.csv", "Dynamics", "Markov transition probabilities", "markov_table.rst"
            ),
            Page(
                "dynamics/homogeneity.csv",
                "Dynamics",
                "Homogeneity of the spatial Markov chains",
                "homogeneity.rst",
            ),
            Page("dynamics/steady_state.csv", "Dynamics", "Steady states", "steady_state.rst"),
            Page(
                "dynamics/lisa_moves.csv", "Dynamics", "LISA Markov: space-time transitions", "lisa_moves.rst"
            ),
        ]
    if geodetector:
        pages += [
            Page("drivers/factor.csv", "Drivers", "Geographical detector: factors", "geodetector_factor.rst"),
            Page(
                "drivers/interaction.csv",
                "Drivers",
                "Geographical detector: interactions",
                "geodetector_interaction.rst",
            ),
            Page(
                "drivers/discretisation.csv",
                "Drivers",
                "Discretisation of the factors (OPGD)",
                "geodetector_discretisation.rst",
            ),
        ]
    if models:
        pages += [
            Page("models/estimates.csv", "Models", "Model estimates", "model_estimates.rst"),
            Page("models/effects.csv", "Models", "Direct, indirect and total effects", "model_effects.rst"),
            Page("models/tests.csv", "Models", "Specification tests", "model_tests.rst"),
            Page("models/fit.csv", "Models", "Fit of every model", "model_fit.rst"),
            Page(
                "models/dropped_units.csv",
                "Models",
                "Units left out of the models",
                "model_dropped_units.rst",
            ),
        ]
    if baseline:
        pages += [
            Page("baseline/estimates.csv", "Models", "Baseline regression", "baseline.rst"),
            Page(
                "baseline/correlations.csv",
                "Models",
                "Correlations of the model variables",
                "correlations.rst",
            ),
            Page("baseline/vif.csv", "Models", "Variance inflation factors", "vif.rst"),
        ]
    if threshold:
        pages += [
            Page("threshold/tests.csv", "Models", "Threshold effect tests", "threshold_tests.rst"),
            Page("threshold/thresholds.csv", "Models", "Thresholds and their intervals", "thresholds.rst"),
            Page(
                "threshold/estimates.csv", "Models", "Panel threshold regression", "threshold_estimates.rst"
            ),
        ]
    if boundary:
        pages.append(Page("boundary/effects.csv", "Models", "Spillover boundary", "spillover_boundary.rst"))
    mechanisms = mechanisms or {}
    for v in mechanisms.get("mediators", ()):
        base = f"mechanisms/mediation_{v}"
        pages += [
            Page(
                f"{base}/steps.csv",
                "Models",
                f"Mediation by {v}: stepwise equations",
                "mediation_steps.rst",
                v,
            ),
            Page(
                f"{base}/indirect.csv",
                "Models",
                f"Mediation by {v}: indirect effect",
                "mediation_indirect.rst",
                v,
            ),
            Page(
                f"{base}/effects.csv",
                "Models",
                f"Mediation by {v}: spatial effects",
                "mediation_effects.rst",
                v,
            ),
        ]
    for v in mechanisms.get("moderators", ()):
        base = f"mechanisms/moderation_{v}"
        pages += [
            Page(f"{base}/estimates.csv", "Models", f"Moderation by {v}", "moderation_estimates.rst", v),
            Page(
                f"{base}/marginal.csv",
                "Models",
                f"Moderation by {v}: marginal effects",
                "moderation_values.rst",
                v,
            ),
        ]
    for v in mechanisms.get("quadratic", ()):
        base = f"mechanisms/quadratic_{v}"
        pages += [
            Page(f"{base}/estimates.csv", "Models", f"Quadratic term of {v}", "quadratic_estimates.rst", v),
            Page(f"{base}/turning.csv", "Models", f"Turning points of {v}", "quadratic_turning.rst", v),
        ]
    if policy:
        pages += [
            Page("policy/did.csv", "Models", "Pilot policy: DID", "policy_did.rst"),
            Page("policy/event_study.csv", "Models", "Pilot policy: event study", "policy_event.rst"),
            Page("policy/spatial_effects.csv", "Models", "Pilot policy: spatial DID", "policy_spatial.rst"),
        ]
    if dynamic:
        pages += [
            Page(
                "dynamic_panel/estimates.csv",
                "Models",
                "Dynamic spatial panel model",
                "dynamic_estimates.rst",
            ),
            Page(
                "dynamic_panel/effects.csv",
                "Models",
                "Dynamic model: short- and long-run effects",
                "dynamic_effects.rst",
            ),
        ]
    return pages


def caption_html(page: Page, captions, study: str) -> str:
    """The page's caption as HTML, the study and the index or pair it names filled in. ``captions``: the
    report's reStructuredText captions by file name, or the folder that holds them."""
    from docutils.core import publish_parts

    if isinstance(captions, dict):
        text = captions[page.caption]
    else:
        text = (Path(captions) / page.caption).read_text(encoding="utf-8")
    for key, value in {"study": study, "index": page.name, "pair": page.name, "variable": page.name}.items():
        text = re.sub(r"\{\{\s*snakemake\.wildcards\." + key + r"\s*\}\}", value, text)
    return publish_parts(text, writer="html", settings_overrides={"report_level": 5})["body"]


_STYLE = """<style>
body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;font-size:14px;margin:1.5em;color:#1a202c}
h1{font-size:1.3em;margin:0 0 .2em} p.about{color:#4a5568;margin:.2em 0 1em}
table{border-collapse:collapse;font-size:12.5px} th,td{padding:2px 8px;border-bottom:1px solid #e2e8f0}
th{position:sticky;top:0;background:#edf2f7;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f7fafc;padding:.6em;overflow-x:auto}
</style>"""


def _cell(value) -> tuple[str, bool]:
    """A cell's text and whether it is a number."""
    if isinstance(value, float):
        return ("" if pd.isna(value) else f"{value:.{DIGITS}g}"), True
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), True
    return ("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)), False


def table_html(frame: pd.DataFrame) -> str:
    """``frame`` as an HTML table, numbers right-aligned to :data:`DIGITS` significant digits."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for value in values:
            text, number = _cell(value.item() if hasattr(value, "item") else value)
            cells.append(
                f'<td class="n">{html.escape(text)}</td>' if number else f"<td>{html.escape(text)}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def markdown_html(text: str) -> str:
    """The Markdown the study writes (headings, paragraphs, lists, pipe tables, code blocks) as HTML."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            block = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(f"<pre>{html.escape(chr(10).join(block))}</pre>")
        elif line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")) + 1, 6)
            out.append(f"<h{level}>{_inline(line.lstrip('#').strip())}</h{level}>")
        elif line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            i -= 1
            body = [r for r in block[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r)]
            head = "".join(f"<th>{_inline(c)}</th>" for c in block[0])
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in body)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif re.match(r"\s*([-*]|\d+\.)\s", line):
            items = []
            while i < len(lines) and re.match(r"\s*([-*]|\d+\.)\s", lines[i]):
                items.append(re.sub(r"^\s*([-*]|\d+\.)\s+", "", lines[i]))
                i += 1
            i -= 1
            out.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
        elif line.strip():
            block = [line]
            while (
                i + 1 < len(lines)
                and lines[i + 1].strip()
                and not re.match(r"\s*([#|`]|[-*]\s|\d+\.\s)", lines[i + 1])
            ):
                i += 1
                block.append(lines[i])
            out.append(f"<p>{_inline(' '.join(block))}</p>")
        i += 1
    return "\n".join(out)


def write_page(page: Page, source, target, study: str, captions) -> Path:
    """Write the report page of ``page`` from its result file ``source`` to ``target``, under its title and
    caption (``captions``: the report's captions by file name, or their folder)."""
    source, target = Path(source), Path(target)
    if source.suffix == ".csv":
        frame = pd.read_csv(source, dtype={"code": str})
        body = table_html(frame)
        shape = f"{len(frame)} rows, {len(frame.columns)} columns; numbers to {DIGITS} significant digits, "
    else:
        body = markdown_html(source.read_text(encoding="utf-8"))
        shape = ""
    about = f"{shape}the file: results/{study}/{page.path}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(page.title)}</title>{_STYLE}'
        f"</head><body><h1>{html.escape(page.title)}</h1>{caption_html(page, captions, study)}"
        f'<p class="about">{html.escape(about[0].upper() + about[1:])}</p>{body}'
        "</body></html>\n",
        encoding="utf-8",
    )
    return target
