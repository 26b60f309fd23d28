"""The one error type for bad input: it names the file, the row or unit, the column and the fix."""

from __future__ import annotations


def listed(items, most: int = 20) -> str:
    """Items for a message, at most ``most`` of them, saying how many more there are."""
    items = [str(item) for item in items]
    shown = ", ".join(items[:most])
    return shown + (f" ... and {len(items) - most} more" if len(items) > most else "")


class InputError(ValueError):
    """Bad input that the user must fix; the message says where and how.

    ``problem`` says what is wrong; ``file``, ``row``, ``unit`` and ``column`` locate it in a data file, ``key``
    (a configuration key such as ``models.explanatory``) in the configuration; ``fix`` says what to do.
    ``details`` holds extra lines (for example every unmatched value with its nearest candidates).
    An error about the configuration may leave ``file`` unset: :func:`nqpf.study.logs.step` names the configuration
    file the study came from.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        unit: str | None = None,
        column: str | None = None,
        key: str | None = None,
        fix: str | None = None,
        details: list[str] | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.row = row
        self.unit = unit
        self.column = column
        self.key = key
        self.fix = fix
        self.details = list(details or [])
        super().__init__(problem)

    def __str__(self) -> str:
        where = [
            f"{label} {value}"
            for label, value in (
                ("file", self.file),
                ("row", self.row),
                ("unit", self.unit),
                ("column", self.column),
                ("key", self.key),
            )
            if value is not None
        ]
        lines = [self.problem]
        if where:
            lines.append("  where: " + ", ".join(where))
        lines.extend("  " + line for line in self.details)
        if self.fix:
            lines.append("  fix: " + self.fix)
        return "\n".join(lines)
