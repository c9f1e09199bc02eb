"""``CcxtMarket``: ``MarketData`` over any exchange ccxt knows, with retries and clean error mapping.

Network trouble (timeouts, rate limits, maintenance) is retried with backoff and reported through
``on_warning``; it surfaces as ``ExchangeUnavailable`` only when every attempt failed. An unknown
symbol is an ``InvalidRequest``; any other exchange refusal an ``ExchangeError``. No raw ccxt
exception leaves this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import ccxt
import ccxt.async_support as ccxt_async

from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import ConfigError, ExchangeError, InvalidRequest
from ftserver.exchange.base import TICK_SIZE, Candle, Market, OrderBook, Ticker
from ftserver.exchange.retry import RetryPolicy, Transient, with_retries

T = TypeVar("T")
_TRANSIENT = (ccxt.NetworkError, ccxt.ExchangeNotAvailable, ccxt.RateLimitExceeded, ccxt.DDoSProtection)


def _tick(value: Any, mode: int) -> float | None:
    if value is None:
        return None
    if mode == TICK_SIZE:
        return float(value)
    return float(10 ** -int(value))  # DECIMAL_PLACES / SIGNIFICANT_DIGITS: digits -> tick size


class CcxtMarket:
    def __init__(
        self,
        exchange_id: str,
        *,
        config: Mapping[str, Any] | None = None,
        retry: RetryPolicy | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        if exchange_id not in ccxt_async.exchanges:
            raise ConfigError(f"ccxt does not know the exchange '{exchange_id}'", key="exchange.name")
        options: dict[str, Any] = {"enableRateLimit": True}
        options.update({k: v for k, v in (config or {}).items() if v not in ("", None)})
        self._exchange: Any = getattr(ccxt_async, exchange_id)(options)
        self._retry = retry or RetryPolicy()
        self._on_warning = on_warning
        self._markets: dict[str, Market] = {}

    @property
    def id(self) -> str:
        return str(self._exchange.id)

    @property
    def markets(self) -> dict[str, Market]:
        return self._markets

    @property
    def timeframes(self) -> list[str]:
        return list((self._exchange.timeframes or {}).keys())

    async def _call(self, describe: str, fn: Callable[[], Awaitable[T]]) -> T:
        async def attempt() -> T:
            try:
                return await fn()
            except _TRANSIENT as exc:
                raise Transient(str(exc) or type(exc).__name__) from exc
            except ccxt.BadSymbol as exc:
                raise InvalidRequest(f"{describe}: {exc}") from exc
            except ccxt.BaseError as exc:
                raise ExchangeError(f"{describe}: {type(exc).__name__}: {exc}") from exc

        return await with_retries(attempt, self._retry, f"{self.id} {describe}", self._on_warning)

    async def load_markets(self, reload: bool = False) -> dict[str, Market]:
        raw = await self._call("load_markets", lambda: self._exchange.load_markets(reload))
        mode = int(getattr(self._exchange, "precisionMode", TICK_SIZE))
        markets = {}
        for symbol, m in raw.items():
            precision = m.get("precision") or {}
            limits = m.get("limits") or {}
            markets[symbol] = Market(
                symbol=symbol,
                base=m.get("base", ""),
                quote=m.get("quote", ""),
                active=m.get("active") is not False,
                spot=bool(m.get("spot", True)),
                amount_precision=_tick(precision.get("amount"), mode),
                price_precision=_tick(precision.get("price"), mode),
                precision_mode=TICK_SIZE,
                min_amount=(limits.get("amount") or {}).get("min"),
                max_amount=(limits.get("amount") or {}).get("max"),
                min_cost=(limits.get("cost") or {}).get("min"),
                maker_fee=float(m.get("maker") or 0.001),
                taker_fee=float(m.get("taker") or 0.001),
                contract=bool(m.get("contract", False)),
                settle=m.get("settle"),
            )
        self._markets = markets
        return markets

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        if since_ms is None:
            rows = await self._call(
                f"fetch_ohlcv {pair}", lambda: self._exchange.fetch_ohlcv(pair, timeframe, None, limit)
            )
            return [list(map(float, r)) for r in rows]
        step = timeframe_to_ms(timeframe)
        collected: dict[int, Candle] = {}
        cursor = since_ms
        while limit is None or len(collected) < limit:
            want = None if limit is None else limit - len(collected)
            page = await self._call(
                f"fetch_ohlcv {pair}", lambda c=cursor, w=want: self._exchange.fetch_ohlcv(pair, timeframe, c, w)
            )
            fresh = [r for r in page if int(r[0]) >= cursor and int(r[0]) not in collected]
            if not fresh:
                break
            for row in fresh:
                collected[int(row[0])] = [float(v) for v in row]
            cursor = int(fresh[-1][0]) + step
        rows = [collected[k] for k in sorted(collected)]
        return rows if limit is None else rows[:limit]

    @staticmethod
    def _ticker(symbol: str, t: Mapping[str, Any]) -> Ticker:
        last = t.get("last") or t.get("close") or t.get("bid") or t.get("ask") or 0.0
        return Ticker(
            symbol=symbol,
            timestamp=int(t.get("timestamp") or 0),
            last=float(last),
            bid=t.get("bid"),
            ask=t.get("ask"),
            high=t.get("high"),
            low=t.get("low"),
            base_volume=t.get("baseVolume"),
            quote_volume=t.get("quoteVolume"),
        )

    async def fetch_ticker(self, pair: str) -> Ticker:
        raw = await self._call(f"fetch_ticker {pair}", lambda: self._exchange.fetch_ticker(pair))
        return self._ticker(pair, raw)

    async def fetch_tickers(self, pairs: list[str] | None = None) -> dict[str, Ticker]:
        if self._exchange.has.get("fetchTickers"):
            raw = await self._call("fetch_tickers", lambda: self._exchange.fetch_tickers(pairs))
            return {s: self._ticker(s, t) for s, t in raw.items() if pairs is None or s in pairs}
        return {pair: await self.fetch_ticker(pair) for pair in pairs or list(self._markets)}

    async def fetch_order_book(self, pair: str, limit: int = 20) -> OrderBook:
        raw = await self._call(f"fetch_order_book {pair}", lambda: self._exchange.fetch_order_book(pair, limit))
        return OrderBook(
            symbol=pair,
            timestamp=int(raw.get("timestamp") or 0),
            bids=[(float(p), float(a)) for p, a, *_ in raw.get("bids", [])],
            asks=[(float(p), float(a)) for p, a, *_ in raw.get("asks", [])],
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._exchange.close()
