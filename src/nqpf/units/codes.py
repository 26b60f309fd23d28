"""Unit codes as clean strings, whatever a spreadsheet, R or a shapefile made of them."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_FLOAT_CODE = re.compile(r"^\d+(\.\d*)?(e\+?\d+)?$")


def normalise_code(value: object) -> str | None:
    """A unit id as a clean string: "650100.0" and 650100.0 become "650100"; blanks become None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    # Ids keep their case and inner spaces ("Nan" is a county of Hunan, not a missing value).
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if _FLOAT_CODE.match(text.lower()):
        # Codes that passed through a spreadsheet or R as numbers: "650100.0", "6.501e+05", "5e+05".
        number = float(text.lower())
        if number.is_integer() and 1e5 <= number < 1e12:
            return str(int(number))
    return text
