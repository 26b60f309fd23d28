"""Publication tables: one table model (``model``), its cells (``cells``), its labels in English or Chinese
(``labels``), the tables a spatial-econometrics paper reports (``descriptive``, ``spatial``, ``regression``,
``gini``), several fits side by side (``comparison``, behind ``nqpf.compare``) and their renderings to CSV,
LaTeX, Markdown, HTML, Word and plain text (``render``)."""
