"""Shapes of the webserver mode's backtest routes: a backtest's status (with its result once there is
one), the stored results' history lines, and the market-change and wallet tables.

A backtest result (freqtrade's metadata, per-strategy statistics and comparison lines) and a
table's rows are passed through as stored: open containers.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

import orjson

from ftserver.rpc.shapes import choices, described, documented_as, shape

BACKTEST_STATES = ["not_started", "running", "ended", "error", "reset", "not_running", "stopping"]


@shape
class BacktestStatus:
    status: str = field(metadata=choices(BACKTEST_STATES))
    running: bool
    status_msg: str
    step: str
    progress: float
    trade_count: float | None
    # Pre-encoded (orjson.Fragment) when it comes from a worker process: never decoded by the server.
    backtest_result: dict[str, Any] | orjson.Fragment | None = field(
        metadata=documented_as(dict[str, Any] | None, "freqtrade's result: metadata, strategy and strategy_comparison")
    )


@shape
class BacktestHistoryEntry:
    filename: str = field(metadata=described("the result file's name without its suffix"))
    strategy: str
    run_id: str
    backtest_start_time: int = field(metadata=described("when the backtest ran (seconds)"))
    notes: str | None
    backtest_start_ts: int | None = field(metadata=described("start of the backtested range (seconds)"))
    backtest_end_ts: int | None = field(metadata=described("end of the backtested range (seconds)"))
    timeframe: str | None
    timeframe_detail: str | None


@shape
class BacktestTable:
    """``/backtest/history/{file}/market_change``: one row per candle, values in the order of columns."""

    columns: list[str]
    length: int
    data: list[list[Any]]


@shape
class WalletHistory:
    columns: list[str]
    length: int
    data: list[list[Any]]
    capture_start_ts: int | None = field(
        metadata=described("start of the captured wallet; before it the history is reconstructed")
    )
