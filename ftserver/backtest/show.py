"""``ftserver backtesting-show``: reprint a stored backtest result."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from ftserver.backtest import storage, tables
from ftserver.errors import InvalidRequest, NotFound


def locate_result(directory: Path, filename: str | None) -> Path:
    """The result to show: ``filename`` as a path or inside ``directory`` (a folder given as
    ``filename`` is searched instead), else the latest result of ``directory``."""
    if filename and Path(filename).is_dir():
        directory, filename = Path(filename), None
    if not filename:
        if not directory.is_dir():
            raise InvalidRequest(f"backtest results folder {directory} does not exist")
        try:
            return storage.latest_result(directory)
        except NotFound as exc:
            raise InvalidRequest(str(exc)) from None
    given = Path(filename)
    path = given if given.is_file() else directory / given
    if not path.is_file():
        raise InvalidRequest(f"backtest result {path} does not exist")
    return path


def show_stored_result(
    directory: Path,
    filename: str | None,
    *,
    stake_currency: str,
    breakdown: Sequence[str] = (),
    pair_list: bool = False,
    out: Console | None = None,
) -> None:
    path = locate_result(directory, filename)
    try:
        result = storage.load_result(path)
    except NotFound as exc:
        raise InvalidRequest(str(exc)) from None
    tables.print_result(out or tables.console(), result, stake_currency, breakdown, pair_list=pair_list)
