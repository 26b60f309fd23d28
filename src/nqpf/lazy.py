"""Packages whose names load when first used: a package keeps ``_FUNCTIONS`` (name -> submodule) and sets
``__getattr__ = lazy.loader(__name__, _FUNCTIONS)``, so that reading its settings does not import the rest
(nqpf.study.code reads the same mapping to know which submodule a name comes from)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def loader(package: str, names: Mapping[str, str]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``package``: each name of ``names`` from its submodule, imported when asked."""

    def __getattr__(name: str):
        if name in names:
            return getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
