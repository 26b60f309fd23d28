"""nqpf: spatial econometrics of China's new quality productive forces (新质生产力).

The library behind the nqpf Snakemake workflow: boundaries, statistics ingestion and the panel, with
the later stages (weights, indices, ESDA, models, tables) built on them. It never imports Snakemake.
"""

__version__ = "0.1.0"
