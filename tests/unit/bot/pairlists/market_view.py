"""Hand-built market views for pairlist handler tests: every number is chosen so results can be checked by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from ftserver.bot.pairlists.handler import PairlistContext
from ftserver.exchange.base import Candle, Market, Ticker

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def market(symbol: str, *, tick: float = 0.01, min_amount: float = 0.001, active: bool = True) -> Market:
    base, quote = symbol.split("/")
    return Market(symbol=symbol, base=base, quote=quote, active=active, price_precision=tick, min_amount=min_amount)


def ticker(
    symbol: str,
    last: float,
    *,
    volume: float | None = None,
    bid: float | None = None,
    ask: float | None = None,
    change: float | None = None,
) -> Ticker:
    return Ticker(symbol=symbol, timestamp=0, last=last, bid=bid, ask=ask, quote_volume=volume, percentage=change)


def daily(
    closes: Sequence[float],
    *,
    highs: Sequence[float] | None = None,
    lows: Sequence[float] | None = None,
    volume: float = 1.0,
) -> list[Candle]:
    """Daily candles ending yesterday; open = close, high/low as given (default = close)."""
    day = 86_400_000
    start = int(NOW.timestamp() * 1000) - day * len(closes)
    return [[start + i * day, c, (highs or closes)[i], (lows or closes)[i], c, volume] for i, c in enumerate(closes)]


class CandleBook:
    """``read_candles`` over fixed daily candles; counts what was asked."""

    def __init__(self, candles: Mapping[str, list[Candle]]) -> None:
        self.candles = candles
        self.reads: list[tuple[str, str, int]] = []

    async def __call__(self, pair: str, timeframe: str, count: int) -> list[Candle]:
        self.reads.append((pair, timeframe, count))
        return list(self.candles.get(pair, []))[-count:] if count else []


def context(
    markets: Sequence[Market],
    tickers: Sequence[Ticker] = (),
    *,
    candles: Mapping[str, list[Candle]] | None = None,
    configured: Sequence[str] = (),
    now: datetime = NOW,
    **extra: object,
) -> PairlistContext:
    return PairlistContext(
        now=now,
        stake_currency="USDT",
        configured=list(configured),
        markets={m.symbol: m for m in markets},
        tickers={t.symbol: t for t in tickers},
        read_candles=CandleBook(candles or {}),
        **extra,  # type: ignore[arg-type]
    )
