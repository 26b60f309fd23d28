"""Numbers as a paper prints them: fixed decimals, significance stars, standard errors in parentheses.

Stars follow the convention of the applied literature: *** p < 0.01, ** p < 0.05, * p < 0.1.
"""

from __future__ import annotations

import math

from nqpf.tables.model import Cell

STAR_LEVELS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))
EMPTY = Cell("")


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


def stars(p) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def estimate(value, p, decimals: int = 3) -> Cell:
    """An estimate with its stars."""
    text = number(value, decimals)
    return Cell(text, stars=stars(p) if text else "")


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
