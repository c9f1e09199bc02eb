"""What the webserver mode's backtest routes need: the run's status verbs and the stored results.

``research.webserver_backtest.WebserverBacktest`` satisfies it. Like the job routes, only the webserver
mode sets it (trade mode answers 503, as freqtrade). Every answer is a wire shape of
``rpc.shapes.backtest``, as freqtrade 2026.9 answers: a status, history lines, or tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ftserver.rpc.shapes.backtest import BacktestHistoryEntry, BacktestStatus, BacktestTable, WalletHistory


class BacktestPort(Protocol):
    def start(self, body: Mapping[str, Any]) -> BacktestStatus:
        """Start a backtest; refused while the engine is missing or another backtest runs."""
        ...

    def status(self) -> BacktestStatus: ...

    def reset(self) -> BacktestStatus: ...

    def abort(self) -> BacktestStatus: ...

    def history(self) -> list[BacktestHistoryEntry]:
        """One line per strategy of every stored result, newest file first."""
        ...

    def history_result(self, filename: str, strategy: str) -> BacktestStatus:
        """A stored strategy result as a finished status (``NotFound`` when absent)."""
        ...

    def delete_result(self, filename: str) -> list[BacktestHistoryEntry]:
        """Delete a stored result; answers the history left."""
        ...

    def set_notes(self, filename: str, strategy: str, notes: str) -> list[BacktestHistoryEntry]:
        """Set a strategy's notes; answers that result's history lines."""
        ...

    def market_change(self, filename: str) -> BacktestTable: ...

    def wallet(self, filename: str, strategy: str) -> WalletHistory: ...
