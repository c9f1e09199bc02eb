"""``DataProvider``: what a strategy reads as ``self.dp``, with the names and answers of freqtrade's.

In the trading bot (dry-run or live) candles come from the bot's candle cache, which the trading
loop fills with the whitelist's and the informative pairs' candles before each analysis:
``get_pair_dataframe`` inside ``populate_*`` is a read, never a request to the exchange. Only
``ticker`` and ``orderbook`` ask the exchange, as in freqtrade. Strategy code runs in a worker
thread while the event loop waits for it, so those two hand their request to the event loop and
wait for the answer; called on the event loop itself (a callback), ``ticker`` answers with the
ticker the loop fetched this iteration and ``orderbook`` raises, since waiting there would stop the
loop that has to do the fetching.

Without the bot (a strategy analyzing stored history for ``/pair_history``) ``get_pair_dataframe``
reads the stored candle files, as freqtrade does outside dry-run and live.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pandas as pd

from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.data.cache import CandleCache
from ftserver.data.history import CandleStore
from ftserver.data.producer_data import DEFAULT_PRODUCER, ProducerData
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.errors import ExchangeError, InvalidRequest, NotFound, StrategyError
from ftserver.exchange.base import MarketData, OrderBook, Ticker
from ftserver.models import RunMode

log = logging.getLogger(__name__)

T = TypeVar("T")
EPOCH = datetime.fromtimestamp(0, tz=UTC)
# Distinct strategy messages remembered for the once-per-candle rule (freqtrade keeps 1,000 too).
MESSAGES_REMEMBERED = 1000


@dataclass(frozen=True, slots=True)
class LiveData:
    """What the trading bot gives its data provider to read."""

    cache: Callable[[], CandleCache]  # a getter: the loop replaces its cache when the timeframe is reloaded
    market: MarketData
    whitelist: Callable[[], list[str]]
    tickers: Callable[[str], Ticker | None]  # the tickers the loop fetched this iteration
    bus: MessageBus
    clock: Clock


class DataProvider:
    def __init__(
        self,
        *,
        runmode: RunMode,
        timeframe: str,
        live: LiveData | None = None,
        producer_data: ProducerData | None = None,
        history: CandleStore | None = None,
        candle_type: str = "spot",
        call_timeout: float = 30.0,
    ) -> None:
        self._runmode = runmode
        self._timeframe = timeframe
        self._live = live
        self._producer_data = producer_data or ProducerData()
        self._history = history
        self._historic: dict[tuple[str, str, str], pd.DataFrame] = {}
        self._candle_type = candle_type
        self._call_timeout = call_timeout
        self._sent: dict[str, int] = {}  # message -> candle period it was last sent in
        self._sent_lock = threading.Lock()
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None

    # ---- candles -----------------------------------------------------------------------------
    @property
    def runmode(self) -> RunMode:
        return self._runmode

    def _key(self, pair: str, timeframe: str | None, candle_type: str | None) -> tuple[str, str, str]:
        return pair, timeframe or self._timeframe, candle_type or self._candle_type

    def ohlcv(self, pair: str, timeframe: str | None = None, copy: bool = True, candle_type: str = "") -> pd.DataFrame:
        """The closed candles the bot holds for this key (an empty frame when it holds none).

        ``copy=False`` returns the cached frame itself: only for code that does not change it.
        """
        frame = self._live.cache().ohlcv(*self._key(pair, timeframe, candle_type)) if self._live else None
        if frame is None:
            return pd.DataFrame()
        return frame.copy() if copy else frame

    def get_pair_dataframe(self, pair: str, timeframe: str | None = None, candle_type: str = "") -> pd.DataFrame:
        """The live candles of a whitelisted pair or of one the strategy named as informative (the
        stored candles outside the trading bot)."""
        if self._live is None:
            frame = self.historic_ohlcv(pair, timeframe or self._timeframe, candle_type)
        else:
            frame = self.ohlcv(pair, timeframe, candle_type=candle_type)
        if frame.empty:
            log.warning("No data found for (%s, %s, %s).", pair, timeframe or self._timeframe, candle_type)
        return frame

    def get_analyzed_dataframe(self, pair: str, timeframe: str) -> tuple[pd.DataFrame, datetime]:
        """The newest analyzed frame of ``pair`` and when it was analyzed (empty and 1970 when none).

        A copy: the stored frame is shared with the API and must stay as analyzed.
        """
        analyzed = self._live.cache().analyzed(*self._key(pair, timeframe, None)) if self._live else None
        if analyzed is None:
            return pd.DataFrame(), EPOCH
        return analyzed[0].copy(), analyzed[1]

    def historic_ohlcv(self, pair: str, timeframe: str, candle_type: str = "") -> pd.DataFrame:
        """Candles stored on disk (``download-data``) for this key; an empty frame when none are."""
        key = self._key(pair, timeframe, candle_type)
        if key not in self._historic:
            self._historic[key] = (
                self._history.load(key[0], key[1], key[2]) if self._history is not None else pd.DataFrame()
            )
        return self._historic[key].copy()

    @property
    def available_pairs(self) -> list[tuple[str, str, str]]:
        """Every (pair, timeframe, candle_type) the bot holds candles for."""
        return self._live.cache().pairs() if self._live else []

    def current_whitelist(self) -> list[str]:
        if self._live is None:
            raise StrategyError("dp.current_whitelist(): there is no whitelist outside the trading bot")
        return list(self._live.whitelist())

    # ---- the exchange ------------------------------------------------------------------------
    def market(self, pair: str) -> dict[str, Any] | None:
        """The market's description (ccxt's shape) or None when the exchange does not list ``pair``.

        Outside the trading bot there is no exchange: base and quote are read from the pair's name.
        """
        if self._live is None:
            base, slash, quote = pair.partition(":")[0].partition("/")
            return {"symbol": pair, "base": base, "quote": quote} if slash and base and quote else None
        market = self._live.market.markets.get(pair)
        return market.to_dict() if market is not None else None

    def ticker(self, pair: str) -> dict[str, Any]:
        """The exchange's ticker (ccxt's shape); an empty dict when it cannot be had (unknown pair,
        exchange error or no answer in time), as freqtrade answers."""
        live = self._live
        if live is None:
            return {}
        if self._on_event_loop():
            known = live.tickers(pair)
            return _ticker_dict(known) if known is not None else {}
        try:
            return _ticker_dict(self._on_loop(lambda: live.market.fetch_ticker(pair)))
        except (ExchangeError, InvalidRequest, NotFound, StrategyError, TimeoutError):
            return {}

    def orderbook(self, pair: str, maximum: int) -> dict[str, Any]:
        """The exchange's order book (ccxt's shape), at most ``maximum`` bids and asks.

        Raises ``StrategyError`` when called on the event loop (from a callback), where it cannot wait.
        """
        live = self._live
        if live is None:
            raise StrategyError(f"dp.orderbook({pair!r}): there is no exchange outside the trading bot")
        if self._on_event_loop():
            raise StrategyError(
                f"dp.orderbook({pair!r}) cannot be answered in a callback the bot runs on its event loop; "
                "read it in populate_indicators or the entry/exit trend methods"
            )
        book = self._on_loop(lambda: live.market.fetch_order_book(pair, maximum))
        return _order_book_dict(book, maximum)

    def _on_event_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _on_loop(self, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run ``call()`` on the bot's event loop from a worker thread and wait for its answer."""
        if self._loop is None or self._loop.is_closed():
            raise StrategyError("The data provider has no running bot to ask the exchange through")
        answer = asyncio.run_coroutine_threadsafe(call(), self._loop)
        try:
            return answer.result(self._call_timeout)
        except TimeoutError:
            answer.cancel()  # nobody waits for it any more
            raise

    # ---- messages ----------------------------------------------------------------------------
    def send_msg(self, message: str, *, always_send: bool = False) -> None:
        """Publish a ``strategy_msg``. Unless ``always_send``, a text goes out once per candle.

        "Once per candle" counts candle periods of the strategy's timeframe on the clock: the same
        text sent again in the same period is dropped, in the next period it goes out again.
        Outside the trading bot nothing is sent, as freqtrade sends only in dry-run and live.
        """
        live = self._live
        if live is None:
            return
        period = int(live.clock.now().timestamp()) // timeframe_to_seconds(self._timeframe)
        with self._sent_lock:
            send = always_send or self._sent.get(message) != period
            self._sent.pop(message, None)
            self._sent[message] = period
            if len(self._sent) > MESSAGES_REMEMBERED:
                del self._sent[next(iter(self._sent))]
        if not send:
            return
        log.info("Strategy message: %s", message)
        published = messages.strategy_msg(message)
        if self._on_event_loop() or self._loop is None or self._loop.is_closed():
            live.bus.publish(published)
        else:
            # The bus belongs to the event loop; from the analysis thread the publish is queued there.
            self._loop.call_soon_threadsafe(live.bus.publish, published)

    # ---- consumer mode -----------------------------------------------------------------------
    def get_producer_df(
        self,
        pair: str,
        timeframe: str | None = None,
        candle_type: str | None = None,
        producer_name: str = DEFAULT_PRODUCER,
    ) -> tuple[pd.DataFrame, datetime]:
        """A producer's analyzed frame and when it was analyzed (an empty frame and 1970 when none)."""
        _, tf, ct = self._key(pair, timeframe, candle_type)
        frame, analyzed_at = self._producer_data.get_producer_df(pair, tf, ct, producer_name)
        if analyzed_at is None:
            return pd.DataFrame(), EPOCH
        return frame.copy(), analyzed_at

    def get_producer_pairs(self, producer_name: str = DEFAULT_PRODUCER) -> list[str]:
        return self._producer_data.get_producer_pairs(producer_name)


def _ticker_dict(ticker: Ticker) -> dict[str, Any]:
    return {
        "symbol": ticker.symbol,
        "timestamp": ticker.timestamp,
        "datetime": _iso(ticker.timestamp),
        "last": ticker.last,
        "close": ticker.last,
        "bid": ticker.bid,
        "ask": ticker.ask,
        "high": ticker.high,
        "low": ticker.low,
        "baseVolume": ticker.base_volume,
        "quoteVolume": ticker.quote_volume,
    }


def _order_book_dict(book: OrderBook, maximum: int) -> dict[str, Any]:
    return {
        "symbol": book.symbol,
        "bids": [[price, amount] for price, amount in book.bids[:maximum]],
        "asks": [[price, amount] for price, amount in book.asks[:maximum]],
        "timestamp": book.timestamp,
        "datetime": _iso(book.timestamp),
        "nonce": None,
    }


def _iso(timestamp_ms: int | None) -> str | None:
    if not timestamp_ms:
        return None
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
