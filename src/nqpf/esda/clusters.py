"""Significance across many local tests, and clusters of significant units matched to named regions.

Multiple testing over the units of one map: Benjamini-Hochberg false discovery rate (``fdr``), Bonferroni
(``bonferroni``) or none (``alpha``: each p compared with alpha). A detected cluster is a connected component, in
the links of W, of significant High-High units (local Moran) or of significant hot spots (Gi* with z > 0). Each
cluster is matched to the named region it shares most units with (ties: the higher Jaccard index); the report
gives the share of the region the cluster covers, |C and R| / |R|, and the Jaccard index |C and R| / |C or R|.
Clusters that share no unit with any named region are reported with an empty region.
"""

from __future__ import annotations

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


def match(members: set[str], regions: dict[str, set[str]]) -> tuple[str, float, float]:
    """The named region a cluster overlaps most: (name, share of the region, Jaccard); ("", 0, 0) if none."""
    best = ("", 0.0, 0.0, 0)
    for name, region in regions.items():
        common = len(members & region)
        if common == 0:
            continue
        share = common / len(region)
        jaccard = common / len(members | region)
        if (common, jaccard) > (best[3], best[2]):
            best = (name, share, jaccard, common)
    return best[0], best[1], best[2]


def named_clusters(local: pd.DataFrame, regions: list[NamedRegion], units: pd.DataFrame) -> pd.DataFrame:
    """One row per detected cluster of ``local`` (rows with a cluster_id): its named region and overlap."""
    region_members = {r.name: r.members(units) for r in regions}
    region_members = {k: v for k, v in region_members.items() if v}
    rows = []
    keys = ["variable", "weights", "year", "statistic", "cluster_id"]
    found = local[local["cluster_id"] > 0]
    for (variable, weights, year, statistic, cluster), group in found.groupby(keys, sort=True):
        members = set(group["code"])
        region, share, jaccard = match(members, region_members)
        rows.append(
            {
                "variable": variable,
                "weights": weights,
                "year": int(year),
                "statistic": statistic,
                "cluster_id": int(cluster),
                "region": region,
                "n_members": len(members),
                "members": ";".join(sorted(members)),
                "member_names": ";".join(group.sort_values("code")["name"]),
                "share_of_region": share,
                "jaccard": jaccard,
            }
        )
    columns = [
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
    ]
    return pd.DataFrame(rows, columns=columns)
