"""Picks the market implementation for an ``exchange`` config section: "sim" or any ccxt exchange id."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftserver.config.fields import thaw
from ftserver.config.sections import ExchangeSettings, ReplaySettings
from ftserver.core.clock import Clock
from ftserver.data.timerange import parse_date
from ftserver.errors import ConfigError, InvalidRequest
from ftserver.exchange.base import MarketData
from ftserver.exchange.replay import ReplayMarket
from ftserver.exchange.simulated import SimulatedMarket, default_pairs

if TYPE_CHECKING:
    from ftserver.exchange.ccxt_broker import CcxtBroker


def sim_pairs(exchange: ExchangeSettings) -> list[str]:
    """The simulated market lists ``sim.pairs`` (or its default pairs) plus every whitelisted pair.

    A whitelisted pair must exist for the bot to trade it, and a market with more pairs than the
    whitelist is what a real exchange looks like. Whitelist entries that are patterns are skipped.
    """
    listed = list(exchange.sim.pairs or default_pairs())
    return list(dict.fromkeys(listed + _literal_whitelist(exchange)))


def _literal_whitelist(exchange: ExchangeSettings) -> list[str]:
    return [p for p in exchange.pair_whitelist if re.escape(p) == p and "/" in p]


def _replay_datadir(replay: ReplaySettings) -> Path:
    """``replay.datadir`` (validated settings always have it), else the default ``user_data`` folder's."""
    if replay.datadir:
        return Path(replay.datadir)
    if not replay.exchange:
        raise ConfigError("name the exchange whose stored candles to replay, or set datadir", key="exchange.sim.replay")
    return Path("user_data") / "data" / replay.exchange


def _replay_market(exchange: ExchangeSettings, replay: ReplaySettings, clock: Clock | None, fee: float) -> ReplayMarket:
    """The replayed pairs: ``sim.pairs`` plus the whitelist (every one needs files), else all stored pairs."""
    try:
        start = parse_date(replay.start) if replay.start else None
    except InvalidRequest as exc:
        raise ConfigError(exc.message, key="exchange.sim.replay.start") from None
    return ReplayMarket(
        _replay_datadir(replay),
        pairs=list(dict.fromkeys([*(exchange.sim.pairs or ()), *_literal_whitelist(exchange)])) or None,
        start=start,
        clock=clock,
        fee=fee,
        history_days=exchange.sim.history_days,
    )


def create_market(
    exchange: ExchangeSettings,
    *,
    clock: Clock | None = None,
    fee: float | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> MarketData:
    if exchange.name == "sim":
        sim = exchange.sim
        if sim.replay and sim.replay.enabled:
            return _replay_market(exchange, sim.replay, clock, 0.001 if fee is None else fee)
        return SimulatedMarket(
            pairs=sim_pairs(exchange),
            seed=sim.seed,
            volatility=sim.volatility,
            history_days=sim.history_days,
            fee=0.001 if fee is None else fee,
            clock=clock,
        )
    config: dict[str, Any] = {
        "apiKey": exchange.key,
        "secret": exchange.secret,
        "password": exchange.password,
        "uid": exchange.uid,
    }
    # ccxt merges and edits its options: it gets plain, private copies of the read-only settings.
    config.update(thaw(exchange.ccxt_config))
    config.update(thaw(exchange.ccxt_async_config))
    # ccxt costs ~65 MB of memory and a second of start-up: only a real exchange loads it.
    from ftserver.exchange.ccxt_market import CcxtMarket

    return CcxtMarket(exchange.name, config=config, on_warning=on_warning)


def create_live_broker(market: MarketData, *, on_warning: Callable[[str], None] | None = None) -> CcxtBroker:
    """The broker that places real orders (it also reads the account): only over a ccxt market.

    ccxt is imported here, not at the top, for the same reason as in ``create_market``."""
    from ftserver.exchange.ccxt_broker import CcxtBroker
    from ftserver.exchange.ccxt_market import CcxtMarket

    if not isinstance(market, CcxtMarket):
        raise ConfigError(f"live trading needs a ccxt exchange, not '{market.id}'", key="exchange.name")
    return CcxtBroker(market, on_warning=on_warning)
