"""Derived variables from formulas in the config, with a safe evaluator: no eval or exec of config strings.

A formula is parsed with :mod:`ast` and only these parts are accepted: numbers, variable names, ``+ - * / **``,
parentheses and the functions

    log, log10, log1p, exp, sqrt, abs      elementwise
    lag(x, k=1)                            x of the same unit k years earlier
    diff(x, k=1)                           x - lag(x, k)
    growth(x, k=1)                         x / lag(x, k) - 1 (a rate; multiply by 100 for per cent)
    share(x)                               x / (sum of x over all units in the same year)

Anything else (attributes, subscripts, strings, keywords, other names) is rejected with the formula named.
A result is missing where an input it needs is missing (or, for lags, where the earlier year is outside the
panel). A result that is not finite although its inputs are present (division by zero, log of a non-positive
number) is an error listing the cells.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable

import numpy as np
import pandas as pd

from nqpf.errors import InputError

_ELEMENTWISE: dict[str, Callable] = {
    "log": np.log,
    "log10": np.log10,
    "log1p": np.log1p,
    "exp": np.exp,
    "sqrt": np.sqrt,
    "abs": np.abs,
}
_LAGGED = ("lag", "diff", "growth")
FUNCTIONS = tuple(_ELEMENTWISE) + _LAGGED + ("share",)
_BINARY = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_MAX_LENGTH = 1000
_MAX_LISTED = 30


def parse(name: str, formula: str, key: str | None = None) -> tuple[ast.Expression, set[str]]:
    """Parse and check a formula; returns the tree and the variable names it uses. ``key`` is where the
    configuration gives the formula (``derived.<name>`` by default), for messages."""
    context = key or f"derived.{name}"
    if not isinstance(formula, str) or not formula.strip():
        raise InputError(
            f"the formula of {name!r} is empty", key=context, fix="write a formula such as gdp / pop"
        )
    if len(formula) > _MAX_LENGTH:
        raise InputError(
            f"the formula of {name!r} is longer than {_MAX_LENGTH} characters",
            key=context,
            fix="split it into several derived variables",
        )
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as err:
        raise InputError(
            f"the formula of {name!r} is not valid: {formula!r} ({err.msg})",
            key=context,
            fix="use numbers, variable names, + - * / ** and the functions " + ", ".join(FUNCTIONS),
        ) from None
    names: set[str] = set()
    _check(tree.body, name, formula, names, context)
    return tree, names


def _reject(name: str, formula: str, part: str, key: str) -> InputError:
    return InputError(
        f"the formula of {name!r} uses {part}, which is not allowed: {formula!r}",
        key=key,
        fix="use numbers, variable names, + - * / ** and the functions " + ", ".join(FUNCTIONS),
    )


def _check(node: ast.AST, name: str, formula: str, names: set[str], key: str) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _reject(name, formula, f"the operator {type(node.op).__name__}", key)
        _check(node.left, name, formula, names, key)
        _check(node.right, name, formula, names, key)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _reject(name, formula, f"the operator {type(node.op).__name__}", key)
        _check(node.operand, name, formula, names, key)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _reject(name, formula, f"the constant {node.value!r}", key)
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise _reject(name, formula, f"the function {node.id} without a call", key)
        names.add(node.id)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise _reject(name, formula, f"a call of {ast.unparse(node.func)!r}", key)
        if node.keywords:
            raise _reject(name, formula, "keyword arguments", key)
        fn = node.func.id
        allowed = 2 if fn in _LAGGED else 1
        if not 1 <= len(node.args) <= allowed:
            raise _reject(name, formula, f"{fn} with {len(node.args)} arguments", key)
        if len(node.args) == 2:
            k = node.args[1]
            if not (
                isinstance(k, ast.Constant) and isinstance(k.value, int) and not isinstance(k.value, bool)
            ):
                raise _reject(name, formula, f"{fn} with a lag that is not a whole number", key)
            if not 1 <= k.value <= 50:
                raise _reject(name, formula, f"{fn} with lag {k.value} (allowed 1 to 50)", key)
        _check(node.args[0], name, formula, names, key)
    else:
        raise _reject(name, formula, type(node).__name__, key)


class _Evaluator:
    """Evaluates a checked tree on a panel indexed by (code, year); each node gives (values, missing)."""

    def __init__(self, panel: pd.DataFrame):
        self.panel = panel
        self.index = panel.index

    def run(self, node: ast.AST) -> tuple[pd.Series, pd.Series]:
        if isinstance(node, ast.BinOp):
            a, ma = self.run(node.left)
            b, mb = self.run(node.right)
            return _BINARY[type(node.op)](a, b), ma | mb
        if isinstance(node, ast.UnaryOp):
            a, ma = self.run(node.operand)
            return (-a if isinstance(node.op, ast.USub) else a), ma
        if isinstance(node, ast.Constant):
            value = pd.Series(np.float64(node.value), index=self.index)
            return value, pd.Series(False, index=self.index)
        if isinstance(node, ast.Name):
            values = self.panel[node.id].astype("float64")
            return values, values.isna()
        fn = node.func.id
        a, ma = self.run(node.args[0])
        if fn in _ELEMENTWISE:
            return _ELEMENTWISE[fn](a), ma
        if fn == "share":
            year = self.index.get_level_values("year")
            total = a.groupby(year).transform("sum")
            incomplete = ma.groupby(year).transform("any")
            return a / total, ma | incomplete
        k = node.args[1].value if len(node.args) == 2 else 1
        lagged, mlag = self._lag(a, ma, k)
        if fn == "lag":
            return lagged, mlag
        if fn == "diff":
            return a - lagged, ma | mlag
        return a / lagged - 1.0, ma | mlag

    def _lag(self, values: pd.Series, missing: pd.Series, k: int) -> tuple[pd.Series, pd.Series]:
        codes = self.index.get_level_values("code")
        years = self.index.get_level_values("year") - k
        earlier = pd.MultiIndex.from_arrays([codes, years], names=["code", "year"])
        lagged = values.reindex(earlier)
        lag_missing = missing.reindex(earlier).fillna(True).astype(bool)
        lagged.index = self.index
        lag_missing.index = self.index
        return lagged, lag_missing


def evaluate(name: str, formula: str, panel: pd.DataFrame, key: str | None = None) -> pd.Series:
    """Evaluate one formula on a panel indexed by (code, year); see the module docstring for missing values.
    ``key`` is where the configuration gives the formula (``derived.<name>`` by default), for messages."""
    key = key or f"derived.{name}"
    tree, names = parse(name, formula, key)
    unknown = sorted(names - set(panel.columns))
    if unknown:
        close = {v: difflib.get_close_matches(v, list(panel.columns), n=1) for v in unknown}
        hints = "; ".join(f"{v!r}: did you mean {c[0]!r}?" for v, c in close.items() if c)
        raise InputError(
            f"the formula of {name!r} ({formula!r}) uses unknown variables: {', '.join(unknown)}"
            + (f" ({hints})" if hints else ""),
            key=key,
            column=", ".join(unknown),
            fix="use variables read from the statistics files or derived earlier in the list; available: "
            + ", ".join(sorted(panel.columns)),
        )
    with np.errstate(all="ignore"):
        values, missing = _Evaluator(panel).run(tree.body)
    values = values.astype("float64")
    invalid = ~missing & ~np.isfinite(values)
    if invalid.any():
        cells = values[invalid]
        details = [
            f"unit {code}, year {year}: {value}" for (code, year), value in cells.head(_MAX_LISTED).items()
        ]
        if len(cells) > _MAX_LISTED:
            details.append(f"... and {len(cells) - _MAX_LISTED} more")
        raise InputError(
            f"the formula of {name!r} gives {len(cells)} non-finite values from finite inputs: {formula!r}",
            key=key,
            unit=str(cells.index[0][0]),
            details=details,
            fix="check the inputs for zeros or negative values, or change the formula (log1p for zeros, a guard)",
        )
    return values.where(~missing)


def derive(panel: pd.DataFrame, formulas: dict[str, str]) -> pd.DataFrame:
    """Add every derived variable in order; a formula may use those defined before it."""
    out = panel.copy()
    for name, formula in formulas.items():
        if name in out.columns:
            raise InputError(
                f"derived variable {name!r} already exists in the statistics",
                key=f"derived.{name}",
                fix="give the derived variable another name",
            )
        if name in FUNCTIONS:
            raise InputError(
                f"derived variable {name!r} has the name of a function",
                key=f"derived.{name}",
                fix="give the derived variable another name",
            )
        out[name] = evaluate(name, formula, out)
    return out
