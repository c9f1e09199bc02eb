"""Trades, orders and locks in the JSON shapes of freqtrade's API.

One shape serves ``/status``, ``/trades`` and ``/trade/{id}``: the union of the keys freqtrade sends
on those routes, so clients that read either find what they expect. Open trades with a known
current rate also carry their current profit and stoploss distances.
"""

from __future__ import annotations

from typing import Any

from ftserver.models import Order, OrderSide, PairLock, Trade, round8
from ftserver.rpc.dates import format_date, format_duration, to_ms


def order_to_dict(order: Order) -> dict[str, Any]:
    return {
        "pair": order.ft_pair,
        "order_id": order.order_id,
        "status": order.status.value,
        "remaining": order.remaining,
        "amount": order.amount,
        "safe_price": order.safe_price,
        "cost": order.cost,
        "filled": order.filled,
        "ft_order_side": order.ft_order_side.value,
        "ft_is_entry": order.ft_order_side is OrderSide.BUY,  # only long trades are opened
        "order_type": order.order_type.value,
        "is_open": order.ft_is_open,
        "price": order.price,
        "average": order.average,
        "order_date": format_date(order.order_date),
        "order_timestamp": to_ms(order.order_date),
        "order_filled_date": format_date(order.order_filled_date),
        "order_filled_timestamp": to_ms(order.order_filled_date),
        "ft_fee_base": order.ft_fee_base,
        "ft_order_tag": order.ft_order_tag,
        "funding_fee": 0.0,
    }


def _pct(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio * 100, 2)


