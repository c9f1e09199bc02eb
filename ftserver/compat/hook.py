"""A ``sys.meta_path`` finder that answers ``import freqtrade...`` with ftserver's compat modules.

Installed first on the path so that a freqtrade installed next to ftserver is never imported in
ftserver's process: a strategy written for freqtrade gets ftserver's classes, whatever is installed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

ALIAS = "freqtrade"
TARGET = "ftserver.compat.freqtrade"


def target_name(fullname: str) -> str | None:
    """``freqtrade.strategy`` -> ``ftserver.compat.freqtrade.strategy``; None for other names."""
    if fullname == ALIAS or fullname.startswith(ALIAS + "."):
        return TARGET + fullname[len(ALIAS) :]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias spec onto ftserver's module; give it its own back.
        own = importlib.util.find_spec(self.target)
        if own is not None:
            module.__spec__ = own


class FreqtradeAliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        name = target_name(fullname)
        if name is None:
            return None
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: ftserver does not provide {fullname} yet", name=fullname
            )
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(name), is_package=found.submodule_search_locations is not None
        )


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once) and drop any real freqtrade already imported."""
    if not any(isinstance(f, FreqtradeAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, FreqtradeAliasFinder())
    for name in [n for n in sys.modules if target_name(n) is not None]:
        if not getattr(sys.modules[name], "__name__", "").startswith(TARGET):
            del sys.modules[name]
