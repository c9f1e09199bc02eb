"""Shapes of the trade routes: open trades, /trades rows and pages, orders, custom data, deletions and exits.

Two trade shapes, as freqtrade has them: ``OpenTrade`` (``/status``, ``/trade/{id}`` and the routes
that answer with one changed trade: current profit, stoploss distances, orders in the short shape)
and ``HistoryTrade`` (the rows of ``/trades``: stored values only, orders in the long shape).
Fields are in freqtrade's key order, which the JSON keeps.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

import orjson

from ftserver.models import OrderSide, OrderStatus, OrderType, TradingMode
from ftserver.rpc.shapes import choices, described, documented_as, shape


@shape
class Order:
    """An order as ``/status`` and ``/trade/{id}`` list it."""

    pair: str
    order_id: str
    status: str = field(metadata=choices(OrderStatus))
    remaining: float | None
    amount: float
    safe_price: float | None
    cost: float
    filled: float
    ft_order_side: str = field(metadata=choices(OrderSide))
    order_type: str = field(metadata=choices(OrderType))
    is_open: bool
    order_timestamp: int | None
    order_filled_timestamp: int | None
    ft_fee_base: float | None
    ft_order_tag: str | None


@shape
class HistoryOrder:
    """An order as the rows of ``/trades`` list it."""

    amount: float
    safe_price: float | None
    ft_order_side: str = field(metadata=choices(OrderSide))
    order_filled_timestamp: int | None
    ft_is_entry: bool
    ft_order_tag: str | None
    cost: float
    pair: str
    order_id: str
    status: str = field(metadata=choices(OrderStatus))
    average: float
    filled: float
    is_open: bool
    order_date: str | None
    order_timestamp: int | None
    order_filled_date: str | None
    order_type: str = field(metadata=choices(OrderType))
    price: float | None
    remaining: float | None
    ft_fee_base: float | None
    funding_fee: float


@shape
class OpenTrade:
    """A trade with its current profit."""

    trade_id: int
    pair: str
    base_currency: str
    quote_currency: str
    is_open: bool
    is_short: bool
    exchange: str
    amount: float
    amount_requested: float | None
    stake_amount: float
    max_stake_amount: float | None
    strategy: str
    enter_tag: str | None
    timeframe: int
    fee_open: float
    fee_open_cost: float | None
    fee_open_currency: str | None
    fee_close: float
    fee_close_cost: float | None
    fee_close_currency: str | None
    open_date: str
    open_timestamp: int
    open_fill_date: str | None
    open_fill_timestamp: int | None
    open_rate: float
    open_rate_requested: float | None
    open_trade_value: float
    close_date: str | None
    close_timestamp: int | None
    close_rate: float | None
    close_rate_requested: float | None
    close_profit: float | None
    close_profit_pct: float | None
    close_profit_abs: float | None
    profit_ratio: float | None
    profit_pct: float | None
    profit_abs: float | None
    profit_fiat: float | None
    realized_profit: float
    realized_profit_ratio: float | None
    exit_reason: str | None
    exit_order_status: str | None
    stop_loss_abs: float | None
    stop_loss_ratio: float | None
    stop_loss_pct: float | None
    stoploss_last_update: str | None
    stoploss_last_update_timestamp: int | None
    initial_stop_loss_abs: float | None
    initial_stop_loss_ratio: float | None
    initial_stop_loss_pct: float | None
    min_rate: float | None
    max_rate: float | None
    nr_of_successful_entries: int
    nr_of_successful_exits: int
    has_open_orders: bool
    orders: list[Order]
    leverage: float
    interest_rate: float
    liquidation_price: float | None
    funding_fees: float | None
    trading_mode: str = field(metadata=choices(TradingMode))
    amount_precision: float | None
    price_precision: float | None
    precision_mode: int | None
    stoploss_current_dist: float | None
    stoploss_current_dist_pct: float | None
    stoploss_current_dist_ratio: float | None
    stoploss_entry_dist: float | None
    stoploss_entry_dist_ratio: float | None
    current_rate: float | None
    total_profit_abs: float
    total_profit_fiat: float | None
    total_profit_ratio: float | None
    open_order: str | None = field(metadata=described("the open orders described in one line (pre-2023 clients)"))


@shape
class HistoryTrade:
    """A row of ``/trades``: stored values only."""

    trade_id: int
    pair: str
    base_currency: str
    quote_currency: str
    is_open: bool
    exchange: str
    amount: float
    amount_requested: float | None
    stake_amount: float
    max_stake_amount: float | None
    strategy: str
    enter_tag: str | None
    timeframe: int
    fee_open: float
    fee_open_cost: float | None
    fee_open_currency: str | None
    fee_close: float
    fee_close_cost: float | None
    fee_close_currency: str | None
    open_date: str
    open_timestamp: int
    open_fill_date: str | None
    open_fill_timestamp: int | None
    open_rate: float
    open_rate_requested: float | None
    open_trade_value: float
    close_date: str | None
    close_timestamp: int | None
    realized_profit: float
    realized_profit_ratio: float | None
    close_rate: float | None
    close_rate_requested: float | None
    close_profit: float | None
    close_profit_pct: float | None
    close_profit_abs: float | None
    trade_duration_s: int | None
    trade_duration: int | None
    profit_ratio: float | None
    profit_pct: float | None
    profit_abs: float | None
    exit_reason: str | None
    exit_order_status: str | None
    stop_loss_abs: float | None
    stop_loss_ratio: float | None
    stop_loss_pct: float | None
    stoploss_last_update: str | None
    stoploss_last_update_timestamp: int | None
    initial_stop_loss_abs: float | None
    initial_stop_loss_ratio: float | None
    initial_stop_loss_pct: float | None
    min_rate: float | None
    max_rate: float | None
    leverage: float
    interest_rate: float
    liquidation_price: float | None
    is_short: bool
    trading_mode: str = field(metadata=choices(TradingMode))
    funding_fees: float | None
    amount_precision: float | None
    price_precision: float | None
    precision_mode: int | None
    precision_mode_price: int | None
    contract_size: float
    nr_of_successful_entries: int
    nr_of_successful_exits: int
    has_open_orders: bool
    orders: list[HistoryOrder]


@shape
class TradesPage:
    # A closed trade's row is kept encoded (per version of the trade) and embedded as is.
    trades: list[HistoryTrade | orjson.Fragment] = field(metadata=documented_as(list[HistoryTrade]))
    trades_count: int
    offset: int
    total_trades: int


@shape
class DeleteTrade:
    result: str
    result_msg: str
    trade_id: int
    cancel_order_count: int


@shape
class ForceExitResult:
    result: str


_NAIVE_UTC = "UTC without an offset, ISO 8601 (2026-12-05T07:29:51.598000), as freqtrade writes it"


@shape
class CustomData:
    key: str
    type: str = field(metadata=described("the Python type name of the stored value"))
    value: Any
    created_at: str = field(metadata=described(_NAIVE_UTC))
    updated_at: str | None = field(metadata=described(_NAIVE_UTC))


@shape
class TradeCustomData:
    """One trade's custom data in ``/trades/open/custom-data`` and ``/trades/{id}/custom-data``."""

    trade_id: int
    custom_data: list[CustomData]
