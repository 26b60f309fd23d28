"""Logging for one workflow step: everything to its log file, warnings and errors to stderr (the terminal of a
run shows what needs attention, one line per job besides), Python warnings among them with the step named, and bad
input turned into a clean exit."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nqpf.errors import InputError

log = logging.getLogger("nqpf")


@contextmanager
def part(name: str) -> Iterator[None]:
    """Within a step, a library's warning (NumPy's "invalid value", a convergence note) is logged as a WARNING
    naming ``name``: the step, or the part of it that runs (one model of a step that runs several)."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        log.warning("%s: %s: %s (%s, line %d)", name, category.__name__, message, Path(filename).name, lineno)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


@contextmanager
def step(log_file: str | Path | None, name: str, config_file: str | None = None) -> Iterator[logging.Logger]:
    """Run a workflow step: log to ``log_file`` (and warnings and errors to stderr too); on bad input print the
    message and exit 1.

    An error that names no file is about the configuration: it is located in ``config_file``, the file the
    study came from. Any other exception is written to the log with its traceback and propagates, since it is a
    fault of nqpf rather than bad input.
    """
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.WARNING)
    handlers: list[logging.Handler] = [terminal]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w", encoding="utf-8"))
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in handlers:
        handler.setFormatter(formatter)
    log.handlers[:] = handlers
    log.setLevel(logging.INFO)
    log.propagate = False
    log.info("step %s started", name)

    try:
        with part(name):
            yield log
    except InputError as err:
        if err.file is None and config_file:
            err.file = config_file
        log.error("%s failed on bad input:\n%s", name, err)
        raise SystemExit(1) from None
    except Exception:
        # not bad input but a fault of nqpf: the traceback goes to the job's own log too, where a cluster user looks
        log.exception("%s failed with an error of nqpf (please report it with this log)", name)
        raise
    log.info("step %s finished", name)
