"""``CcxtMarket``: ``MarketData`` over any exchange ccxt knows, with retries and clean error mapping.

Network trouble (timeouts, rate limits, maintenance) is retried with backoff and reported through
``on_warning``; it surfaces as ``ExchangeUnavailable`` only when every attempt failed. An unknown
symbol or an order the exchange refuses is an ``InvalidRequest``, too little money a ``Conflict``;
any other exchange refusal an ``ExchangeError``. No raw ccxt exception leaves this module (or
``CcxtBroker``, which places orders through ``call``).
"""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import ccxt
import ccxt.async_support as ccxt_async

from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import ConfigError, Conflict, ExchangeError, InvalidRequest
from ftserver.exchange.base import TICK_SIZE, Candle, Market, OrderBook, Ticker
from ftserver.exchange.retry import RetryPolicy, Transient, with_retries

T = TypeVar("T")
_TRANSIENT = (ccxt.NetworkError, ccxt.ExchangeNotAvailable, ccxt.RateLimitExceeded, ccxt.DDoSProtection)
DEFAULT_PAGE_SIZE = 500
# The bot trades spot only: without these, binance's load_markets also calls the futures and margin APIs.
_SPOT_ONLY_OPTIONS: dict[str, dict[str, Any]] = {
    "binance": {"defaultType": "spot", "fetchMarkets": {"types": ["spot"]}, "fetchMargins": False},
}


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def precision_to_tick(value: Any, mode: int) -> float | None:
    """A ccxt precision value as a tick size. ``None`` when unknown.

    Significant digits give no fixed tick (it depends on the price), so they also yield ``None``.
    """
    if value is None:
        return None
    if mode == TICK_SIZE:
        return float(value)
    if mode == ccxt.DECIMAL_PLACES:
        return float(10 ** -int(value))
    return None


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
        spot_only = copy.deepcopy(_SPOT_ONLY_OPTIONS.get(exchange_id, {}))  # ccxt writes into its options
        defaults: dict[str, Any] = {"enableRateLimit": True, "options": spot_only}
        given = {k: v for k, v in (config or {}).items() if v not in ("", None)}
        try:
            self._exchange: Any = getattr(ccxt_async, exchange_id)(_merge(defaults, given))
        except ccxt.BaseError as exc:
            raise ConfigError(f"ccxt refused the settings for '{exchange_id}': {exc}", key="exchange") from exc
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

    @property
    def client(self) -> Any:
        """The ccxt exchange object. ``CcxtBroker`` shares it: one connection pool, one rate limiter."""
        return self._exchange

    async def call(self, describe: str, fn: Callable[[], Awaitable[T]], *, retry: bool = True) -> T:
        """Run one ccxt call with the error mapping, and with retries unless ``retry`` is False.

        Calls that must not run twice (placing an order) pass ``retry=False``: a network failure then
        raises ``ExchangeUnavailable`` at once, and the caller decides how to find out what happened.
        """

        async def attempt() -> T:
            try:
                return await fn()
            except _TRANSIENT as exc:
                raise Transient(str(exc) or type(exc).__name__) from exc
            except ccxt.InsufficientFunds as exc:
                raise Conflict(f"{describe}: not enough balance on {self.id}: {exc}") from exc
            except ccxt.OrderNotFound as exc:
                raise ExchangeError(f"{describe}: {self.id} does not know the order: {exc}") from exc
            except (ccxt.BadSymbol, ccxt.InvalidOrder, ccxt.BadRequest) as exc:
                raise InvalidRequest(f"{describe}: {exc}") from exc
            except ccxt.BaseError as exc:
                raise ExchangeError(f"{describe}: {type(exc).__name__}: {exc}") from exc

        policy = self._retry if retry else RetryPolicy(attempts=1)
        return await with_retries(attempt, policy, f"{self.id} {describe}", self._on_warning)

    async def load_markets(self, reload: bool = False) -> dict[str, Market]:
        raw = await self.call("load_markets", lambda: self._exchange.load_markets(reload))
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
                amount_precision=precision_to_tick(precision.get("amount"), mode),
                price_precision=precision_to_tick(precision.get("price"), mode),
                precision_mode=TICK_SIZE,
                min_amount=(limits.get("amount") or {}).get("min"),
                max_amount=(limits.get("amount") or {}).get("max"),
                min_cost=(limits.get("cost") or {}).get("min"),
                max_cost=(limits.get("cost") or {}).get("max"),
                maker_fee=0.001 if m.get("maker") is None else float(m["maker"]),
                taker_fee=0.001 if m.get("taker") is None else float(m["taker"]),
                contract=bool(m.get("contract", False)),
                settle=m.get("settle"),
            )
        self._markets = markets
        return markets

    @property
    def page_size(self) -> int:
        """Most candles one OHLCV request returns (ccxt's ``features``; 500 when it does not say)."""
        features = (self._exchange.features or {}).get("spot") or {}
        return int((features.get("fetchOHLCV") or {}).get("limit") or DEFAULT_PAGE_SIZE)

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        """Candles oldest first. Requests larger than one exchange page are fetched page by page."""
        if since_ms is not None:
            return await self._paginate(pair, timeframe, since_ms, limit)
        want = None if limit is None else min(limit, self.page_size)
        latest = await self.call(
            f"fetch_ohlcv {pair} {timeframe}", lambda: self._exchange.fetch_ohlcv(pair, timeframe, None, want)
        )
        rows = [[float(v) for v in r[:6]] for r in latest]
        if limit is None or len(rows) >= limit or not rows or (want is not None and len(rows) < want):
            return rows if limit is None else rows[-limit:]
        # The newest page is in; fetch the older part forwards from where it must start (the exchange's
        # clock decides what "newest" is, not ours).
        first = int(rows[0][0])
        missing = limit - len(rows)
        older = await self._paginate(pair, timeframe, first - missing * timeframe_to_ms(timeframe), missing)
        return [r for r in older if r[0] < first] + rows

    async def _paginate(self, pair: str, timeframe: str, since_ms: int, limit: int | None) -> list[Candle]:
        step = timeframe_to_ms(timeframe)
        collected: dict[int, Candle] = {}
        cursor = since_ms
        while limit is None or len(collected) < limit:
            want = self.page_size if limit is None else min(self.page_size, limit - len(collected))
            page = await self.call(
                f"fetch_ohlcv {pair} {timeframe}",
                functools.partial(self._exchange.fetch_ohlcv, pair, timeframe, cursor, want),
            )
            fresh = [r for r in page if int(r[0]) >= cursor and int(r[0]) not in collected]
            if not fresh:
                break  # past the newest candle (or the exchange repeats itself): done
            for row in fresh:
                collected[int(row[0])] = [float(v) for v in row[:6]]
            cursor = max(int(r[0]) for r in fresh) + step
        rows = [collected[k] for k in sorted(collected)]
        return rows if limit is None else rows[:limit]

    def _ticker(self, symbol: str, t: Mapping[str, Any]) -> Ticker:
        last = t.get("last") or t.get("close") or t.get("bid") or t.get("ask") or 0.0
        return Ticker(
            symbol=symbol,
            timestamp=int(t.get("timestamp") or self._exchange.milliseconds()),
            last=float(last),
            bid=t.get("bid"),
            ask=t.get("ask"),
            high=t.get("high"),
            low=t.get("low"),
            base_volume=t.get("baseVolume"),
            quote_volume=t.get("quoteVolume"),
            percentage=t.get("percentage"),
        )

    async def fetch_ticker(self, pair: str) -> Ticker:
        raw = await self.call(f"fetch_ticker {pair}", lambda: self._exchange.fetch_ticker(pair))
        return self._ticker(pair, raw)

    async def fetch_tickers(self, pairs: list[str] | None = None) -> dict[str, Ticker]:
        if self._exchange.has.get("fetchTickers"):
            raw = await self.call("fetch_tickers", lambda: self._exchange.fetch_tickers(pairs))
            return {s: self._ticker(s, t) for s, t in raw.items() if pairs is None or s in pairs}
        return {pair: await self.fetch_ticker(pair) for pair in pairs or list(self._markets)}

    async def fetch_order_book(self, pair: str, limit: int = 20) -> OrderBook:
        raw = await self.call(f"fetch_order_book {pair}", lambda: self._exchange.fetch_order_book(pair, limit))
        return OrderBook(
            symbol=pair,
            timestamp=int(raw.get("timestamp") or self._exchange.milliseconds()),
            bids=[(float(p), float(a)) for p, a, *_ in raw.get("bids", [])],
            asks=[(float(p), float(a)) for p, a, *_ in raw.get("asks", [])],
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._exchange.close()
