"""Publication tables: one table model (``model``), its cells (``cells``), its labels in English or Chinese
(``labels``), the tables a spatial-econometrics paper reports (``build``) and their renderings to CSV, LaTeX,
Markdown, HTML and Word (``render``)."""
