"""Which pairs the bot trades: the pairlist chain's answer (or, in consumer mode, the producers'
whitelists), less the blacklist, limited to listed markets. A change is announced on the bus.

The configured pairs, the chain and the blacklist come from the settings and are built again on a
config reload; the producers' whitelists and the current whitelist carry over.
"""

from __future__ import annotations

import logging
from datetime import datetime

from ftserver.bot.pairlist import Pairlist
from ftserver.bot.pairlists.chain import PairlistChain, candle_reader, options_of
from ftserver.bot.pairlists.handler import PairlistContext
from ftserver.config import Settings
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.errors import ExchangeError, ExchangeUnavailable
from ftserver.exchange.base import MarketData
from ftserver.models import Trade
from ftserver.persistence.trades import TradeRepository

log = logging.getLogger(__name__)


class WhitelistKeeper:
    def __init__(
        self, settings: Settings, market: MarketData, repo: TradeRepository, bus: MessageBus, clock: Clock
    ) -> None:
        self.market = market
        self.repo = repo
        self.bus = bus
        self.clock = clock
        self.current: list[str] = []
        # Consumer mode: the producers' whitelists replace the configured one (blacklist still applies).
        self.external: dict[str, list[str]] = {}
        self._closed_trades: tuple[int, list[Trade]] | None = None  # (repository version, trades)
        self.configure(settings)

    def configure(self, settings: Settings) -> None:
        self.settings = settings
        self.pairlist = Pairlist(
            settings.exchange.pair_whitelist,
            settings.exchange.pair_blacklist,
            max_entries=settings.exchange.max_blacklist_entries,
            max_pattern_length=settings.exchange.max_blacklist_pattern_length,
        )
        self.chain = PairlistChain(options_of(settings.pairlists), blacklist=self.pairlist.blacklist)
        self._chain_pairs: list[str] = list(self.pairlist.configured)

    def set_external(self, producer: str, pairs: list[str]) -> None:
        """A producer's whitelist (consumer mode), applied at once."""
        self.external[producer] = list(pairs)
        self.apply()

    async def evaluate_chain(self, *, timeframe: str, stoploss: float, open_trade_count: int) -> None:
        """Run the pairlist chain; on an exchange failure the previous answer stays."""
        now = self.clock.now()
        try:
            ctx = PairlistContext(
                now=now,
                stake_currency=self.settings.stake_currency,
                configured=self.settings.exchange.pair_whitelist,
                markets=self.market.markets,
                tickers=await self.chain.tickers(self.market, now),
                read_candles=candle_reader(self.market, now),
                timeframe=timeframe,
                stoploss=stoploss,
                max_open_trades=self.settings.max_open_trades,
                open_trade_count=open_trade_count,
                performance=self._pair_performance,
                producer_pairs=self.external,
            )
            self._chain_pairs = await self.chain.evaluate(ctx)
        except (ExchangeError, ExchangeUnavailable) as exc:
            log.warning("Pairlist refresh failed, the whitelist stays as it was: %s", exc)

    def apply(self) -> None:
        """Work out the whitelist from the chain's (or the producers') pairs; announce it when it changed."""
        if self.external and not self.chain.follows_producers:
            followed = list(dict.fromkeys(p for pairs in self.external.values() for p in pairs))
            whitelist = Pairlist(followed, self.pairlist.blacklist).whitelist(self.market.markets.keys())
        else:
            whitelist = Pairlist(self._chain_pairs, self.pairlist.blacklist).whitelist(self.market.markets.keys())
        if whitelist != self.current:
            self.current = whitelist
            self.bus.publish(messages.whitelist(whitelist))

    async def _pair_performance(self, since: datetime | None) -> dict[str, tuple[float, int]]:
        # PerformanceFilter asks every iteration; the closed trades are read again only when one changed.
        version = self.repo.closed_trades_version()
        if self._closed_trades is None or self._closed_trades[0] != version:
            self._closed_trades = (version, await self.repo.closed_trades())
        results: dict[str, tuple[float, int]] = {}
        for trade in self._closed_trades[1]:
            if since is None or (trade.close_date is not None and trade.close_date >= since):
                profit, count = results.get(trade.pair, (0.0, 0))
                results[trade.pair] = (profit + (trade.close_profit or 0.0), count + 1)
        return results
