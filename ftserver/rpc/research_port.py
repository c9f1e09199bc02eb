"""What the RPC facade needs for research verbs (strategies, stored history). ``Research`` satisfies it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import pandas as pd


class ResearchPort(Protocol):
    def strategies(self) -> dict[str, Any]: ...

    def strategy(self, name: str) -> dict[str, Any]: ...

    def plot_config(self, name: str) -> dict[str, Any]: ...

    def available_pairs(
        self, timeframe: str | None, stake_currency: str | None, candle_type: str | None
    ) -> dict[str, Any]: ...

    def analyze_history(
        self, pair: str, timeframe: str, timerange: str | None, strategy_name: str
    ) -> tuple[str, pd.DataFrame, datetime]: ...

    def exchanges(self) -> dict[str, Any]: ...
