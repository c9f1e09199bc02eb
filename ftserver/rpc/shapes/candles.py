"""Shapes of the candle and market answers: analyzed candles (``/pair_candles``, ``/pair_history``) and markets.

A frame's columns are the strategy's own, so the candle rows are an open list (values in the
order of ``columns``) rather than a dataclass per row.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

import orjson

from ftserver.rpc.shapes import choices, described, documented_as, shape


@shape
class PairCandles:
    """An analyzed frame: ``/pair_candles`` (live) and ``/pair_history`` (stored candles)."""

    strategy: str
    pair: str
    timeframe: str
    timeframe_ms: int
    columns: list[str] = field(metadata=described("the names of each data row's values"))
    all_columns: list[str] = field(metadata=described("every column the analysis produced"))
    # pandas writes the rows as JSON text: embedded as is.
    data: orjson.Fragment = field(
        metadata=documented_as(list[list[Any]], "one row per candle, values in the order of columns; NaN is null")
    )
    annotations: list[dict[str, Any]]
    length: int
    buy_signals: int
    sell_signals: int
    enter_long_signals: int
    exit_long_signals: int
    enter_short_signals: int
    exit_short_signals: int
    last_analyzed: str
    last_analyzed_ts: int
    data_start_ts: int
    data_start: str
    data_stop: str
    data_stop_ts: int


@shape
class MarketPrecision:
    amount: float | None
    price: float | None


@shape
class MinMax:
    min: float | None
    max: float | None


@shape
class MarketLimits:
    amount: MinMax
    cost: MinMax


@shape
class Market:
    symbol: str
    base: str
    quote: str
    active: bool
    spot: bool
    swap: bool
    type: str = field(metadata=choices(["spot", "swap"]))
    settle: str | None
    precision: MarketPrecision
    limits: MarketLimits
    maker: float
    taker: float


@shape
class Markets:
    markets: dict[str, Market]
    exchange_id: str


@shape
class Timeframes:
    """What a chart may ask /pair_candles for: the exchange's timeframes, and the one the strategy analyzes."""

    timeframes: list[str]
    strategy_timeframe: str
    exchange_id: str


# A strategy's ``plot_config`` passes through as the strategy wrote it (``{}`` without one): its
# two keys are each optional, which a dataclass (every field always sent) cannot say. Documented
# by this JSON schema instead.
PlotConfig = dict[str, Any]
_PLOT_LINES = {
    "type": "object",
    "description": "indicator name -> its plot options (color, type, ...)",
    "additionalProperties": {"type": "object"},
}
PLOT_CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A strategy's plot_config; {} when it has none",
    "properties": {
        "main_plot": _PLOT_LINES,
        "subplots": {"type": "object", "description": "per pane", "additionalProperties": _PLOT_LINES},
    },
    "additionalProperties": False,
}
