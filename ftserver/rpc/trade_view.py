"""Trades, orders and pair locks in the JSON shapes of freqtrade's API (2026.9, API 2.50).

Two trade shapes, as freqtrade has them:

- ``open_trade_view``: ``/status`` and ``/trade/{id}`` (freqtrade's ``OpenTradeSchema``): the trade with
  its current profit, stoploss distances and ``total_profit_*``, orders in the short order shape.
  One extra key beyond freqtrade 2026: ``open_order`` (the pre-2023 field, a description of the
  open orders or null), kept for older clients.
- ``trade_history_view``: the rows of ``/trades`` (freqtrade's ``Trade.to_json``): stored values
  only, ``trade_duration`` in minutes, orders in the long order shape.

Both list only the orders that filled or are still open, like freqtrade. These run for hundreds of
trades every few seconds, so each is one straight function over the trade's fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ftserver.models import Order, OrderSide, OrderStatus, PairLock, Trade, round8, split_pair
from ftserver.rpc.dates import format_date, to_ms
from ftserver.rpc.shapes.pairs import Lock
from ftserver.rpc.shapes.trades import HistoryOrder, HistoryTrade, OpenTrade
from ftserver.rpc.shapes.trades import Order as OrderShape


def order_view(order: Order) -> OrderShape:
    """An order as ``/status`` and ``/trade/{id}`` list it."""
    filled_at = order.order_filled_date
    return OrderShape(
        pair=order.ft_pair,
        order_id=order.order_id,
        status=order.status.value,
        remaining=order.remaining,
        amount=order.amount or order.ft_amount,
        safe_price=order.safe_price,
        cost=order.cost or 0.0,
        filled=order.filled,
        ft_order_side=order.ft_order_side.value,
        order_type=order.order_type.value,
        is_open=order.status == OrderStatus.OPEN,
        order_timestamp=to_ms(order.order_date),
        order_filled_timestamp=to_ms(filled_at),
        ft_fee_base=order.ft_fee_base,
        ft_order_tag=order.ft_order_tag,
    )


def history_order_view(order: Order, entry_side: OrderSide) -> HistoryOrder:
    """An order as the rows of ``/trades`` list it (``ft_is_entry`` needs the trade's entry side)."""
    placed_at = order.order_date
    filled_at = order.order_filled_date
    return HistoryOrder(
        amount=order.amount or order.ft_amount,
        safe_price=order.safe_price,
        ft_order_side=order.ft_order_side.value,
        order_filled_timestamp=to_ms(filled_at),
        ft_is_entry=order.ft_order_side == entry_side,
        ft_order_tag=order.ft_order_tag,
        cost=order.cost or 0.0,
        pair=order.ft_pair,
        order_id=order.order_id,
        status=order.status.value,
        average=round(order.average, 8) if order.average else 0.0,
        filled=order.filled,
        is_open=order.status == OrderStatus.OPEN,
        order_date=format_date(placed_at),
        order_timestamp=to_ms(placed_at),
        order_filled_date=format_date(filled_at),
        order_type=order.order_type.value,
        price=order.price,
        remaining=order.remaining,
        ft_fee_base=order.ft_fee_base,
        # Funding is booked on the trade (spot has none); freqtrade sends 0.0 here as well.
        funding_fee=0.0,
    )


def _stored_id(trade: Trade) -> int:
    if trade.id is None:
        raise ValueError(f"only a stored trade (with an id) is shown, not {trade.pair} opened {trade.open_date}")
    return trade.id


def _pct(ratio: float | None) -> float | None:
    """freqtrade's ``*_pct``: the ratio in percent, 2 decimals; null for a missing or zero ratio."""
    return round(ratio * 100, 2) if ratio else None


def _shown_orders(trade: Trade) -> tuple[list[Order], datetime | None, int, int, str | None]:
    """One pass over the orders: (filled-or-open orders, first entry fill, entries, exits, open-order text)."""
    entry_side = trade.entry_side
    shown: list[Order] = []
    first_fill: datetime | None = None
    entries = exits = 0
    open_texts: list[str] = []
    for order in trade.orders:
        is_open = order.status == OrderStatus.OPEN
        if order.filled > 0:
            if order.ft_order_side == entry_side:
                entries += 1
                if first_fill is None:
                    first_fill = order.order_filled_date
            else:
                exits += 1
        if is_open:
            remaining = order.remaining if order.remaining is not None else order.amount - order.filled
            open_texts.append(f"({order.order_type.value} {order.side.value} rem={remaining:.8f})")
            shown.append(order)
        elif order.filled > 0:
            shown.append(order)
    return shown, first_fill, entries, exits, ", ".join(open_texts) or None


def _entry_fields(trade: Trade, first_fill: datetime | None) -> dict[str, Any]:
    """The fields ``/status`` and ``/trades`` rows share, in freqtrade's order: amounts, fees, dates."""
    max_stake = trade.max_stake_amount
    requested = trade.amount_requested
    return {
        "amount": round(trade.amount, 8),
        "amount_requested": round(requested, 8) if requested else None,
        "stake_amount": round(trade.stake_amount, 8),
        "max_stake_amount": round(max_stake, 8) if max_stake else None,
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
        "open_fill_date": format_date(first_fill),
        "open_fill_timestamp": to_ms(first_fill),
        "open_rate": trade.open_rate,
        "open_rate_requested": trade.open_rate_requested,
        "open_trade_value": round8(trade.open_trade_value),
        "close_date": format_date(trade.close_date),
        "close_timestamp": to_ms(trade.close_date),
    }


def _stoploss_fields(trade: Trade) -> dict[str, Any]:
    """Stoploss and rate extremes, the same in ``/status`` and ``/trades`` rows."""
    stop_pct = trade.stop_loss_pct
    initial_pct = trade.initial_stop_loss_pct
    stoploss_update = trade.stoploss_last_update
    return {
        "stop_loss_abs": trade.stop_loss,
        "stop_loss_ratio": stop_pct or None,
        "stop_loss_pct": _pct(stop_pct),
        "stoploss_last_update": format_date(stoploss_update),
        "stoploss_last_update_timestamp": to_ms(stoploss_update),
        "initial_stop_loss_abs": trade.initial_stop_loss,
        "initial_stop_loss_ratio": initial_pct or None,
        "initial_stop_loss_pct": _pct(initial_pct),
        "min_rate": trade.min_rate,
        "max_rate": trade.max_rate,
    }


def open_trade_view(trade: Trade, *, current_rate: float | None = None, fiat_rate: float | None = None) -> OpenTrade:
    """A trade as ``/status`` and ``/trade/{id}`` show it.

    ``current_rate`` is the exit-side rate of an open trade (ignored for closed trades, whose close
    rate is used). Without it an open trade's current profit is null, like freqtrade's answer when
    the rate cannot be fetched. ``profit_fiat``/``total_profit_fiat`` are ``*_abs * fiat_rate``, or
    the stake value itself when no fiat rate is known (what freqtrade shows for a stable coin).
    """
    shown, first_fill, entries, exits, open_order = _shown_orders(trade)
    base, quote = split_pair(trade.pair)
    is_open = trade.is_open
    stop = trade.stop_loss
    close_profit = trade.close_profit
    total_profit_abs = 0.0
    total_profit_ratio: float | None = None
    if not is_open:
        rate = trade.close_rate
        profit_ratio: float | None = close_profit or 0.0
        profit_abs: float | None = trade.close_profit_abs or 0.0
    elif entries == 0 and trade.orders:
        # Entry not filled yet: nothing is at stake, so there is no profit to show.
        rate = current_rate
        profit_ratio = profit_abs = 0.0
    elif current_rate is None or not trade.amount:
        rate = current_rate
        profit_ratio = profit_abs = None
    else:
        rate = current_rate
        profit_abs = trade.calc_profit(current_rate)
        profit_ratio = round(trade.calc_profit_ratio(current_rate), 8)
        total_profit_abs = round8(profit_abs + trade.realized_profit)
        stake = trade.max_stake_amount or trade.stake_amount
        if stake:
            # Realized and unrealized profit over the most stake the trade ever had (with entry fees).
            stake_value = stake * (1 - trade.fee_open if trade.is_short else 1 + trade.fee_open)
            total_profit_ratio = round(total_profit_abs / stake_value, 8)
        else:
            total_profit_ratio = profit_ratio
    if profit_abs is None:
        profit_fiat = total_profit_fiat = None
    elif fiat_rate is None:
        profit_fiat, total_profit_fiat = profit_abs, total_profit_abs
    else:
        profit_fiat, total_profit_fiat = profit_abs * fiat_rate, total_profit_abs * fiat_rate
    shown_close_profit = None if is_open else close_profit
    current_dist = current_dist_ratio = current_dist_pct = None
    entry_dist = entry_dist_ratio = None
    if stop is not None:
        if rate:
            raw_dist = stop - rate
            current_dist = round(raw_dist, 8)
            current_dist_ratio = round(raw_dist / rate, 8)
            current_dist_pct = round(raw_dist / rate * 100, 2)
        if trade.amount:
            entry_dist = trade.calc_profit(stop)
            entry_dist_ratio = round(trade.calc_profit_ratio(stop), 8)
    return OpenTrade(
        trade_id=_stored_id(trade),
        pair=trade.pair,
        base_currency=base,
        quote_currency=quote,
        is_open=is_open,
        is_short=trade.is_short,
        exchange=trade.exchange,
        **_entry_fields(trade, first_fill),
        close_rate=trade.close_rate,
        close_rate_requested=trade.close_rate_requested,
        close_profit=shown_close_profit,
        close_profit_pct=_pct(shown_close_profit),
        close_profit_abs=trade.close_profit_abs,
        profit_ratio=profit_ratio,
        profit_pct=None if profit_ratio is None else round(profit_ratio * 100, 2),
        profit_abs=profit_abs,
        profit_fiat=profit_fiat,
        realized_profit=trade.realized_profit or 0.0,
        realized_profit_ratio=close_profit or None,
        exit_reason=trade.exit_reason,
        exit_order_status=trade.exit_order_status,
        **_stoploss_fields(trade),
        nr_of_successful_entries=entries,
        nr_of_successful_exits=exits,
        has_open_orders=open_order is not None,
        orders=[order_view(o) for o in shown],
        leverage=trade.leverage,
        interest_rate=trade.interest_rate,
        liquidation_price=trade.liquidation_price,
        funding_fees=trade.funding_fees,
        trading_mode=trade.trading_mode.value,
        amount_precision=trade.amount_precision,
        price_precision=trade.price_precision,
        precision_mode=trade.precision_mode,
        stoploss_current_dist=current_dist,
        stoploss_current_dist_pct=current_dist_pct,
        stoploss_current_dist_ratio=current_dist_ratio,
        stoploss_entry_dist=entry_dist,
        stoploss_entry_dist_ratio=entry_dist_ratio,
        current_rate=rate,
        total_profit_abs=total_profit_abs,
        total_profit_fiat=total_profit_fiat,
        total_profit_ratio=total_profit_ratio,
        open_order=open_order,
    )


def trade_history_view(trade: Trade) -> HistoryTrade:
    """A trade as a row of ``/trades``: stored values only, no current rate."""
    shown, first_fill, entries, exits, open_order = _shown_orders(trade)
    base, quote = split_pair(trade.pair)
    entry_side = trade.entry_side
    close_profit = trade.close_profit
    close_pct = _pct(close_profit)
    duration_s = int((trade.close_date - trade.open_date).total_seconds()) if trade.close_date else None
    return HistoryTrade(
        trade_id=_stored_id(trade),
        pair=trade.pair,
        base_currency=base,
        quote_currency=quote,
        is_open=trade.is_open,
        exchange=trade.exchange,
        **_entry_fields(trade, first_fill),
        realized_profit=trade.realized_profit or 0.0,
        realized_profit_ratio=close_profit or None,
        close_rate=trade.close_rate,
        close_rate_requested=trade.close_rate_requested,
        close_profit=close_profit,
        close_profit_pct=close_pct,
        close_profit_abs=trade.close_profit_abs,
        trade_duration_s=duration_s,
        trade_duration=None if duration_s is None else duration_s // 60,
        profit_ratio=close_profit,
        profit_pct=close_pct,
        profit_abs=trade.close_profit_abs,
        exit_reason=trade.exit_reason,
        exit_order_status=trade.exit_order_status,
        **_stoploss_fields(trade),
        leverage=trade.leverage,
        interest_rate=trade.interest_rate,
        liquidation_price=trade.liquidation_price,
        is_short=trade.is_short,
        trading_mode=trade.trading_mode.value,
        funding_fees=trade.funding_fees,
        amount_precision=trade.amount_precision,
        price_precision=trade.price_precision,
        precision_mode=trade.precision_mode,
        # freqtrade keeps a separate price precision mode; ours is one mode for amount and price.
        precision_mode_price=trade.precision_mode,
        # Spot and our simulated markets trade whole coins: one contract is one unit.
        contract_size=1.0,
        nr_of_successful_entries=entries,
        nr_of_successful_exits=exits,
        has_open_orders=open_order is not None,
        orders=[history_order_view(o, entry_side) for o in shown],
    )


def lock_view(lock: PairLock) -> Lock:
    """A stored pair lock as ``/locks`` lists it."""
    if lock.id is None:
        raise ValueError("only a stored lock (with an id) is shown")
    return Lock(
        id=lock.id,
        active=lock.active,
        lock_end_time=format_date(lock.lock_end_time),
        lock_end_timestamp=to_ms(lock.lock_end_time),
        lock_time=format_date(lock.lock_time),
        lock_timestamp=to_ms(lock.lock_time),
        pair=lock.pair,
        side=lock.side,
        reason=lock.reason,
    )
