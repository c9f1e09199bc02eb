"""Finding strategies by class name in folders of ``.py`` files (the user's first, then the built-in ones)."""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import logging
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from ftserver.compat import hook as freqtrade_imports
from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.parameter_values import apply_special_values, load_parameter_values, read_parameter_file

log = logging.getLogger(__name__)

# Config keys that, when set, replace the strategy's own attribute (as in freqtrade).
OVERRIDABLE = (
    "timeframe",
    "minimal_roi",
    "stoploss",
    "trailing_stop",
    "trailing_stop_positive",
    "trailing_stop_positive_offset",
    "trailing_only_offset_is_reached",
)


def builtin_strategy_dir() -> Path:
    """The folder of the strategies shipped with ftserver (searched after the user's)."""
    return Path(__file__).resolve().parent / "builtin"


def _strategy_files(search_paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in search_paths:
        folder = Path(folder)
        if folder.is_dir():
            files.extend(p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_"))
    return files


def _import_file(path: Path) -> ModuleType:
    freqtrade_imports.install()  # strategies written for freqtrade import ``freqtrade.*``
    # One private name per file path: two folders may both hold a "my_strategy.py".
    digest = hashlib.sha1(str(path.resolve()).encode(), usedforsecurity=False).hexdigest()[:12]
    name = f"ftserver_user_strategy_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise StrategyError(f"Cannot import strategy file {path.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling inside user code need the module registered
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a user file calling sys.exit() must not stop the server
        sys.modules.pop(name, None)
        log.info("Strategy file %s failed to import: %s: %s", path, type(exc).__name__, exc)
        reason = _without_folder(str(exc), path.parent)
        raise StrategyError(f"Strategy file {path.name} failed to import: {type(exc).__name__}: {reason}") from exc
    return module


def _classes_in(module: ModuleType) -> dict[str, type[Strategy]]:
    return {
        name: obj
        for name, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Strategy) and obj is not Strategy and obj.__module__ == module.__name__
    }


def _scan(search_paths: Sequence[Path]) -> tuple[dict[str, tuple[type[Strategy], Path]], dict[Path, str]]:
    found: dict[str, tuple[type[Strategy], Path]] = {}
    broken: dict[Path, str] = {}
    for path in _strategy_files(search_paths):
        try:
            module = _import_file(path)
        except StrategyError as exc:
            broken[path] = str(exc)
            continue
        for name, cls in _classes_in(module).items():
            found.setdefault(name, (cls, path))
    return found, broken


def load_strategy(name: str, search_paths: Sequence[Path], config: Mapping[str, Any] | None = None) -> Strategy:
    """An instance of the strategy class called ``name``, with the config's overrides applied.

    Folders are searched in order and the first class of that name wins. A broken file is only
    fatal when it is the one that should define ``name``; otherwise it is logged and skipped.
    """
    found, broken = _scan(search_paths)
    # A file that meant to define ``name`` but fails to import is the error, never a reason to fall
    # back on a class of the same name further down the search path (a user's sample_strategy.py
    # must not be swapped for the built-in SampleStrategy because its imports failed).
    before = _folder_rank(found[name][1], search_paths) if name in found else len(search_paths)
    for path, problem in broken.items():
        if _folder_rank(path, search_paths) <= before and _means_to_define(path, name):
            raise StrategyError(f"Strategy '{name}' could not be loaded: {problem}")
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        log.info("Strategy %s not found in %s", name, _joined(search_paths))
        raise StrategyError(f"Strategy '{name}' not found (strategies found: {known})")
    for problem in broken.values():
        log.warning("Skipped a broken strategy file: %s", problem)
    cls, path = found[name]
    try:
        strategy = cls(dict(config or {}))
    except Exception as exc:
        log.info("Strategy %s (%s) could not be created: %s: %s", name, path, type(exc).__name__, exc)
        reason = _without_folder(str(exc), path.parent)
        raise StrategyError(
            f"Strategy '{name}' ({path.name}) could not be created: {type(exc).__name__}: {reason}"
        ) from exc
    # As freqtrade: the parameter file's ROI/stoploss/trailing first, so that the config's overrides win.
    from_file = read_parameter_file(path, name)
    apply_special_values(strategy, from_file)
    load_parameter_values(strategy, from_file)
    for key in OVERRIDABLE:
        value = (config or {}).get(key)
        if value is not None:
            log.info("Strategy %s: %s overridden by the config: %s", name, key, value)
            setattr(strategy, key, dict(value) if isinstance(value, Mapping) else value)
    log.info("Loaded strategy %s from %s", name, path)
    return strategy


def _folder_rank(path: Path, search_paths: Sequence[Path]) -> int:
    """The position of ``path``'s folder in the search order."""
    for rank, folder in enumerate(search_paths):
        if path.parent.resolve() == Path(folder).resolve():
            return rank
    return len(search_paths)


def _means_to_define(path: Path, name: str) -> bool:
    """Whether ``path`` is where ``name`` was meant to come from: its file name or a ``class name`` in it."""
    if path.stem.lower() == name.lower():
        return True
    text = path.read_text(encoding="utf-8", errors="replace")
    return re.search(rf"^\s*class\s+{re.escape(name)}\b", text, re.MULTILINE) is not None


def list_strategies(search_paths: Sequence[Path]) -> list[str]:
    """Class names of every strategy found, sorted; a name in several folders is listed once."""
    found, broken = _scan(search_paths)
    for problem in broken.values():
        log.warning("Skipped a broken strategy file: %s", problem)
    return sorted(found)


def strategy_file(name: str, search_paths: Sequence[Path]) -> Path:
    """The file that defines strategy ``name`` (the first folder that has it wins)."""
    found, _ = _scan(search_paths)
    if name not in found:
        log.info("Strategy %s not found in %s", name, _joined(search_paths))
        raise StrategyError(f"Strategy '{name}' not found")
    return found[name][1]


def _joined(search_paths: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in search_paths) or "no folders"


def _without_folder(text: str, folder: Path) -> str:
    """``text`` (a user exception's message) with the strategy folder's absolute path cut out.

    Errors reach API clients, who must not learn where the server keeps its files.
    """
    for root in {str(folder), str(folder.resolve())}:
        text = text.replace(root + "/", "").replace(root, ".")
    return text
