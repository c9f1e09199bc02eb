"""``CandleCache``: the live candles per (pair, timeframe, candle type) and their analyzed frames.

The bot fills it every loop; the RPC and WebSocket layers read from it. Frames here are never
mutated after they are stored, so readers can hold on to them.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ftserver.data.frames import date_at, merge_candles

Key = tuple[str, str, str]


class CandleCache:
    def __init__(self, *, max_rows: int = 1500) -> None:
        """``max_rows``: candles kept per key; 1,500 is the most /pair_candles answers a chart."""
        self.max_rows = max_rows
        self._ohlcv: dict[Key, pd.DataFrame] = {}
        # The newest candle's date per key, kept beside the frames: the bot asks for it for every
        # pair on every iteration, and reading it back out of a frame costs tens of microseconds.
        self._last: dict[Key, datetime] = {}
        self._analyzed: dict[Key, tuple[pd.DataFrame, datetime]] = {}
        self._external: dict[tuple[str, str, str, str], tuple[pd.DataFrame, datetime]] = {}

    def ohlcv(self, pair: str, timeframe: str, candle_type: str = "spot") -> pd.DataFrame | None:
        """The closed candles held for this key (the bot drops the forming candle before storing)."""
        return self._ohlcv.get((pair, timeframe, candle_type))

    def update_ohlcv(self, pair: str, timeframe: str, df: pd.DataFrame, candle_type: str = "spot") -> bool:
        """Merge closed candles in. True when the newest candle moved forward."""
        key = (pair, timeframe, candle_type)
        before = self._last.get(key)
        merged = merge_candles(self._ohlcv.get(key), df, self.max_rows)
        if merged.empty:
            return False  # nothing known yet: keep "no candles" as None for readers
        last = date_at(merged, -1).to_pydatetime()
        self._ohlcv[key] = merged
        self._last[key] = last
        return before is None or last > before

    def last_candle_date(self, pair: str, timeframe: str, candle_type: str = "spot") -> datetime | None:
        return self._last.get((pair, timeframe, candle_type))

    def set_analyzed(
        self, pair: str, timeframe: str, df: pd.DataFrame, analyzed_at: datetime, candle_type: str = "spot"
    ) -> None:
        self._analyzed[(pair, timeframe, candle_type)] = (df, analyzed_at)

    def analyzed(self, pair: str, timeframe: str, candle_type: str = "spot") -> tuple[pd.DataFrame, datetime] | None:
        return self._analyzed.get((pair, timeframe, candle_type))

    def pairs(self) -> list[Key]:
        """Every (pair, timeframe, candle_type) that has candles, in insertion order."""
        return list(self._ohlcv)

    def drop(self, pair: str, timeframe: str | None = None) -> None:
        """Forget the candles and analysis of ``pair`` (all timeframes unless one is given).

        Producer frames stay: they follow the producer's whitelist, not ours.
        """
        for store in (self._ohlcv, self._last, self._analyzed):
            for key in [k for k in store if k[0] == pair and (timeframe is None or k[1] == timeframe)]:
                del store[key]

    def retain(self, keys: set[Key]) -> None:
        """Forget the candles and analysis of every key not in ``keys`` (pairs that left the whitelist)."""
        for store in (self._ohlcv, self._last, self._analyzed):
            for key in [k for k in store if k not in keys]:
                del store[key]

    def set_external(
        self,
        producer: str,
        pair: str,
        timeframe: str,
        df: pd.DataFrame,
        analyzed_at: datetime,
        candle_type: str = "spot",
    ) -> None:
        self._external[(producer, pair, timeframe, candle_type)] = (df, analyzed_at)

    def external(
        self, producer: str, pair: str, timeframe: str, candle_type: str = "spot"
    ) -> tuple[pd.DataFrame, datetime] | None:
        return self._external.get((producer, pair, timeframe, candle_type))
