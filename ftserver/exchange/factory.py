"""Picks the market implementation for an ``exchange`` config section: "sim" or any ccxt exchange id."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftserver.core.clock import Clock
from ftserver.data.timerange import parse_date
from ftserver.errors import ConfigError, InvalidRequest
from ftserver.exchange.base import MarketData
from ftserver.exchange.replay import ReplayMarket
from ftserver.exchange.simulated import DEFAULT_PRICES, SimulatedMarket

if TYPE_CHECKING:
    from ftserver.exchange.ccxt_broker import CcxtBroker


def sim_pairs(exchange_config: Mapping[str, Any]) -> list[str]:
    """The simulated market lists ``sim.pairs`` (or its default pairs) plus every whitelisted pair.

    A whitelisted pair must exist for the bot to trade it, and a market with more pairs than the
    whitelist is what a real exchange looks like. Whitelist entries that are patterns are skipped.
    """
    sim = exchange_config.get("sim") or {}
    listed = list(sim.get("pairs") or [f"{base}/USDT" for base in DEFAULT_PRICES])
    return list(dict.fromkeys(listed + _literal_whitelist(exchange_config)))


def _literal_whitelist(exchange_config: Mapping[str, Any]) -> list[str]:
    return [p for p in exchange_config.get("pair_whitelist") or [] if re.escape(p) == p and "/" in p]


def _replay_datadir(replay: Mapping[str, Any]) -> Path:
    """``replay.datadir`` (validated settings always have it), else the default ``user_data`` folder's."""
    if replay.get("datadir"):
        return Path(replay["datadir"])
    if not replay.get("exchange"):
        raise ConfigError("name the exchange whose stored candles to replay, or set datadir", key="exchange.sim.replay")
    return Path("user_data") / "data" / str(replay["exchange"])


def _replay_market(
    exchange_config: Mapping[str, Any], replay: Mapping[str, Any], clock: Clock | None, fee: float
) -> ReplayMarket:
    """The replayed pairs: ``sim.pairs`` plus the whitelist (every one needs files), else all stored pairs."""
    sim = exchange_config.get("sim") or {}
    try:
        start = parse_date(replay["start"]) if replay.get("start") else None
    except InvalidRequest as exc:
        raise ConfigError(exc.message, key="exchange.sim.replay.start") from None
    return ReplayMarket(
        _replay_datadir(replay),
        pairs=list(dict.fromkeys([*(sim.get("pairs") or []), *_literal_whitelist(exchange_config)])) or None,
        start=start,
        clock=clock,
        fee=fee,
        history_days=int(sim.get("history_days", 30)),
    )


def create_market(
    exchange_config: Mapping[str, Any],
    *,
    clock: Clock | None = None,
    fee: float | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> MarketData:
    name = exchange_config.get("name") or "sim"
    if name == "sim":
        sim = exchange_config.get("sim") or {}
        replay = sim.get("replay")
        if replay and replay.get("enabled", True):
            return _replay_market(exchange_config, replay, clock, 0.001 if fee is None else fee)
        return SimulatedMarket(
            pairs=sim_pairs(exchange_config),
            seed=int(sim.get("seed", 42)),
            volatility=float(sim.get("volatility", 1.0)),
            history_days=int(sim.get("history_days", 30)),
            fee=0.001 if fee is None else fee,
            clock=clock,
        )
    config: dict[str, Any] = {
        "apiKey": exchange_config.get("key"),
        "secret": exchange_config.get("secret"),
        "password": exchange_config.get("password"),
        "uid": exchange_config.get("uid"),
    }
    config.update(exchange_config.get("ccxt_config") or {})
    config.update(exchange_config.get("ccxt_async_config") or {})
    # ccxt costs ~65 MB of memory and a second of start-up: only a real exchange loads it.
    from ftserver.exchange.ccxt_market import CcxtMarket

    return CcxtMarket(name, config=config, on_warning=on_warning)


def create_live_broker(market: MarketData, *, on_warning: Callable[[str], None] | None = None) -> CcxtBroker:
    """The broker that places real orders (it also reads the account): only over a ccxt market.

    ccxt is imported here, not at the top, for the same reason as in ``create_market``."""
    from ftserver.exchange.ccxt_broker import CcxtBroker
    from ftserver.exchange.ccxt_market import CcxtMarket

    if not isinstance(market, CcxtMarket):
        raise ConfigError(f"live trading needs a ccxt exchange, not '{market.id}'", key="exchange.name")
    return CcxtBroker(market, on_warning=on_warning)
