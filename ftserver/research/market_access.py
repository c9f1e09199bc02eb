"""Markets outside the trading loop (webserver mode): the configured exchange, or another one a request names.

Another exchange than the configured one gets no credentials: only public data is read from it.
``MarketCatalog`` keeps each exchange's market list for ``exchange.markets_refresh_interval`` minutes,
so ``/markets`` does not load an exchange's thousands of markets on every call.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from ftserver.config import Settings
from ftserver.config.sections import ExchangeSettings
from ftserver.core.clock import Clock
from ftserver.data.history import CandleStore, candle_store_for
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Market, MarketData
from ftserver.exchange.factory import create_market

log = logging.getLogger(__name__)

# Exchanges whose market lists are kept at once: the configured one and a few a user looked at.
MAX_CATALOGS = 8


def exchange_settings(settings: Settings, name: str | None) -> ExchangeSettings:
    """The configured exchange section, or one for exchange ``name`` without credentials."""
    configured = settings.exchange
    if not name or name == configured.name:
        return configured
    if name != "sim":
        import ccxt  # only its list of ids: loaded when a request names another exchange

        if name not in ccxt.exchanges:
            raise InvalidRequest(f"exchange: '{name}' is not an exchange this server knows")
    return dataclasses.replace(
        configured, name=name, key="", secret="", password="", uid="", ccxt_config={}, ccxt_async_config={}
    )


def open_market(settings: Settings, exchange: ExchangeSettings, clock: Clock) -> MarketData:
    return create_market(exchange, clock=clock, fee=settings.fee)


def candle_store(settings: Settings, exchange: ExchangeSettings) -> CandleStore:
    """Where the candles of ``exchange`` are kept: the configured datadir for the configured exchange."""
    if exchange.name == settings.exchange.name:
        return candle_store_for(settings)
    return CandleStore(Path(settings.user_data_dir) / "data" / exchange.name, settings.dataformat_ohlcv)


class MarketCatalog:
    """Market lists per exchange, loaded in the caller's thread (blocking: call it through a worker thread)."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[datetime, str, dict[str, Market]]] = {}
        # How many times markets were loaded from an exchange (tests read it).
        self.loads = 0

    def markets(self, name: str | None) -> tuple[str, dict[str, Market]]:
        """(exchange id, its markets)."""
        exchange = exchange_settings(self.settings, name)
        ttl = timedelta(minutes=exchange.markets_refresh_interval)
        with self._lock:  # two requests for the same exchange load it once
            now = self.clock.now()
            kept = self._kept.get(exchange.name)
            if kept is not None and now - kept[0] < ttl:
                return kept[1], kept[2]
            exchange_id, markets = asyncio.run(self._load(exchange))
            self.loads += 1
            self._kept.pop(exchange.name, None)
            self._kept[exchange.name] = (now, exchange_id, markets)
            while len(self._kept) > MAX_CATALOGS:
                del self._kept[next(iter(self._kept))]
            return exchange_id, markets

    async def _load(self, exchange: ExchangeSettings) -> tuple[str, dict[str, Market]]:
        market = open_market(self.settings, exchange, self.clock)
        try:
            return market.id, dict(await market.load_markets())
        finally:
            await market.close()


def markets_for_backtest(catalog: MarketCatalog, pairs: Sequence[str]) -> dict[str, Market]:
    """The configured exchange's markets of ``pairs``, for a backtest's amount steps, limits and fee;
    empty (with a warning) when the exchange cannot be reached, so a backtest still runs offline."""
    try:
        _, markets = catalog.markets(None)
    except Exception as exc:  # any exchange failure: the backtest goes on without its markets
        log.warning("No exchange markets for the backtest (%s): amounts are not rounded to its steps", exc)
        return {}
    return {pair: markets[pair] for pair in pairs if pair in markets}
