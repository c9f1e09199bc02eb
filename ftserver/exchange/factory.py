"""Picks the market implementation for an ``exchange`` config section: "sim" or any ccxt exchange id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ftserver.core.clock import Clock
from ftserver.exchange.base import MarketData
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.simulated import SimulatedMarket


def create_market(
    exchange_config: Mapping[str, Any],
    *,
    clock: Clock | None = None,
    fee: float | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> MarketData:
    name = exchange_config["name"]
    if name == "sim":
        sim = exchange_config.get("sim") or {}
        return SimulatedMarket(
            pairs=sim.get("pairs") or exchange_config.get("pair_whitelist") or None,
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
