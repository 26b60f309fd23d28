"""Numbers as a paper prints them: fixed decimals, significance stars, standard errors in parentheses.

Stars follow the convention of the applied literature by default: *** p < 0.01, ** p < 0.05, * p < 0.1; a
study may set other thresholds and symbols, the decimals and what the parentheses hold (``tables`` settings),
carried to every table by a :class:`Style`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nqpf.tables.model import Cell

STAR_LEVELS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))
PARENTHESES = ("std_error", "t")
OBSERVATIONS = ("likelihood", "nt")
EMPTY = Cell("")


@dataclass(frozen=True)
class Style:
    """How the regression tables print estimates: ``decimals`` (the least; more in a row whose largest estimate
    would otherwise show fewer than two significant digits, unless ``fixed``: then exactly ``decimals`` in every
    row and column), ``stars`` as (p threshold, symbol) pairs from the smallest threshold, what the parentheses
    under an estimate hold (``std_error``, or ``t``: estimate / standard error) and which observation count the
    tables show (``likelihood``: the number the likelihood counts, fewer than N T after the Lee-Yu
    transformation; ``nt``: N T)."""

    decimals: int = 3
    fixed: bool = False
    stars: tuple[tuple[float, str], ...] = STAR_LEVELS
    parentheses: str = "std_error"
    observations: str = "likelihood"

    def __post_init__(self) -> None:
        object.__setattr__(self, "stars", tuple(sorted((float(p), str(s)) for p, s in self.stars)))

    def decimals_of(self, values) -> int:
        """The decimals of a row of estimates (and of the standard errors under them)."""
        return self.decimals if self.fixed else decimals_to_show(values, minimum=self.decimals)


def number(value, decimals: int = 3) -> str:
    """``value`` with ``decimals`` decimals; no minus sign on a value that rounds to zero; blank when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{float(value):.{decimals}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    return text


def integer(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(round(float(value))))


def stars(p, levels=STAR_LEVELS) -> str:
    """The symbol of the smallest threshold of ``levels`` ((p, symbol) pairs, ascending) that ``p`` is below."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    for level, mark in levels:
        if p < level:
            return mark
    return ""


def estimate(value, p, decimals: int = 3, levels=STAR_LEVELS) -> Cell:
    """An estimate with its stars."""
    text = number(value, decimals)
    return Cell(text, stars=stars(p, levels) if text else "")


def standard_error(value, decimals: int = 3) -> Cell:
    """A standard error (or z, or p) in parentheses, printed under its estimate."""
    text = number(value, decimals)
    return Cell(f"({text})" if text else "")


def p_value(p, decimals: int = 3) -> Cell:
    """A p-value; below the smallest printable value it reads 0.000, as the literature prints it."""
    return Cell(number(p, decimals))


def decimals_for(values, significant: int = 4, most: int = 3) -> int:
    """Decimals that show about ``significant`` digits of the largest magnitude in ``values`` (at most ``most``):
    a GDP in 10^8 yuan needs none, an index between 0 and 1 needs three."""
    finite = [abs(float(v)) for v in values if v is not None and not math.isnan(float(v))]
    largest = max(finite, default=0.0)
    if largest == 0.0:
        return most
    return max(0, min(most, significant - 1 - math.floor(math.log10(largest))))


def decimals_to_show(values, minimum: int = 3, most: int = 6) -> int:
    """At least ``minimum`` decimals, more (up to ``most``) until the largest magnitude in ``values`` shows two
    significant digits: a coefficient of 7.6e-5 prints as 0.000076, not as 0.000."""
    finite = [abs(float(v)) for v in values if v is not None and not math.isnan(float(v)) and float(v) != 0.0]
    if not finite:
        return minimum
    return max(minimum, min(most, 1 - math.floor(math.log10(max(finite)))))
