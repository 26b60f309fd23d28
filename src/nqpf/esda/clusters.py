"""Significance across many local tests, and clusters of significant units matched to named regions.

Multiple testing over the units of one map: Benjamini-Hochberg false discovery rate (``fdr``), Bonferroni
(``bonferroni``) or none (``alpha``: each p compared with alpha). A detected cluster is a connected component, in
the links of W, of significant High-High units (local Moran) or of significant hot spots (Gi* with z > 0).

A cluster C and each named region R it shares units with are compared by the share of the cluster in the region,
|C and R| / |C|, the share of the region the cluster covers, |C and R| / |R|, and the Jaccard index
|C and R| / |C or R|. The cluster carries R's name only when R matches well: more than ``share_above`` of the
cluster lies in R (default 0.5: most of it, so that a cluster split evenly between two regions is named after
neither) and the Jaccard index is at least ``min_jaccard`` (default 0: no condition; 0.5 asks that cluster and
region be mostly the same units); of several such regions (regions may overlap), the highest Jaccard index, then
the larger share of the cluster, then the order of the regions. Otherwise its region is
``none``: a cluster of 78 cities from Tianjin to Hainan with 29% of its units in the Yangtze River Delta
(Jaccard 0.28) is not the Yangtze River Delta's hot spot, and the regions it spans are listed with their shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from nqpf.units.named_regions import NamedRegion

METHODS = ("fdr", "bonferroni", "alpha")


def adjust(p: np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values over the non-missing entries (missing stay missing)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    valid = ~np.isnan(p)
    q = p[valid]
    m = len(q)
    if method == "alpha" or m == 0:
        out[valid] = q
    elif method == "bonferroni":
        out[valid] = np.minimum(1.0, q * m)
    elif method == "fdr":
        order = np.argsort(q, kind="stable")
        ranked = q[order] * m / np.arange(1, m + 1)
        ranked = np.minimum.accumulate(ranked[::-1])[::-1]  # step-up: monotone from the largest p down
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(1.0, ranked)
        out[valid] = adjusted
    else:
        raise ValueError(f"unknown multiple-testing method {method!r}; use one of {', '.join(METHODS)}")
    return out


def components(selected: np.ndarray, w: sp.csr_matrix) -> np.ndarray:
    """Cluster number (1, 2, ... by size, then by first unit) of each selected unit; 0 for the others."""
    index = np.flatnonzero(selected)
    labels = np.zeros(len(selected), dtype=int)
    if len(index) == 0:
        return labels
    sub = w[index][:, index]
    count, parts = csgraph.connected_components(sub, directed=True, connection="weak")
    sizes = np.bincount(parts)
    first = np.array([index[parts == k].min() for k in range(count)])
    order = sorted(range(count), key=lambda k: (-sizes[k], first[k]))
    number = {k: rank + 1 for rank, k in enumerate(order)}
    labels[index] = [number[k] for k in parts]
    return labels


NONE = "none"  # lower case: pandas reads "None" back as missing
SHARE_ABOVE = 0.5
MIN_JACCARD = 0.0


@dataclass(frozen=True)
class Overlap:
    """A cluster's overlap with one named region."""

    region: str
    common: int  # |C and R|
    cluster_size: int  # |C|
    region_size: int  # |R|

    @property
    def share_of_cluster(self) -> float:
        return self.common / self.cluster_size

    @property
    def share_of_region(self) -> float:
        return self.common / self.region_size

    @property
    def jaccard(self) -> float:
        return self.common / (self.cluster_size + self.region_size - self.common)

    def matches(self, share_above: float, min_jaccard: float) -> bool:
        """Whether the cluster may carry the region's name: share of the cluster > ``share_above`` and Jaccard >=
        ``min_jaccard``, compared exactly with the thresholds as written (0.3 is 3/10)."""
        union = self.cluster_size + self.region_size - self.common
        return Fraction(self.common, self.cluster_size) > Fraction(str(share_above)) and Fraction(
            self.common, union
        ) >= Fraction(str(min_jaccard))


def overlaps(members: set[str], regions: dict[str, set[str]]) -> list[Overlap]:
    """The cluster's overlap with every region it shares a unit with, the largest share of the cluster first
    (then the order of ``regions``)."""
    found = [
        Overlap(name, len(members & region), len(members), len(region))
        for name, region in regions.items()
        if members & region
    ]
    return sorted(found, key=lambda o: -o.common)  # stable: ties keep the order of the regions


def match(
    members: set[str],
    regions: dict[str, set[str]],
    share_above: float = SHARE_ABOVE,
    min_jaccard: float = MIN_JACCARD,
) -> Overlap | None:
    """The named region the cluster matches well (module docstring), or None."""
    good = [o for o in overlaps(members, regions) if o.matches(share_above, min_jaccard)]
    if not good:
        return None
    order = list(regions)

    def rank(o: Overlap):
        return (
            -Fraction(o.common, o.cluster_size + o.region_size - o.common),
            -o.common,
            order.index(o.region),
        )

    return min(good, key=rank)


def _listing(found: list[Overlap], value) -> str:
    return ";".join(f"{o.region}={value(o):.4f}" for o in found)


def label(best: Overlap | None, found: list[Overlap]) -> str:
    """The cluster as a reader should see it: the region's name, or none with the regions it spans."""
    if best is not None:
        return best.region
    if not found:
        return NONE
    spans = ", ".join(f"{o.region} {o.share_of_cluster:.0%} (Jaccard {o.jaccard:.2f})" for o in found)
    return f"{NONE} (spans {spans})"


COLUMNS = [
    "variable",
    "weights",
    "year",
    "region",
    "n_members",
    "members",
    "share_of_region",
    "jaccard",
    "statistic",
    "cluster_id",
    "member_names",
    "share_of_cluster",
    "spans",
    "jaccards",
    "label",
]


def named_clusters(
    local: pd.DataFrame,
    regions: list[NamedRegion],
    units: pd.DataFrame,
    share_above: float = SHARE_ABOVE,
    min_jaccard: float = MIN_JACCARD,
) -> pd.DataFrame:
    """One row per detected cluster of ``local`` (rows with a cluster_id): ``region``, the named region it matches
    well, or ``none``; ``share_of_region``, ``jaccard`` and ``share_of_cluster`` with that region (empty for
    none); ``spans`` and ``jaccards``, every named region the cluster shares units with as ``name=share of the
    cluster`` and ``name=Jaccard index`` (``;``-separated, the largest share first); ``label`` in words."""
    region_members = {r.name: r.members(units) for r in regions}
    region_members = {k: v for k, v in region_members.items() if v}
    rows = []
    keys = ["variable", "weights", "year", "statistic", "cluster_id"]
    found = local[local["cluster_id"] > 0]
    for (variable, weights, year, statistic, cluster), group in found.groupby(keys, sort=True):
        members = set(group["code"])
        spanned = overlaps(members, region_members)
        best = match(members, region_members, share_above, min_jaccard)
        rows.append(
            {
                "variable": variable,
                "weights": weights,
                "year": int(year),
                "statistic": statistic,
                "cluster_id": int(cluster),
                "region": best.region if best else NONE,
                "n_members": len(members),
                "members": ";".join(sorted(members)),
                "member_names": ";".join(group.sort_values("code")["name"]),
                "share_of_region": best.share_of_region if best else np.nan,
                "jaccard": best.jaccard if best else np.nan,
                "share_of_cluster": best.share_of_cluster if best else np.nan,
                "spans": _listing(spanned, lambda o: o.share_of_cluster),
                "jaccards": _listing(spanned, lambda o: o.jaccard),
                "label": label(best, spanned),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
