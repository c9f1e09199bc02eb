"""``ProducerData``: what other bots (producers) sent us in consumer mode, as strategies read it.

A strategy reads it through its data provider: ``self.dp.get_producer_df(pair)`` returns the
producer's analyzed DataFrame and when it was analyzed, as freqtrade's does.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ftserver.data.frames import merge_candles

DEFAULT_PRODUCER = "default"


class ProducerData:
    def __init__(self, *, max_rows: int = 1500) -> None:
        self.max_rows = max_rows
        self._frames: dict[tuple[str, str, str, str], tuple[pd.DataFrame, datetime]] = {}
        self._whitelists: dict[str, list[str]] = {}

    def set_whitelist(self, producer: str, pairs: list[str]) -> None:
        self._whitelists[producer] = list(pairs)

    def get_producer_pairs(self, producer_name: str = DEFAULT_PRODUCER) -> list[str]:
        return list(self._whitelists.get(producer_name, []))

    def add_frame(
        self,
        producer: str,
        key: tuple[str, str, str],
        df: pd.DataFrame,
        analyzed_at: datetime,
        *,
        replace: bool,
    ) -> None:
        """Store a full frame (``replace``) or merge the newest candles of a pushed one."""
        pair, timeframe, candle_type = key
        full_key = (producer, pair, timeframe, candle_type)
        existing = self._frames.get(full_key)
        if replace or existing is None:
            frame = df.tail(self.max_rows).reset_index(drop=True)
        else:
            frame = merge_candles(existing[0], df, self.max_rows)
        self._frames[full_key] = (frame, analyzed_at)

    def get_producer_df(
        self,
        pair: str,
        timeframe: str | None = None,
        candle_type: str | None = None,
        producer_name: str = DEFAULT_PRODUCER,
    ) -> tuple[pd.DataFrame, datetime | None]:
        """The producer's analyzed frame for ``pair`` (an empty frame and None when it sent none)."""
        for (producer, p, tf, ct), (frame, analyzed_at) in self._frames.items():
            if producer == producer_name and p == pair and timeframe in (None, tf) and candle_type in (None, ct):
                return frame, analyzed_at
        return pd.DataFrame(), None
