"""Shared fixtures: boundary tables of the default scope, and the path of the shared reference data."""

from __future__ import annotations

from pathlib import Path

import pytest

from nqpf import boundaries

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO.parent / "shared" / "reference-data"
DEFAULT_EXCLUDED = ["710000", "810000", "820000"]


def attributes(level: str, **kwargs):
    table, _ = boundaries.cnmaps_attributes(level, exclude_provinces=DEFAULT_EXCLUDED, **kwargs)
    return table.drop(columns="path")


@pytest.fixture(scope="session")
def province_units():
    return attributes("province")


@pytest.fixture(scope="session")
def prefecture_units():
    return attributes("prefecture")


@pytest.fixture(scope="session")
def county_units():
    return attributes("county")


@pytest.fixture(scope="session")
def province_gdf():
    gdf, _ = boundaries.build_cnmaps("province", exclude_provinces=DEFAULT_EXCLUDED)
    return gdf


@pytest.fixture
def reference_data():
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is absent")
    return REFERENCE_DATA
