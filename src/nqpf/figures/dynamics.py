"""Figures of distribution dynamics: the Markov transition probabilities as heat maps (the traditional chain and
the chain of each class of the neighbours, Rey 2001) and the kernel density of a variable over years as the
surface papers print."""

from __future__ import annotations

import numpy as np

from nqpf.disparity.kernel import gaussian_density
from nqpf.figures.style import as_labels, in_parentheses, save, subplots, use_cjk_font
from nqpf.tables.labels import Labels, class_names

_PANELS_PER_ROW = 3


def _matrix(rows, k: int) -> np.ndarray:
    """The k x k probabilities of one chain's rows of ``transitions.csv`` (NaN where no unit started)."""
    p = np.full((k, k), np.nan)
    p[rows["from_class"].to_numpy() - 1, rows["to_class"].to_numpy() - 1] = rows["probability"].to_numpy()
    return p


def markov_heatmaps(
    transitions,
    homogeneity,
    variable: str,
    weights: str,
    path,
    note: str = "",
    labels: Labels | None = None,
    titles: bool = True,
) -> None:
    """The transition probabilities of ``variable`` (rows of :func:`nqpf.dynamics.analyse`'s ``transitions``)
    as heat maps: the traditional chain, then the spatial chain on ``weights`` for each class of the neighbours;
    each cell the share of units moving from the row's class in year t to the column's in t + 1, with the number of
    transitions from each class beside the rows, and Bickenbach and Bode's (2003) tests (``homogeneity``) under
    the panels. ``labels`` (the study's tables' language and names) gives the words; English by default.
    ``titles=False`` leaves the figure's title out."""
    labels = as_labels(labels)
    use_cjk_font()
    data = transitions[transitions["variable"] == variable]
    traditional = data[data["chain"] == "traditional"]
    spatial = data[(data["chain"] == "spatial") & (data["weights"] == weights)]
    if traditional.empty or spatial.empty:
        raise ValueError(f"the transitions hold no traditional and spatial chains of {variable} on {weights}")
    k = int(traditional["from_class"].max())
    names = class_names(labels, k)
    panels = [(labels.term("markov_traditional"), traditional)]
    panels += [
        (labels.term("neighbour_class", name=names[lag - 1]), spatial[spatial["lag_class"] == lag])
        for lag in range(1, k + 1)
    ]
    columns = min(_PANELS_PER_ROW, len(panels))
    rows = -(-len(panels) // columns)
    size = 0.9 + 0.45 * k
    fig, axes = subplots(
        rows,
        columns,
        figsize=(size * columns + 1.6, size * rows + 1.0),
        dpi=150,
        squeeze=False,
        layout="constrained",
    )
    image = None
    for number, (ax, (title, part)) in enumerate(zip(axes.flat, panels, strict=False)):
        p = _matrix(part, k)
        starts = part.groupby("from_class")["count"].sum().reindex(range(1, k + 1), fill_value=0).to_numpy()
        image = ax.imshow(np.nan_to_num(p, nan=0.0), cmap="Blues", vmin=0.0, vmax=1.0)
        for i in range(k):
            for j in range(k):
                if np.isfinite(p[i, j]):
                    ax.text(
                        j,
                        i,
                        f"{p[i, j]:.3f}",
                        ha="center",
                        va="center",
                        fontsize=7 if k <= 5 else 5,
                        color="white" if p[i, j] > 0.55 else "#1a202c",
                    )
            # the number of transitions from the row's class, right of the row
            ax.text(k - 0.4, i, f"n={starts[i]}", ha="left", va="center", fontsize=6, color="#4a5568")
        ax.set_xticks(range(k), names, fontsize=6, rotation=30, ha="right")
        ax.set_yticks(range(k), names if number % columns == 0 else [], fontsize=6)
        ax.set_title(title, fontsize=8)
        ax.tick_params(length=0)
    for ax in axes.flat[len(panels) :]:
        ax.set_axis_off()
    tests = homogeneity[(homogeneity["variable"] == variable) & (homogeneity["weights"] == weights)]
    lines = [
        labels.term(
            "homogeneity_row",
            weights=labels.name(weights),
            q=f"{row.q:.3f}",
            lr=f"{row.lr:.3f}",
            p_q=f"{row.p_q:.4f}",
            p_lr=f"{row.p_lr:.4f}",
            dof=int(row.dof),
        )
        for row in tests.itertuples()
    ]
    fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.6, pad=0.04).ax.tick_params(labelsize=6)
    if titles:
        fig.suptitle(
            labels.term("markov_figure", variable=labels.name(variable), weights=labels.name(weights))
            + in_parentheses(note, labels),
            fontsize=10,
        )
    if lines:
        fig.supxlabel("\n".join(lines), fontsize=7)
    save(fig, path)


def kernel_surface(
    frame,
    variable: str,
    years,
    path,
    note: str = "",
    labels: Labels | None = None,
    titles: bool = True,
    points: int = 160,
) -> None:
    """The Gaussian kernel density (Scott's bandwidth, :func:`nqpf.disparity.gaussian_density`) of ``variable``
    in every one of ``years`` on one grid of ``points`` values spanning all years (10 % beyond the range), drawn
    as a surface over year and value. Years with fewer than three distinct values have no density (a gap in the
    surface). ``labels`` gives the words; English by default; ``titles=False`` leaves the title out."""
    labels = as_labels(labels)
    use_cjk_font()
    years = list(years)
    data = frame[frame["year"].isin(years)]
    values = data[variable].dropna().to_numpy(dtype=float)
    if len(values) < 3 or np.ptp(values) == 0:
        raise ValueError(f"{variable} has too few distinct values for a kernel density")
    span = np.ptp(values)
    grid = np.linspace(values.min() - 0.1 * span, values.max() + 0.1 * span, points)
    density = np.full((len(years), points), np.nan)
    for t, year in enumerate(years):
        sample = data.loc[data["year"] == year, variable].dropna().to_numpy(dtype=float)
        if len(np.unique(sample)) >= 3:
            density[t] = gaussian_density(sample, grid)
    fig, ax = subplots(figsize=(7, 5), dpi=150, subplot_kw={"projection": "3d"})
    value_grid, year_grid = np.meshgrid(grid, np.asarray(years, dtype=float))
    ax.plot_surface(
        value_grid,
        year_grid,
        np.ma.masked_invalid(density),
        cmap="viridis",
        rcount=len(years),
        ccount=min(points, 80),
        linewidth=0.2,
        edgecolor="#2d3748",
        antialiased=True,
    )
    ax.set_xlabel(labels.name(variable), fontsize=8, labelpad=6)
    ax.set_ylabel(labels.term("year_axis"), fontsize=8, labelpad=6)
    ax.set_zlabel(labels.term("density"), fontsize=8, labelpad=4)
    ax.tick_params(labelsize=7)
    step = max(1, len(years) // 6)
    ax.set_yticks(years[::step])
    ax.view_init(elev=30, azim=-60)
    if titles:
        ax.set_title(
            labels.term("surface_title", variable=labels.name(variable)) + in_parentheses(note, labels),
            fontsize=10,
        )
    fig.subplots_adjust(left=0.02, right=0.95, bottom=0.05, top=0.93)
    save(fig, path)
