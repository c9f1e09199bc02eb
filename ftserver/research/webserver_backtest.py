"""``WebserverBacktest``: the webserver mode's backtest routes (satisfies ``rpc.backtest_port.BacktestPort``).

Stored results are read and changed through ``backtest.storage`` in ``user_data/backtest_results``,
with freqtrade 2026.9's answers: an unknown result file is a 404 "File not found.", a wallet asked of
a result that is not a zip in the folder a 400 "Unable to retrieve wallet history." (a 404 when the zip
has no wallet for that strategy).

The backtest itself is not built yet: ``start`` is refused with 503, and the status verbs answer
what freqtrade answers before any backtest ran (``not_started``, ``reset``, ``not_running``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ftserver.backtest import storage
from ftserver.errors import InvalidRequest, NotAvailable, NotFound
from ftserver.rpc.shapes.backtest import BacktestHistoryEntry, BacktestStatus, BacktestTable, WalletHistory

RESULTS_FOLDER = "backtest_results"
ENGINE_MISSING = "Backtesting is not available yet: this server's backtest engine is not built."
NO_WALLET = "Unable to retrieve wallet history."


def _table(frame: pd.DataFrame) -> dict[str, Any]:
    """``{columns, data, length}`` with dates as ISO 8601 text, as freqtrade's JSON encoder writes them."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00"
        elif pd.api.types.is_datetime64_dtype(values.dtype):
            frame[column] = values.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return storage.frame_table(frame)


def _status(
    status: str,
    status_msg: str,
    *,
    running: bool = False,
    step: str = "",
    progress: float = 0,
    backtest_result: dict[str, Any] | None = None,
) -> BacktestStatus:
    return BacktestStatus(
        status=status,
        running=running,
        status_msg=status_msg,
        step=step,
        progress=float(progress),  # freqtrade's model writes 0.0 and 1.0
        trade_count=None,
        backtest_result=backtest_result,
    )


def _history(entries: list[dict[str, Any]]) -> list[BacktestHistoryEntry]:
    return [BacktestHistoryEntry(**entry) for entry in entries]


class WebserverBacktest:
    def __init__(self, user_data_dir: Path) -> None:
        self.directory = user_data_dir / RESULTS_FOLDER

    # ---- the run (no engine yet) ----------------------------------------------------------------
    def start(self, body: Mapping[str, Any]) -> BacktestStatus:
        raise NotAvailable(ENGINE_MISSING)

    def status(self) -> BacktestStatus:
        return _status("not_started", "Backtest not yet executed")

    def reset(self) -> BacktestStatus:
        return _status("reset", "Backtest reset")

    def abort(self) -> BacktestStatus:
        return _status("not_running", "Backtest ended")

    # ---- stored results -------------------------------------------------------------------------
    def history(self) -> list[BacktestHistoryEntry]:
        return _history(storage.list_results(self.directory))

    def history_result(self, filename: str, strategy: str) -> BacktestStatus:
        result = storage.load_strategy_result(self.directory, filename, strategy)
        return _status("ended", "Historic result", progress=1, backtest_result=result)

    def delete_result(self, filename: str) -> list[BacktestHistoryEntry]:
        return _history(storage.delete_result(self.directory, filename))

    def set_notes(self, filename: str, strategy: str, notes: str) -> list[BacktestHistoryEntry]:
        return _history(storage.set_notes(self.directory, filename, strategy, notes))

    def market_change(self, filename: str) -> BacktestTable:
        return BacktestTable(**_table(storage.load_market_change(self.directory, filename)))

    def wallet(self, filename: str, strategy: str) -> WalletHistory:
        if ":" in strategy:
            raise InvalidRequest("base64 encoded strategies are not allowed.")
        try:
            path = storage.find_result(self.directory, filename)
        except NotFound:
            raise InvalidRequest(NO_WALLET) from None
        if path.suffix != ".zip":
            raise InvalidRequest(NO_WALLET)
        try:
            frame = storage.load_wallet(self.directory, filename, strategy)
        except NotFound:
            raise NotFound(NO_WALLET) from None
        return WalletHistory(**_table(frame), capture_start_ts=None)
