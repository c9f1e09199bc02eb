"""``CandleAnswers``: /pair_candles answers, kept per analysis of the pair.

Charts poll pair_candles every few seconds; the answer only changes when the pair is analyzed
again, so it is kept per (pair, timeframe, limit, columns) for the frame's analysis time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ftserver.data.timeframes import is_timeframe
from ftserver.errors import InvalidRequest, NotFound
from ftserver.rpc.answer_cache import AnswerCache, encode_json
from ftserver.rpc.bot_port import BotPort
from ftserver.rpc.candles_view import analyzed_to_json


def analyzed(bot: BotPort, pair: str, timeframe: str | None) -> tuple[Any, datetime]:
    """The pair's analyzed frame and when it was analyzed, or ``NotFound``."""
    timeframe = timeframe or bot.timeframe
    result = bot.analyzed(pair, timeframe)
    if result is None:
        raise NotFound(
            f"No analyzed data for {pair} {timeframe}: the pair is not in the whitelist or has no candles yet"
        )
    return result


class CandleAnswers:
    def __init__(self, *, candle_cache_bytes: int = 16 * 2**20) -> None:
        """``candle_cache_bytes`` bounds the encoded size of the answers kept."""
        self._answers: AnswerCache[tuple[Any, ...], dict[str, Any]] = AnswerCache(candle_cache_bytes)

    def pair_candles(
        self, bot: BotPort, pair: str, timeframe: str, limit: int | None = None, columns: Sequence[str] | None = None
    ) -> dict[str, Any]:
        if not is_timeframe(timeframe):
            raise InvalidRequest(f"Invalid timeframe '{timeframe}'")
        df, analyzed_at = analyzed(bot, pair, timeframe)
        key = (pair, timeframe, limit, tuple(columns or ()))
        cached = self._answers.get(key, analyzed_at)
        if cached is not None:
            return cached
        answer = analyzed_to_json(
            strategy=bot.strategy_info().name,
            pair=pair,
            timeframe=timeframe,
            df=df.tail(limit) if limit else df,
            last_analyzed=analyzed_at,
            columns=columns,
        )
        return self._answers.put(key, analyzed_at, answer, encode_json(answer)[1])
