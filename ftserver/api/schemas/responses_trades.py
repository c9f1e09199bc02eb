"""Response schemas of the trade routes: open trades, history rows, orders, custom data, forced exits.

Two trade shapes, as ``rpc.trade_view`` builds them: ``OpenTradeSchema`` for ``/status``,
``/trade/{id}`` and the routes that answer with one changed trade; ``TradeHistorySchema`` for the
rows of ``/trades``. The keys both carry are declared once in ``_TradeSchema``.
"""

from __future__ import annotations

from marshmallow import fields

from ftserver.api.schemas.responses import (
    TRADING_MODES,
    ResponseSchema,
    integer,
    nullable_float,
    nullable_int,
    nullable_str,
    one_of,
)
from ftserver.models import OrderSide, OrderStatus, OrderType

_ORDER_STATUS = one_of(OrderStatus)
_ORDER_SIDE = one_of(OrderSide)
_ORDER_TYPE = one_of(OrderType)


class _OrderSchema(ResponseSchema):
    pair = fields.String()
    order_id = fields.String()
    status = fields.String(validate=_ORDER_STATUS)
    remaining = nullable_float()
    amount = fields.Float()
    safe_price = nullable_float()
    cost = fields.Float()
    filled = fields.Float()
    ft_order_side = fields.String(validate=_ORDER_SIDE)
    order_type = fields.String(validate=_ORDER_TYPE)
    is_open = fields.Boolean()
    order_timestamp = nullable_int()
    order_filled_timestamp = nullable_int()
    ft_fee_base = nullable_float()
    ft_order_tag = nullable_str()


class OrderSchema(_OrderSchema):
    """An order as ``/status`` and ``/trade/{id}`` list it."""


class HistoryOrderSchema(_OrderSchema):
    """An order as the rows of ``/trades`` list it."""

    ft_is_entry = fields.Boolean()
    average = fields.Float()
    order_date = nullable_str()
    order_filled_date = nullable_str()
    price = nullable_float()
    funding_fee = fields.Float()


class _TradeSchema(ResponseSchema):
    trade_id = integer()
    pair = fields.String()
    base_currency = fields.String()
    quote_currency = fields.String()
    is_open = fields.Boolean()
    is_short = fields.Boolean()
    exchange = fields.String()
    amount = fields.Float()
    amount_requested = nullable_float()
    stake_amount = fields.Float()
    max_stake_amount = nullable_float()
    strategy = fields.String()
    enter_tag = nullable_str()
    timeframe = integer()
    fee_open = fields.Float()
    fee_open_cost = nullable_float()
    fee_open_currency = nullable_str()
    fee_close = fields.Float()
    fee_close_cost = nullable_float()
    fee_close_currency = nullable_str()
    open_date = fields.String()
    open_timestamp = integer()
    open_fill_date = nullable_str()
    open_fill_timestamp = nullable_int()
    open_rate = fields.Float()
    open_rate_requested = nullable_float()
    open_trade_value = fields.Float()
    close_date = nullable_str()
    close_timestamp = nullable_int()
    close_rate = nullable_float()
    close_rate_requested = nullable_float()
    close_profit = nullable_float()
    close_profit_pct = nullable_float()
    close_profit_abs = nullable_float()
    profit_ratio = nullable_float()
    profit_pct = nullable_float()
    profit_abs = nullable_float()
    realized_profit = fields.Float()
    realized_profit_ratio = nullable_float()
    exit_reason = nullable_str()
    exit_order_status = nullable_str()
    stop_loss_abs = nullable_float()
    stop_loss_ratio = nullable_float()
    stop_loss_pct = nullable_float()
    stoploss_last_update = nullable_str()
    stoploss_last_update_timestamp = nullable_int()
    initial_stop_loss_abs = nullable_float()
    initial_stop_loss_ratio = nullable_float()
    initial_stop_loss_pct = nullable_float()
    min_rate = nullable_float()
    max_rate = nullable_float()
    nr_of_successful_entries = integer()
    nr_of_successful_exits = integer()
    has_open_orders = fields.Boolean()
    leverage = fields.Float()
    interest_rate = fields.Float()
    liquidation_price = nullable_float()
    funding_fees = nullable_float()
    trading_mode = fields.String(validate=TRADING_MODES)
    amount_precision = nullable_float()
    price_precision = nullable_float()
    precision_mode = nullable_int()


class OpenTradeSchema(_TradeSchema):
    """A trade with its current profit: ``/status``, ``/trade/{id}``, forceenter, reload, cancel open order."""

    orders = fields.List(fields.Nested(OrderSchema))
    profit_fiat = nullable_float()
    stoploss_current_dist = nullable_float()
    stoploss_current_dist_pct = nullable_float()
    stoploss_current_dist_ratio = nullable_float()
    stoploss_entry_dist = nullable_float()
    stoploss_entry_dist_ratio = nullable_float()
    current_rate = nullable_float()
    total_profit_abs = fields.Float()
    total_profit_fiat = nullable_float()
    total_profit_ratio = nullable_float()
    open_order = nullable_str(metadata={"description": "the open orders described in one line (pre-2023 clients)"})


class TradeHistorySchema(_TradeSchema):
    """A row of ``/trades``: stored values only."""

    orders = fields.List(fields.Nested(HistoryOrderSchema))
    trade_duration_s = nullable_int()
    trade_duration = nullable_int()
    precision_mode_price = nullable_int()
    contract_size = fields.Float()


class TradesPageSchema(ResponseSchema):
    trades = fields.List(fields.Nested(TradeHistorySchema))
    trades_count = integer()
    offset = integer()
    total_trades = integer()


class DeleteTradeSchema(ResponseSchema):
    result = fields.String()
    result_msg = fields.String()
    trade_id = integer()
    cancel_order_count = integer()


class ForceExitResultSchema(ResponseSchema):
    result = fields.String()


class CustomDataSchema(ResponseSchema):
    id = integer()
    key = fields.String()
    type = fields.String(metadata={"description": "the Python type name of the stored value"})
    value = fields.Raw(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime(allow_none=True)


class TradeCustomDataSchema(ResponseSchema):
    """One open trade's custom data in ``/trades/open/custom-data``."""

    trade_id = integer()
    custom_data = fields.List(fields.Nested(CustomDataSchema))
