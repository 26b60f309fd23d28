"""Random generators seeded from the config: the configured seed and the names of an analysis (CRC-32, stable
across runs and platforms), so that a result does not depend on which other analyses run or in which order."""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """A generator seeded by the config's seed and the analysis's names."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(zlib.crc32(n.encode()) for n in names)]))
