"""What the API needs for research (strategies, stored history, exchanges). ``Research`` satisfies it.

Research serves both run modes and never touches the bot, so its routes reach it through this
port directly (an app key), not through ``Rpc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import pandas as pd

from ftserver.data.timeframes import is_timeframe
from ftserver.errors import InvalidRequest
from ftserver.rpc.candles_view import analyzed_view
from ftserver.rpc.shapes.candles import PairCandles
from ftserver.rpc.shapes.research import AvailablePairs, Exchanges, Strategy, StrategyList


class ResearchPort(Protocol):
    def strategies(self) -> StrategyList: ...

    def strategy(self, name: str) -> Strategy: ...

    def plot_config(self, name: str) -> dict[str, Any]: ...

    def available_pairs(
        self, timeframe: str | None, stake_currency: str | None, candle_type: str | None
    ) -> AvailablePairs: ...

    def analyze_history(
        self, pair: str, timeframe: str, timerange: str | None, strategy_name: str
    ) -> tuple[str, pd.DataFrame, datetime]: ...

    def exchanges(self) -> Exchanges: ...

    def pairlist_handlers(self) -> list[dict[str, Any]]:
        """Every pairlist handler with its description and options (``/pairlists/available``)."""
        ...


def pair_history(
    research: ResearchPort,
    pair: str,
    timeframe: str,
    timerange: str | None,
    strategy: str,
    columns: Sequence[str] | None = None,
) -> PairCandles:
    """The /pair_history body: stored candles analyzed by ``strategy``.

    Blocking (loads files, runs the strategy, builds the answer): call it in a worker thread.
    """
    if not is_timeframe(timeframe):
        raise InvalidRequest(f"Invalid timeframe '{timeframe}'")
    name, df, analyzed_at = research.analyze_history(pair, timeframe, timerange, strategy)
    return analyzed_view(
        strategy=name, pair=pair, timeframe=timeframe, df=df, last_analyzed=analyzed_at, columns=columns
    )