def trade_to_dict(trade: Trade, *, current_rate: float | None = None, fiat_rate: float | None = None) -> dict[str, Any]:
    entry = trade.select_order(trade.entry_side, is_open=False)
    open_fill = entry.order_filled_date if entry else None
    closed = not trade.is_open
    if closed:
        profit_ratio = trade.close_profit
        profit_abs = trade.close_profit_abs
        rate_for_dist = trade.close_rate
    elif current_rate is not None and trade.amount:
        profit_ratio = round(trade.calc_profit_ratio(current_rate), 8)
        profit_abs = round8(trade.calc_profit(current_rate) + trade.realized_profit)
        rate_for_dist = current_rate
    else:
        profit_ratio = None
        profit_abs = None
        rate_for_dist = None
    fiat = (lambda v: None if v is None else v * fiat_rate) if fiat_rate is not None else (lambda v: v)
    duration = None
    if trade.close_date is not None:
        duration = trade.close_date - trade.open_date
    stop = trade.stop_loss
    body: dict[str, Any] = {
        "trade_id": trade.id,
        "pair": trade.pair,
        "base_currency": trade.base_currency,
        "quote_currency": trade.quote_currency,
        "is_open": trade.is_open,
        "is_short": trade.is_short,
        "exchange": trade.exchange,
        "amount": trade.amount,
        "amount_requested": trade.amount_requested,
        "stake_amount": trade.stake_amount,
        "max_stake_amount": trade.max_stake_amount,
        "strategy": trade.strategy,
        "enter_tag": trade.enter_tag,
        "timeframe": trade.timeframe,
        "fee_open": trade.fee_open,
        "fee_open_cost": trade.fee_open_cost,
        "fee_open_currency": trade.fee_open_currency,
        "fee_close": trade.fee_close,
        "fee_close_cost": trade.fee_close_cost,
        "fee_close_currency": trade.fee_close_currency,
        "open_date": format_date(trade.open_date),
        "open_timestamp": to_ms(trade.open_date),
        "open_fill_date": format_date(open_fill),
        "open_fill_timestamp": to_ms(open_fill),
        "open_rate": trade.open_rate,
        "open_rate_requested": trade.open_rate_requested,
        "open_trade_value": round8(trade.open_trade_value),
        "close_date": format_date(trade.close_date),
        "close_timestamp": to_ms(trade.close_date),
        "close_rate": trade.close_rate,
        "close_rate_requested": trade.close_rate_requested,
        "close_profit": trade.close_profit,
        "close_profit_pct": _pct(trade.close_profit),
        "close_profit_abs": trade.close_profit_abs,
        "trade_duration_s": int(duration.total_seconds()) if duration is not None else None,
        "trade_duration": format_duration(duration) if duration is not None else None,
        "profit_ratio": profit_ratio,
        "profit_pct": _pct(profit_ratio),
        "profit_abs": profit_abs,
        "profit_fiat": fiat(profit_abs),
        "realized_profit": trade.realized_profit,
        "realized_profit_ratio": trade.close_profit if closed else None,
        "exit_reason": trade.exit_reason,
        "exit_order_status": trade.exit_order_status,
        "stop_loss_abs": stop,
        "stop_loss_ratio": trade.stop_loss_pct,
        "stop_loss_pct": _pct(trade.stop_loss_pct),
        "stoploss_last_update": format_date(trade.stoploss_last_update),
        "stoploss_last_update_timestamp": to_ms(trade.stoploss_last_update),
        "initial_stop_loss_abs": trade.initial_stop_loss,
        "initial_stop_loss_ratio": trade.initial_stop_loss_pct,
        "initial_stop_loss_pct": _pct(trade.initial_stop_loss_pct),
        "min_rate": trade.min_rate,
        "max_rate": trade.max_rate,
        "nr_of_successful_entries": trade.nr_of_successful_entries,
        "nr_of_successful_exits": trade.nr_of_successful_exits,
        "has_open_orders": trade.has_open_orders,
        "orders": [order_to_dict(o) for o in trade.orders],
        "leverage": trade.leverage,
        "interest_rate": trade.interest_rate,
        "liquidation_price": trade.liquidation_price,
        "funding_fees": trade.funding_fees,
        "trading_mode": trade.trading_mode.value,
        "amount_precision": trade.amount_precision,
        "price_precision": trade.price_precision,
        "precision_mode": trade.precision_mode,
        "precision_mode_price": trade.precision_mode,
        "contract_size": 1.0,
    }
    if stop is not None and rate_for_dist is not None:
        body["stoploss_current_dist"] = round(stop - rate_for_dist, 8)
        body["stoploss_current_dist_ratio"] = round(body["stoploss_current_dist"] / rate_for_dist, 8)
        body["stoploss_current_dist_pct"] = round(body["stoploss_current_dist_ratio"] * 100, 2)
        body["stoploss_entry_dist"] = trade.calc_profit(stop)
        body["stoploss_entry_dist_ratio"] = round(trade.calc_profit_ratio(stop), 8)
    else:
        for key in (
            "stoploss_current_dist",
            "stoploss_current_dist_ratio",
            "stoploss_current_dist_pct",
            "stoploss_entry_dist",
            "stoploss_entry_dist_ratio",
        ):
            body[key] = None
    body["current_rate"] = current_rate if trade.is_open else trade.close_rate
    total_abs = profit_abs if trade.is_open else 0.0
    body["total_profit_abs"] = total_abs
    body["total_profit_fiat"] = fiat(total_abs)
    body["total_profit_ratio"] = profit_ratio if trade.is_open else None
    open_order = next((o for o in trade.orders if o.ft_is_open), None)
    body["open_order"] = (
        f"({open_order.order_type.value} {open_order.side.value} rem={open_order.remaining:.8f})"
        if open_order
        else None
    )
    return body


def lock_to_dict(lock: PairLock) -> dict[str, Any]:
    return {
        "id": lock.id,
        "active": lock.active,
        "lock_end_time": format_date(lock.lock_end_time),
        "lock_end_timestamp": to_ms(lock.lock_end_time),
        "lock_time": format_date(lock.lock_time),
        "lock_timestamp": to_ms(lock.lock_time),
        "pair": lock.pair,
        "side": lock.side,
        "reason": lock.reason,
    }
