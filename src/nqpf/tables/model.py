"""The table model every publication table is made of: a title, column headers (with optional spanning groups),
blocks of rows separated by rules, and notes. Renderers (``nqpf.tables.render``) turn it into files."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, the LaTeX form where the text has symbols LaTeX spells differently (rho,
    sigma^2), and significance stars kept apart so each format can typeset them."""

    text: str
    latex: str | None = None
    stars: str = ""

    @property
    def plain(self) -> str:
        return self.text + self.stars


def cell(value: str | Cell) -> Cell:
    return value if isinstance(value, Cell) else Cell(value)


@dataclass(frozen=True)
class Row:
    """A row: a label and one cell per data column. ``kind`` says how it reads: ``value`` (an estimate or
    figure), ``se`` (the standard errors under the row above, unlabelled) or ``note`` (a line spanning the
    table, such as a panel title)."""

    label: Cell
    cells: tuple[Cell, ...] = ()
    kind: str = "value"


@dataclass(frozen=True)
class Block:
    """Rows kept together between horizontal rules, with an optional title (Panel A ...) and an optional
    header of its own when its columns mean something else than the table's."""

    rows: tuple[Row, ...]
    title: Cell | None = None
    header: tuple[Cell, ...] | None = None


@dataclass(frozen=True)
class Table:
    """A publication table.

    ``columns`` holds the header of every column, the row-label column first. ``groups`` optionally spans
    column headers, as (text, number of data columns) pairs over the data columns.
    """

    name: str
    title: Cell
    columns: tuple[Cell, ...]
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = ()
    groups: tuple[tuple[Cell, int], ...] = field(default=())

    def __post_init__(self) -> None:
        width = len(self.columns) - 1
        for block in self.blocks:
            for row in block.rows:
                if row.kind != "note" and len(row.cells) != width:
                    raise ValueError(
                        f"table {self.name}: row {row.label.text!r} has {len(row.cells)} cells, not {width}"
                    )
            if block.header is not None and len(block.header) != width + 1:
                raise ValueError(
                    f"table {self.name}: a block header has {len(block.header)} cells, not {width + 1}"
                )
        if self.groups and sum(span for _, span in self.groups) != width:
            raise ValueError(
                f"table {self.name}: column groups span {sum(s for _, s in self.groups)} of {width} columns"
            )

    @property
    def width(self) -> int:
        """Number of columns, the label column included."""
        return len(self.columns)


def to_dict(table: Table) -> dict:
    """The table as plain data (written as ``<table>.json``, from which the combined documents are made)."""

    def c(x: Cell) -> dict:
        return {k: v for k, v in (("text", x.text), ("latex", x.latex), ("stars", x.stars)) if v}

    return {
        "name": table.name,
        "title": c(table.title),
        "columns": [c(x) for x in table.columns],
        "groups": [[c(x), span] for x, span in table.groups],
        "blocks": [
            {
                "title": c(b.title) if b.title is not None else None,
                "header": [c(x) for x in b.header] if b.header is not None else None,
                "rows": [
                    {"label": c(r.label), "cells": [c(x) for x in r.cells], "kind": r.kind} for r in b.rows
                ],
            }
            for b in table.blocks
        ],
        "notes": list(table.notes),
    }


def from_dict(data: dict) -> Table:
    def c(x: dict) -> Cell:
        return Cell(x.get("text", ""), x.get("latex"), x.get("stars", ""))

    blocks = tuple(
        Block(
            tuple(Row(c(r["label"]), tuple(c(x) for x in r["cells"]), r["kind"]) for r in b["rows"]),
            c(b["title"]) if b["title"] is not None else None,
            tuple(c(x) for x in b["header"]) if b["header"] is not None else None,
        )
        for b in data["blocks"]
    )
    return Table(
        data["name"],
        c(data["title"]),
        tuple(c(x) for x in data["columns"]),
        blocks,
        tuple(data["notes"]),
        tuple((c(x), int(span)) for x, span in data["groups"]),
    )
