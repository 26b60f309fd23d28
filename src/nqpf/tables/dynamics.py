"""Distribution dynamics tables: the traditional and spatial Markov transition probabilities of a variable as papers
print them (Rey 2001), with Bickenbach and Bode's (2003) homogeneity tests, and the LISA Markov transitions with
their space-time types."""

from __future__ import annotations

import pandas as pd

from nqpf.dynamics.settings import MOVE_TYPES
from nqpf.dynamics.settings import QUADRANT_ORDER as QUADRANTS
from nqpf.tables import cells
from nqpf.tables.labels import Labels, class_names
from nqpf.tables.model import Block, Cell, Row, Table


def _chain_rows(
    part: pd.DataFrame, states, names: list[str], start="from_class", end="to_class"
) -> tuple[Row, ...]:
    """One row per starting state of a chain's transitions (``part``): the state's name, the number of
    transitions from it and the probability of each state in ``states`` the year after (blank where none
    started)."""
    rows = []
    for state, name in zip(states, names, strict=True):
        out = part[part[start] == state].set_index(end).reindex(list(states))
        n = int(out["count"].fillna(0).sum())
        values = [cells.number(p, 4) if pd.notna(p) else "" for p in out["probability"]]
        rows.append(Row(Cell(name), (Cell(str(n)), *(Cell(v) for v in values))))
    return tuple(rows)


def _test_line(labels: Labels, key: str, row, **where) -> str:
    """A homogeneity test (a row of ``dynamics/homogeneity.csv``) as a note: Q and LR with their p-values and the
    degrees of freedom, and where it was tested (``where``: the W or the periods)."""
    return labels.term(
        key,
        q=cells.number(row.q, 3),
        lr=cells.number(row.lr, 3),
        p_q=cells.number(row.p_q, 4),
        p_lr=cells.number(row.p_lr, 4),
        dof=int(row.dof),
        **where,
    )


def markov(
    variable: str,
    transitions: pd.DataFrame,
    homogeneity: pd.DataFrame,
    scheme: str,
    labels: Labels,
    notes=(),
) -> Table:
    """The transition probabilities of ``variable`` (rows of ``dynamics/transitions.csv``): a panel for the
    traditional chain, then one per class of the neighbours for each weights matrix, each row a class in year t
    with its number of transitions n and the probabilities of the classes in t + 1; the homogeneity tests of each
    weights matrix (``dynamics/homogeneity.csv``) and the transitions left out are in the notes. ``scheme`` is
    how the classes were cut (pooled, yearly or cutoffs)."""
    data = transitions[transitions["variable"] == variable]
    traditional = data[data["chain"] == "traditional"]
    k = int(traditional["from_class"].max())
    names = class_names(labels, k)
    blocks = [
        Block(_chain_rows(traditional, range(1, k + 1), names), title=Cell(labels.term("markov_traditional")))
    ]
    spatial = data[data["chain"] == "spatial"]
    for w in dict.fromkeys(spatial["weights"]):
        for lag in range(1, k + 1):
            part = spatial[(spatial["weights"] == w) & (spatial["lag_class"] == lag)]
            title = labels.term("markov_spatial", weights=labels.name(str(w)), name=names[lag - 1].lower())
            blocks.append(Block(_chain_rows(part, range(1, k + 1), names), title=Cell(title)))
    every = homogeneity[homogeneity["variable"] == variable]
    tests, timed = every[every["test"] == "spatial"], every[every["test"] == "time"]
    lines = [
        _test_line(labels, "homogeneity_row", row, weights=labels.name(str(row.weights)))
        for row in tests.itertuples()
    ]
    lines += [
        _test_line(labels, "time_homogeneity_row", row, periods=str(row.periods).replace("; ", ", "))
        for row in timed.itertuples()
    ]
    skipped = int(every["skipped"].max()) if len(every) else 0
    if skipped:
        lines.append(labels.term("left_out_transitions", n=skipped))
    lines += [
        labels.term("no_lag_transitions", n=int(row.no_lag), weights=labels.name(str(row.weights)))
        for row in tests.itertuples()
        if row.no_lag
    ]
    method = labels.term("markov_note", k=k, scheme=labels.term(f"markov_scheme_{scheme}"))
    columns = (Cell(labels.term("t_t1")), Cell(labels.term("n_start")), *(Cell(name) for name in names))
    return Table(
        f"markov_{variable}",
        Cell(labels.term("markov", variable=labels.name(variable))),
        columns,
        tuple(blocks),
        (*notes, method, *lines),
    )


def lisa_markov(
    variable: str, transitions: pd.DataFrame, moves: pd.DataFrame, labels: Labels, notes=()
) -> Table:
    """The LISA Markov chain of ``variable`` for each weights matrix (``dynamics/lisa_transitions.csv``): rows the
    Moran scatterplot quadrant in year t with its number of transitions, columns the probabilities of the
    quadrants in t + 1; the counts and shares of Rey's (2001) space-time transition types
    (``dynamics/lisa_moves.csv``) in a panel of their own."""
    data = transitions[transitions["variable"] == variable]
    names = [labels.term(f"lisa_{q}") for q in QUADRANTS]
    blocks = []
    for w in dict.fromkeys(data["weights"]):
        part = data[data["weights"] == w]
        rows = _chain_rows(part, QUADRANTS, names, "from_quadrant", "to_quadrant")
        blocks.append(Block(rows, title=Cell(labels.name(str(w)))))
        kinds = moves[(moves["variable"] == variable) & (moves["weights"] == w)].set_index("type")
        type_rows = tuple(
            Row(
                Cell(labels.term(f"move_{t}")),
                (
                    Cell(str(int(kinds.loc[t, "count"]))),
                    Cell(
                        cells.number(100 * kinds.loc[t, "share"], 2)
                        if pd.notna(kinds.loc[t, "share"])
                        else ""
                    ),
                    *(Cell("") for _ in QUADRANTS[1:]),
                ),
            )
            for t in MOVE_TYPES
            if t in kinds.index
        )
        header = (
            Cell(labels.term("move_type")),
            Cell(labels.term("moves_count")),
            Cell(labels.term("moves_share")),
            *(Cell("") for _ in QUADRANTS[1:]),
        )
        blocks.append(Block(type_rows, header=header))
    columns = (Cell(labels.term("t_t1")), Cell(labels.term("n_start")), *(Cell(name) for name in names))
    return Table(
        f"lisa_markov_{variable}",
        Cell(labels.term("lisa_markov", variable=labels.name(variable))),
        columns,
        tuple(blocks),
        (*notes, labels.term("lisa_markov_note")),
    )
