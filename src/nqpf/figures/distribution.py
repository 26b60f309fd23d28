"""Figures of regional disparity: regional means over time, kernel densities and the Dagum Gini
decomposition."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from nqpf.disparity.kernel import gaussian_density
from nqpf.figures.style import as_labels, in_parentheses, region_colour, save, use_cjk_font
from nqpf.tables.labels import Labels
from nqpf.units import region_sets


def _group_name(group, labels: Labels) -> str:
    """A region or group as the tables name it; the whole sample is National, 全国."""
    return labels.term("national") if group == "National" else labels.name(str(group))


def regional_trend(
    means, variable: str, path, note: str = "", labels: Labels | None = None, title: str | None = None
) -> None:
    """Mean of a variable by region and year (the national mean dashed). ``labels`` (the study's tables'
    language and names) gives the words, English by default; ``title`` names the variable (default its name in
    ``labels``)."""
    labels = as_labels(labels)
    use_cjk_font()
    name = title or labels.name(variable)
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=150)
    for k, (region, data) in enumerate(means.groupby("region", sort=False)):
        style = "--" if region == "National" else "-"
        ax.plot(
            data["year"],
            data["mean"],
            style,
            marker="o",
            markersize=3,
            label=_group_name(region, labels),
            color=region_colour(region, k),
        )
    ax.set_xlabel(labels.term("year_axis"))
    ax.set_ylabel(labels.term("mean_of", variable=name))
    ax.set_title(labels.term("by_region", variable=name) + in_parentheses(note, labels), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, path)


def kernel_densities(
    frame, variable: str, group: str, order, years, path, note: str = "", labels: Labels | None = None
) -> None:
    """Gaussian kernel densities (Scott's bandwidth) of a variable, nationally and by group, for some years.
    ``labels`` (the study's tables' language and names) gives the words; English by default."""
    labels = as_labels(labels)
    use_cjk_font()
    name = labels.name(variable)
    panels = ["National", *region_sets.group_order(order)]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.0 * len(panels), 3.2), dpi=150, sharey=False)
    values = frame[variable].dropna()
    grid = np.linspace(values.min() - 0.1 * np.ptp(values), values.max() + 0.1 * np.ptp(values), 256)
    shades = plt.get_cmap("viridis")(np.linspace(0.1, 0.9, len(years)))
    for ax, panel in zip(np.atleast_1d(axes), panels, strict=True):
        part = frame if panel == "National" else frame[frame[group] == panel]
        for shade, year in zip(shades, years, strict=True):
            sample = part.loc[part["year"] == year, variable].dropna().to_numpy()
            if len(sample) > 2 and np.ptp(sample) > 0:
                ax.plot(
                    grid,
                    gaussian_density(sample, grid),
                    color=shade,
                    label=labels.term("year_label", year=year),
                )
        ax.set_title(_group_name(panel, labels), fontsize=9)
        ax.set_xlabel(name, fontsize=8)
        ax.tick_params(labelsize=7)
    np.atleast_1d(axes)[0].set_ylabel(labels.term("density"), fontsize=8)
    np.atleast_1d(axes)[-1].legend(fontsize=7, frameon=False)
    fig.suptitle(labels.term("kernel", variable=name) + in_parentheses(note, labels), fontsize=10)
    fig.tight_layout()
    save(fig, path)


def gini_decomposition(table, variable: str, path, note: str = "", labels: Labels | None = None) -> None:
    """Dagum Gini by year with its within, net between and transvariation contributions stacked. ``labels`` (the
    study's tables' language and names) gives the words; English by default."""
    labels = as_labels(labels)
    use_cjk_font()
    data = table[table["variable"] == variable].sort_values("year")
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=150)
    ax.stackplot(
        data["year"],
        data["G_w"],
        data["G_nb"],
        data["G_t"],
        labels=[labels.term(k) for k in ("gini_within", "gini_between", "gini_transvariation")],
        colors=["#90cdf4", "#2b6cb0", "#cbd5e0"],
    )
    ax.plot(
        data["year"], data["G"], color="#1a202c", marker="o", markersize=3, label=labels.term("gini_overall")
    )
    ax.set_xlabel(labels.term("year_axis"))
    ax.set_ylabel(labels.term("gini_axis"))
    ax.set_title(
        labels.term("gini_title", variable=labels.name(variable)) + in_parentheses(note, labels), fontsize=10
    )
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, path)


# -- Chinese text --------------------------------------------------------------------------------------------------
