"""``CandleAnswers``: /pair_candles answers, kept per analysis of the pair.

Charts poll pair_candles every few seconds; the answer only changes when the pair is analyzed
again, so it is kept per (pair, timeframe, limit, columns) for the frame's analysis time.
The strategy's timeframe answers the analyzed frame (indicators and signals); any other timeframe
the exchange offers answers plain candles from the market (no signal columns, all counts zero),
which the bot keeps briefly, so the answer is kept per fetch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ftserver.data.timeframes import is_timeframe
from ftserver.errors import InvalidRequest, NotFound
from ftserver.rpc.answer_cache import AnswerCache, encode_json
from ftserver.rpc.bot_port import BotPort
from ftserver.rpc.candles_view import analyzed_view
from ftserver.rpc.shapes.candles import Market, MarketLimits, MarketPrecision, MinMax, PairCandles

# Plain market candles answered when a request names no limit (the analyzed frame is answered whole).
DEFAULT_MARKET_CANDLES = 500


def analyzed(bot: BotPort, pair: str, timeframe: str | None) -> tuple[Any, datetime]:
    """The pair's analyzed frame and when it was analyzed, or ``NotFound``."""
    timeframe = timeframe or bot.timeframe
    result = bot.analyzed(pair, timeframe)
    if result is None:
        raise NotFound(
            f"No analyzed data for {pair} {timeframe}: the pair is not in the whitelist or has no candles yet"
        )
    return result


def market_view(market: Any) -> Market:
    """A market (the bot's ``Market``: tick sizes, limits, fees) as ``/markets`` lists it, ccxt-like."""
    return Market(
        symbol=market.symbol,
        base=market.base,
        quote=market.quote,
        active=market.active,
        spot=market.spot,
        swap=market.contract,
        type="swap" if market.contract else "spot",
        settle=market.settle,
        precision=MarketPrecision(amount=market.amount_precision, price=market.price_precision),
        limits=MarketLimits(
            amount=MinMax(min=market.min_amount, max=market.max_amount),
            cost=MinMax(min=market.min_cost, max=market.max_cost),
        ),
        maker=market.maker_fee,
        taker=market.taker_fee,
    )


class CandleAnswers:
    def __init__(self, *, candle_cache_bytes: int = 16 * 2**20) -> None:
        """``candle_cache_bytes`` bounds the encoded size of the answers kept."""
        self._answers: AnswerCache[tuple[Any, ...], PairCandles] = AnswerCache(candle_cache_bytes)

    async def pair_candles(
        self, bot: BotPort, pair: str, timeframe: str, limit: int | None = None, columns: Sequence[str] | None = None
    ) -> PairCandles:
        if not is_timeframe(timeframe):
            raise InvalidRequest(f"Invalid timeframe '{timeframe}'")
        if timeframe == bot.timeframe:
            df, analyzed_at = analyzed(bot, pair, timeframe)
        else:
            df, analyzed_at = await bot.market_candles(pair, timeframe, limit or DEFAULT_MARKET_CANDLES)
        key = (pair, timeframe, limit, tuple(columns or ()))
        cached = self._answers.get(key, analyzed_at)
        if cached is not None:
            return cached
        answer = analyzed_view(
            strategy=bot.strategy_info().name,
            pair=pair,
            timeframe=timeframe,
            df=df.tail(limit) if limit else df,
            last_analyzed=analyzed_at,
            columns=columns,
        )
        return self._answers.put(key, analyzed_at, answer, encode_json(answer)[1])
