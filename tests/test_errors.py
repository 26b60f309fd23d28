"""Every InputError the library raises says where the problem is and how to fix it.

Read from the source: each ``InputError(...)`` call in ``src/nqpf`` must give ``fix=`` and at least one locator
(``file``, ``row``, ``unit``, ``column`` or ``key``). A call that passes its arguments through ``**kwargs`` is
checked where those are built. The generated corruption suite (tests/test_corruption.py) checks the same on the
errors real broken files raise.
"""

from __future__ import annotations

import ast
from pathlib import Path

from nqpf.errors import InputError, listed

SOURCE = Path(__file__).resolve().parents[1] / "src" / "nqpf"
LOCATORS = {"file", "row", "unit", "column", "key"}


def _calls():
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name == "InputError":
                    yield path.relative_to(SOURCE.parent), node


def test_every_input_error_names_a_place_and_a_fix():
    calls = list(_calls())
    assert len(calls) > 100  # the scan sees the library's errors
    missing = []
    for path, node in calls:
        keywords = {k.arg for k in node.keywords}
        if None in keywords:  # InputError(**arguments)
            continue
        lacks = [
            part for part, ok in (("fix", "fix" in keywords), ("a locator", keywords & LOCATORS)) if not ok
        ]
        if lacks:
            missing.append(f"{path}:{node.lineno} lacks {' and '.join(lacks)}")
    assert not missing, "\n".join(missing)


def test_the_message_carries_every_part():
    err = InputError(
        "3 values are not numbers",
        file="data/a.csv",
        row=7,
        unit="北京",
        column="gdp",
        key="statistics.files[0]",
        details=["row 7: 'abc'"],
        fix="correct the cells",
    )
    text = str(err)
    assert text.splitlines() == [
        "3 values are not numbers",
        "  where: file data/a.csv, row 7, unit 北京, column gdp, key statistics.files[0]",
        "  row 7: 'abc'",
        "  fix: correct the cells",
    ]


def test_listed_says_how_many_more_there_are():
    assert listed(range(3)) == "0, 1, 2"
    assert listed(range(25), most=20).endswith("19 ... and 5 more")
