"""Settings of the exploratory spatial data analysis: variables, weights, years, permutations and significance."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from nqpf.settings import Settings, first_middle_last
from nqpf.units.named_regions import DEFAULTS, NamedRegion

GLOBAL_STATISTICS = ("moran", "geary", "getis_ord")
LOCAL_STATISTICS = ("lisa", "gi_star")
CORRECTIONS = ("fdr", "bonferroni", "alpha")
# defaults shared by the study settings and the cross-section functions (nqpf.esda.moran ...)
PERMUTATIONS = 9999
CORRECTION = "fdr"
ALPHA = 0.05


class SignificanceSettings(Settings):
    """Multiple-testing control over the units of one map: Benjamini-Hochberg (fdr), Bonferroni, or none
    (alpha: each p compared with alpha)."""

    method: Literal[CORRECTIONS] = CORRECTION
    alpha: Annotated[float, Field(gt=0, le=1)] = ALPHA


class EsdaSettings(Settings):
    """Exploratory spatial data analysis (global and local statistics, named clusters)."""

    variables: list[str] = []
    weights: list[str] | None = Field(
        default=None, description="names of the study's weights matrices (all by default)"
    )
    years: list[int] | None = None
    permutations: Annotated[int, Field(ge=0)] = PERMUTATIONS
    seed: Annotated[int, Field(ge=0)] = 0
    significance: SignificanceSettings = SignificanceSettings()
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
