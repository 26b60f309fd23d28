"""Settings of the exploratory spatial data analysis: variables, weights, years, permutations and significance."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from nqpf.settings import MISSING_DESCRIPTION, Missing, Settings, first_middle_last
from nqpf.units.named_regions import DEFAULTS, NamedRegion

GLOBAL_STATISTICS = ("moran", "geary", "getis_ord")
LOCAL_STATISTICS = ("lisa", "gi_star")
CORRECTIONS = ("fdr", "bonferroni", "alpha")
ALTERNATIVES = ("two-sided", "greater", "folded")  # as nqpf.esda.permutation.ALTERNATIVES
# defaults shared by the study settings and the cross-section functions (nqpf.esda.moran ...)
PERMUTATIONS = 9999
CORRECTION = "fdr"
ALPHA = 0.05
ALTERNATIVE = "two-sided"
SHARE_ABOVE = 0.5
MIN_JACCARD = 0.0
NO_DATA = "no data"
"""The LISA quadrant of a unit without a value in a year analysed with ``missing: drop_per_year``."""


class SignificanceSettings(Settings):
    """Multiple-testing control over the units of one map: Benjamini-Hochberg (fdr), Bonferroni, or none
    (alpha: each p compared with alpha)."""

    method: Literal[CORRECTIONS] = CORRECTION
    alpha: Annotated[float, Field(gt=0, le=1)] = ALPHA


class NamedMatchSettings(Settings):
    """When a cluster is named after a named region R: more than ``share_above`` of the cluster's units lie in R
    (|C and R| / |C|) and its Jaccard index with R (|C and R| / |C or R|) is at least ``min_jaccard``; of several
    such regions the one with the highest Jaccard index (:mod:`nqpf.esda.clusters`). Otherwise the cluster's region
    is ``none`` and the regions it spans are listed with their shares."""

    share_above: Annotated[float, Field(ge=0, lt=1)] = Field(
        default=SHARE_ABOVE,
        description="a cluster carries a named region's name only when more than this share of its units lie in "
        "the region (0.5: most of the cluster)",
    )
    min_jaccard: Annotated[float, Field(ge=0, le=1)] = Field(
        default=MIN_JACCARD,
        description="the least Jaccard index of cluster and region (0: no condition; 0.5: the cluster and the "
        "region are mostly the same units)",
    )


class EsdaSettings(Settings):
    """Exploratory spatial data analysis (global and local statistics, named clusters)."""

    variables: list[str] = []
    weights: list[str] | None = Field(
        default=None, description="names of the study's weights matrices (all by default)"
    )
    years: list[int] | None = None
    permutations: Annotated[int, Field(ge=0)] = PERMUTATIONS
    seed: Annotated[int, Field(ge=0)] = 0
    missing: Missing = Field(
        default="error",
        description=MISSING_DESCRIPTION
        + "; each year's W is restricted to its observed units and standardised again by its rule",
    )
    significance: SignificanceSettings = SignificanceSettings()
    alternative: Literal[ALTERNATIVES] = Field(
        default=ALTERNATIVE,
        description="alternative of the local (LISA, Gi*) permutation p-values: two-sided (twice the smaller tail, "
        "Hope 1968; spdep's Pr(z != E(Ii)) Sim), greater (large values extreme: High-High and Low-Low, hot spots) "
        "or folded (the smaller tail alone: GeoDa, esda's p_sim, spdep's Pr(folded) Sim); global p-values stay "
        "two-sided",
    )
    global_statistics: list[Literal[GLOBAL_STATISTICS]] = Field(
        default=list(GLOBAL_STATISTICS), alias="global"
    )
    local_statistics: list[Literal[LOCAL_STATISTICS]] = Field(default=list(LOCAL_STATISTICS), alias="local")
    bivariate: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        default=[], description="pairs [x, y]; bivariate Moran of x and the spatial lag of y"
    )
    map_years: list[int] | None = None
    named_regions: list[NamedRegion] | None = Field(
        default=None,
        description="regions the hot spots are matched to (default the Bohai Rim, the Yangtze River Delta and the "
        "Pearl River Delta)",
    )
    named_match: NamedMatchSettings = Field(
        default=NamedMatchSettings(),
        description="when a cluster is named after a named region: more than share_above of its units inside the "
        "region and a Jaccard index of at least min_jaccard; else its region is none and the regions it spans are "
        "listed with their shares",
    )

    @property
    def regions(self) -> list[NamedRegion]:
        """The named regions, or the default three."""
        return list(self.named_regions) if self.named_regions is not None else list(DEFAULTS)

    def years_of(self, first: int, last: int) -> list[int]:
        """The years analysed: as configured, else first..last."""
        return list(self.years) if self.years else list(range(first, last + 1))

    def map_years_of(self, years: list[int]) -> list[int]:
        """The years of the LISA maps: as configured, else every year up to 12, else first, middle and last."""
        return list(self.map_years) if self.map_years else first_middle_last(years)


class CentrographySettings(Settings):
    """The gravity centre and standard deviational ellipse of variables by year (:mod:`nqpf.esda.centrography`)."""

    variables: list[str] = Field(
        default=[], description="panel variables or index names whose gravity centre and ellipse to trace"
    )
    std: Literal[1, 2, 3] = Field(
        default=1, description="standard deviations of the ellipse (ArcGIS: 1, 2 or 3)"
    )
    sqrt2: bool = Field(
        default=True, description="ArcGIS's sqrt(2) correction of the axes (ArcGIS Pro applies it)"
    )
    map_years: list[int] | None = Field(
        default=None, description="years whose ellipses the map draws (default first, middle and last)"
    )
    missing: Missing = Field(
        default="error",
        description=MISSING_DESCRIPTION
        + "; each year's centre and ellipse are those of the units observed in it",
    )

    def map_years_of(self, years: list[int]) -> list[int]:
        """The years of the ellipse map: as configured, else the first, middle and last of ``years``."""
        return list(self.map_years) if self.map_years else first_middle_last(years, most=3)
