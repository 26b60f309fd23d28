"""Settings of one spatial weights matrix: its kind and parameters, the island policy, the standardisation and
the files exported beside it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import Name, Settings, YearSpan, conditional_requirements, require_for

KINDS = (
    "contiguity",
    "knn",
    "distance_band",
    "inverse_distance",
    "negative_exponential",
    "economic",
    "economic_geographic",
    "block",
    "file",
)
PARAMETERS = {
    "contiguity": ("criterion", "snap_m", "order", "cumulative"),
    "knn": ("k", "metric"),
    "distance_band": ("threshold_km", "band_power", "metric"),
    "inverse_distance": ("power", "cutoff_km", "metric"),
    "negative_exponential": ("decay_km", "cutoff_km", "metric"),
    "economic": ("variable", "years"),
    "economic_geographic": ("variable", "years", "form", "power", "phi", "cutoff_km", "metric"),
    "block": ("by",),
    "file": ("path", "format", "ids", "ids_from", "ids_column", "sheet", "variable"),
}
"""The keys that define each kind (the others in a specification belong to other kinds and are not reported)."""
LOCATED_KINDS = (
    "contiguity",
    "knn",
    "distance_band",
    "inverse_distance",
    "negative_exponential",
    "economic_geographic",
)
"""The kinds made from the units' polygons (contiguity) or locations (the others): a table of units without
coordinates cannot have them."""
STANDARDISATIONS = ("row", "none", "spectral", "minmax")
STANDARDISE = "row"  # the default, for a study's weights and for SpatialWeights made from a file or a matrix
EXPORTS = ("stata", "csv")
_REQUIRED = {
    "knn": ("k",),
    "negative_exponential": ("decay_km",),
    "economic": ("variable",),
    "economic_geographic": ("variable",),
    "block": ("by",),
    "file": ("path",),
}

Positive = Annotated[float, Field(gt=0)]


class IslandsSettings(Settings):
    """What to do with units without neighbours and with disconnected parts of W."""

    policy: Literal["nearest", "drop", "keep", "error"] = "nearest"
    k: Annotated[int, Field(ge=1)] = 2


class WeightsSettings(Settings):
    """One spatial weights matrix of a study (see config/README.md for each kind)."""

    model_config = Settings.model_config | {"json_schema_extra": conditional_requirements("kind", _REQUIRED)}

    name: Name
    kind: Literal[KINDS]
    criterion: Literal["queen", "rook"] = "queen"
    snap_m: Annotated[float, Field(ge=0)] = 0
    order: Annotated[int, Field(ge=1)] = 1
    cumulative: bool = False
    k: Annotated[int, Field(ge=1)] | None = None
    threshold_km: Positive | Literal["auto"] | None = None
    band_power: Positive | None = None
    power: Positive = 1
    cutoff_km: Positive | None = None
    decay_km: Positive | None = None
    metric: Literal["great_circle", "projected"] = "great_circle"
    variable: str | None = None
    years: YearSpan | None = None
    form: Literal["product", "mix"] = "product"
    phi: Annotated[float, Field(ge=0, le=1)] = 0.5
    by: Literal["region", "province", "prefecture"] | None = None
    path: str | None = Field(default=None, description="kind file: the weights file")
    format: Literal["gal", "gwt", "stata", "csv", "matrix"] | None = Field(
        default=None,
        description="kind file: gal, gwt (with or without its header line), stata (spmatrix export text), csv "
        "(header code,id_1..id_n and a first column of ids) or matrix (a bare N x N matrix in .csv, .txt, .xlsx "
        "or .mat); by default from the suffix (.xlsx and .mat: matrix)",
    )
    ids: str | None = Field(
        default=None,
        description="kind file, format matrix: a file of the ids in the order of the matrix's rows (a one-column "
        "CSV or TXT, one id a line, or a CSV whose column ids_column holds them); format stata: the id map "
        "(stata_id, code) when not <stem>.ids.csv beside the file",
    )
    ids_from: Literal["column", "header"] | None = Field(
        default=None,
        description="kind file, format matrix: the ids are in the matrix file's first column or header row "
        "(instead of an ids file)",
    )
    ids_column: str | None = Field(
        default=None, description="kind file, format matrix: the column of the ids file that holds the ids"
    )
    sheet: str | None = Field(
        default=None, description="kind file, format matrix, .xlsx: the sheet of W (default the first)"
    )
    variable: str | None = Field(
        default=None,
        description="kind file, format matrix, .mat: the variable of W (default the only 2-D numeric array)",
    )
    islands: IslandsSettings = Field(
        default=IslandsSettings(),
        description="nearest (k): link to the k nearest units (the default); drop; keep (the default of block "
        "weights, disconnected by design); error",
    )
    standardise: Literal[STANDARDISATIONS] = STANDARDISE
    export: list[Literal[EXPORTS]] = Field(
        default=["stata"],
        description="further files of the standardised matrix, besides .gal, .gwt and .summary.json",
    )

    _requires = require_for("kind", _REQUIRED)

    @model_validator(mode="before")
    @classmethod
    def _block_islands(cls, data):
        """Block weights are disconnected by design: unless told otherwise their islands policy keeps them apart."""
        if isinstance(data, dict) and data.get("kind") == "block" and "islands" not in data:
            data = {**data, "islands": {"policy": "keep"}}
        return data

    @property
    def parameters(self) -> dict:
        """The settings that define this kind of W, with the island policy and the standardisation (as the
        weights summary reports them)."""
        config = self.to_config()
        return {k: v for k, v in config.items() if k in PARAMETERS[self.kind] + ("islands", "standardise")}
