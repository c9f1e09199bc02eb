"""The exchange ports as the bot sees them, each call timed and each failure counted by method.

The composition root wraps whichever adapters it picked (simulated, replayed, ccxt, paper), so every
adapter is measured the same way in one place, and no adapter carries timing code of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from ftserver.core.instruments import Instruments
from ftserver.exchange.base import Account, Broker, Market, MarketData

P = ParamSpec("P")
T = TypeVar("T")


def _timed(
    instruments: Instruments, method: str, call: Callable[P, Coroutine[Any, Any, T]]
) -> Callable[P, Coroutine[Any, Any, T]]:
    async def measured(*args: P.args, **kwargs: P.kwargs) -> T:
        started = time.perf_counter()
        try:
            return await call(*args, **kwargs)
        except Exception as exc:
            instruments.exchange_errors.add(method, type(exc).__name__)
            raise
        finally:
            instruments.exchange_calls.observe(time.perf_counter() - started, method)

    return measured


class MeasuredMarket:
    """``MarketData`` around another one; ``close`` is not a call to the exchange and is not measured."""

    def __init__(self, market: MarketData, instruments: Instruments) -> None:
        self.inner = market
        self.load_markets = _timed(instruments, "load_markets", market.load_markets)
        self.fetch_ohlcv = _timed(instruments, "fetch_ohlcv", market.fetch_ohlcv)
        self.fetch_ticker = _timed(instruments, "fetch_ticker", market.fetch_ticker)
        self.fetch_tickers = _timed(instruments, "fetch_tickers", market.fetch_tickers)
        self.fetch_order_book = _timed(instruments, "fetch_order_book", market.fetch_order_book)

    @property
    def id(self) -> str:
        return self.inner.id

    @property
    def markets(self) -> dict[str, Market]:
        return self.inner.markets

    @property
    def timeframes(self) -> list[str]:
        return self.inner.timeframes

    async def close(self) -> None:
        await self.inner.close()


class MeasuredBroker:
    """``Broker`` around another one."""

    def __init__(self, broker: Broker, instruments: Instruments) -> None:
        self.inner = broker
        self.place_order = _timed(instruments, "place_order", broker.place_order)
        self.find_order = _timed(instruments, "find_order", broker.find_order)
        self.refresh_order = _timed(instruments, "refresh_order", broker.refresh_order)
        self.cancel_order = _timed(instruments, "cancel_order", broker.cancel_order)

    async def close(self) -> None:
        await self.inner.close()


class MeasuredAccount:
    """``Account`` around another one (live trading: the same ccxt adapter as the broker)."""

    def __init__(self, account: Account, instruments: Instruments) -> None:
        self.fetch_balance = _timed(instruments, "fetch_balance", account.fetch_balance)


def _conforms(market: MeasuredMarket, broker: MeasuredBroker, account: MeasuredAccount) -> None:
    """Never called: lets the type checker prove each wrapper still is the port it stands for."""
    _market: MarketData = market
    _broker: Broker = broker
    _account: Account = account
