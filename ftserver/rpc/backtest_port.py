"""What the webserver mode's backtest routes need: the run's status verbs and the stored results.

``research.webserver_backtest.WebserverBacktest`` satisfies it. Like the job routes, only the webserver
mode sets it (trade mode answers 503, as freqtrade). Every answer is plain data in freqtrade 2026.9's
shapes: a status (``status``, ``running``, ``status_msg``, ``step``, ``progress`` and, when there is
one, ``backtest_result``), history lines, or ``{columns, data, length}`` tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class BacktestPort(Protocol):
    def start(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Start a backtest; refused while the engine is missing or another backtest runs."""
        ...

    def status(self) -> dict[str, Any]: ...

    def reset(self) -> dict[str, Any]: ...

    def abort(self) -> dict[str, Any]: ...

    def history(self) -> list[dict[str, Any]]:
        """One line per strategy of every stored result, newest file first."""
        ...

    def history_result(self, filename: str, strategy: str) -> dict[str, Any]:
        """A stored strategy result as a finished status (``NotFound`` when absent)."""
        ...

    def delete_result(self, filename: str) -> list[dict[str, Any]]:
        """Delete a stored result; answers the history left."""
        ...

    def set_notes(self, filename: str, strategy: str, notes: str) -> list[dict[str, Any]]:
        """Set a strategy's notes; answers that result's history lines."""
        ...

    def market_change(self, filename: str) -> dict[str, Any]: ...

    def wallet(self, filename: str, strategy: str) -> dict[str, Any]: ...
