"""The administrative code crosswalk shipped with the package (``data/code_crosswalk.csv``).

It records changes of prefecture-level codes and names from 2000 to 2023 and the province-level municipalities;
``data/code_crosswalk.md`` gives its sources (Ministry of Civil Affairs yearly code lists) and scope.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Changes after which the old unit is the same territory as the new one, so its figures carry over.
ONE_TO_ONE = ("recoded", "renamed", "municipality")
CHANGES = ONE_TO_ONE + ("merged", "abolished")


@dataclass(frozen=True)
class CodeChange:
    old_code: str
    old_name: str
    new_codes: tuple[str, ...]
    new_names: tuple[str, ...]
    change: str
    year: int | None
    note: str

    @property
    def one_to_one(self) -> bool:
        return self.change in ONE_TO_ONE

    def describe(self) -> str:
        targets = ", ".join(f"{c} {n}" for c, n in zip(self.new_codes, self.new_names, strict=True))
        when = f" in {self.year}" if self.year else ""
        verb = {
            "recoded": "was recoded as",
            "renamed": "was renamed",
            "municipality": "is the prefecture-level unit",
            "merged": "was merged into",
            "abolished": "was abolished and split among",
        }[self.change]
        return f"{self.old_code} {self.old_name} {verb} {targets}{when} (MCA code lists)"


@cache
def changes() -> tuple[CodeChange, ...]:
    """All rows of the crosswalk, in file order."""
    text = (resources.files("nqpf.units") / "data" / "code_crosswalk.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        if row["change"] not in CHANGES:
            raise ValueError(f"code_crosswalk.csv: unknown change {row['change']!r} for {row['old_code']}")
        rows.append(
            CodeChange(
                old_code=row["old_code"],
                old_name=row["old_name"],
                new_codes=tuple(row["new_code"].split(";")),
                new_names=tuple(row["new_name"].split(";")),
                change=row["change"],
                year=int(row["year"]) if row["year"] else None,
                note=row["note"],
            )
        )
    return tuple(rows)
