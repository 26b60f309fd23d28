"""Writing results in a fixed layout, so that equal results give byte-identical files."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd


def sha256(path: str | Path) -> str:
    """The SHA-256 digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_csv(frame: pd.DataFrame, path) -> None:
    """CSV with a fixed layout: UTF-8, \\n line ends, no index, shortest round-trip floats."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_json(data, path) -> None:
    """Indented JSON, UTF-8 (Chinese names kept), NaN refused, numpy numbers converted."""
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False, default=_plain)
    Path(path).write_text(text + "\n", encoding="utf-8")


@contextmanager
def replaced(path, suffix: str = "", create: bool = True) -> Iterator[str]:
    """A temporary file beside ``path`` to write in full; ``path`` becomes it, an ordinary file (read and write as
    the umask allows, not a temporary file's owner-only mode), only when the block ends without an error, so that a
    failed or killed job leaves no partial file. ``create=False`` leaves the temporary name free for a writer that
    creates the file itself (GDAL)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=suffix, dir=path.parent)
    os.close(handle)
    if not create:
        os.unlink(temporary)
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
