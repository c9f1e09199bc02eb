"""Picks the market implementation for an ``exchange`` config section: "sim" or any ccxt exchange id."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ftserver.core.clock import Clock
from ftserver.exchange.base import MarketData
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.simulated import DEFAULT_PRICES, SimulatedMarket


def sim_pairs(exchange_config: Mapping[str, Any]) -> list[str]:
    """The simulated market lists ``sim.pairs`` (or its default pairs) plus every whitelisted pair.

    A whitelisted pair must exist for the bot to trade it, and a market with more pairs than the
    whitelist is what a real exchange looks like. Whitelist entries that are patterns are skipped.
    """
    sim = exchange_config.get("sim") or {}
    listed = list(sim.get("pairs") or [f"{base}/USDT" for base in DEFAULT_PRICES])
    literal = [p for p in exchange_config.get("pair_whitelist") or [] if re.escape(p) == p and "/" in p]
    return list(dict.fromkeys(listed + literal))


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
    return CcxtMarket(name, config=config, on_warning=on_warning)
