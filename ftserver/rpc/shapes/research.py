"""Shapes of the research answers, served in trade and webserver mode: strategies, stored pairs, exchanges."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ftserver.rpc.shapes import described, shape


@shape
class StrategyList:
    strategies: list[str]


@shape
class Strategy:
    strategy: str
    code: str = field(metadata=described("the strategy file's source"))
    timeframe: str | None
    # A parameter's attributes depend on its kind (int, decimal, categorical, boolean): open mappings.
    params: list[dict[str, Any]]


@shape
class AvailablePairs:
    length: int
    pairs: list[str]
    pair_interval: list[tuple[str, str]] = field(metadata=described("[pair, timeframe] of each stored file"))


@shape
class TradeMode:
    trading_mode: str
    margin_mode: str


@shape
class Exchange:
    name: str
    classname: str
    valid: bool
    supported: bool
    comment: str
    dex: bool
    is_alias: bool
    alias_for: str | None
    trade_modes: list[TradeMode]


@shape
class Exchanges:
    exchanges: list[Exchange]
