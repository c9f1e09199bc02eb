"""Ranking pairs by a measured value: what the volume, change, range and volatility steps share."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime

from ftserver.bot.pairlists.handler import PairlistContext, PairlistHandler, lookback
from ftserver.exchange.base import Candle


def rank(
    pairs: Sequence[str],
    values: Mapping[str, float],
    *,
    low: float | None,
    high: float | None,
    direction: str | None,
    limit: int | None = None,
) -> list[str]:
    """The pairs that have a value within [low, high], ordered by it ("asc"/"desc", or as given), cut to ``limit``.

    The sort is stable: pairs with equal values keep the order they came in.
    """
    kept = [
        p for p in pairs if p in values and (low is None or values[p] >= low) and (high is None or values[p] <= high)
    ]
    if direction:
        kept.sort(key=values.__getitem__, reverse=direction == "desc")
    return kept if limit is None else kept[:limit]


class CandleMeasureFilter(PairlistHandler):
    """A filter keeping pairs whose value over the lookback candles lies within its min/max options.

    Each pair's value is kept for ``refresh_period`` seconds, so a chain refreshed every iteration reads
    candles for a pair only once per period.
    """

    MIN_OPTION: str
    MAX_OPTION: str
    # Candles read beyond ``lookback_period`` (returns over ``n`` candles need ``n + 1`` closes).
    EXTRA_CANDLES: int = 0

    def __init__(self, options: Mapping[str, object]) -> None:
        super().__init__(options)
        self._measured: dict[str, tuple[datetime, float | None]] = {}

    @abstractmethod
    def measure(self, candles: list[Candle], period: int) -> float | None:
        """The pair's value from its lookback candles (``[ts, open, high, low, close, volume]``), or None."""

    async def _value(self, pair: str, ctx: PairlistContext) -> float | None:
        cached = self._measured.get(pair)
        if cached is not None and (ctx.now - cached[0]).total_seconds() < self.options["refresh_period"]:
            return cached[1]
        timeframe, period = lookback(self.options)
        candles = await ctx.read_candles(pair, timeframe, period + self.EXTRA_CANDLES)
        value = self.measure(candles, period)
        self._measured[pair] = (ctx.now, value)
        return value

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        values = {pair: value for pair in pairs if (value := await self._value(pair, ctx)) is not None}
        return rank(
            pairs,
            values,
            low=self.options[self.MIN_OPTION],
            high=self.options[self.MAX_OPTION],
            direction=self.options["sort_direction"],
        )
