"""Builds the entry/exit event payloads freqtrade consumers expect, from a trade and its order."""

from __future__ import annotations

import math
from typing import Any

from ftserver.core import messages
from ftserver.core.messages import Message, MessageType
from ftserver.models import Order, Trade


def _common(trade: Trade, exchange_name: str, fiat_currency: str) -> dict[str, Any]:
    return {
        "trade_id": trade.id,
        "exchange": exchange_name.capitalize(),
        "pair": trade.pair,
        "leverage": trade.leverage,
        "direction": "Short" if trade.is_short else "Long",
        "buy_tag": trade.enter_tag,
        "enter_tag": trade.enter_tag,
        "stake_currency": trade.stake_currency,
        "base_currency": trade.base_currency,
        "quote_currency": trade.quote_currency,
        "fiat_currency": fiat_currency or None,
    }


def entry_message(
    kind: MessageType,
    trade: Trade,
    order: Order,
    *,
    current_rate: float | None,
    fiat_currency: str = "",
    reason: str | None = None,
) -> Message:
    """``entry`` (order placed), ``entry_fill`` or ``entry_cancel``."""
    rate = order.safe_price if kind is MessageType.ENTRY_FILL else (order.price or order.ft_price)
    fields = _common(trade, trade.exchange, fiat_currency)
    fields.update(
        {
            "limit": rate,
            "order_rate": rate,
            "open_rate": trade.open_rate,
            "order_type": order.order_type.value,
            "stake_amount": trade.stake_amount,
            "amount": order.safe_filled if kind is MessageType.ENTRY_FILL else order.amount,
            "open_date": trade.open_date,
            "current_rate": current_rate,
            "sub_trade": _entry_is_sub_trade(kind, trade, order),
        }
    )
    if reason is not None:
        fields["reason"] = reason
    return messages.trade_event(kind, fields)


def _entry_is_sub_trade(kind: MessageType, trade: Trade, order: Order) -> bool:
    """freqtrade's ``sub_trade``: an order placed for a trade that already exists (added or replacing
    entry); a fill that is not the whole position."""
    if kind is MessageType.ENTRY_FILL:
        return not math.isclose(order.safe_filled - (order.ft_fee_base or 0.0), trade.amount, abs_tol=1e-12)
    return bool(trade.orders) and trade.orders[0] is not order


def exit_message(
    kind: MessageType,
    trade: Trade,
    order: Order,
    *,
    current_rate: float | None,
    fiat_currency: str = "",
    reason: str | None = None,
) -> Message:
    """``exit`` (order placed), ``exit_fill`` or ``exit_cancel``. Profit is measured at the order's rate."""
    filled = kind is MessageType.EXIT_FILL
    rate = order.safe_price if filled else (order.price or order.ft_price)
    amount = order.safe_filled if filled else order.amount
    is_final = filled and not trade.is_open
    profit_abs = trade.close_profit_abs if is_final else trade.calc_profit(rate, amount)
    profit_ratio = trade.close_profit if is_final else trade.calc_profit_ratio(rate, amount)
    fields = _common(trade, trade.exchange, fiat_currency)
    fields.update(
        {
            "gain": "profit" if (profit_abs or 0.0) > 0 else "loss",
            "limit": rate,
            "order_rate": rate,
            "order_type": order.order_type.value,
            "amount": amount,
            "open_rate": trade.open_rate,
            "close_rate": rate,
            "current_rate": None if filled else current_rate,
            "profit_amount": profit_abs,
            "profit_ratio": profit_ratio,
            "exit_reason": trade.exit_reason,
            "open_date": trade.open_date,
            "close_date": trade.close_date or order.order_filled_date or order.order_date,
            "stake_amount": trade.stake_amount,
            # A partial exit, as placed (an order for less than the trade holds) or as filled.
            "sub_trade": (not is_final and filled) or (kind is MessageType.EXIT and order.amount < trade.amount),
            "cumulative_profit": trade.realized_profit,
            "final_profit_ratio": trade.close_profit if is_final else None,
            "is_final_exit": is_final,
        }
    )
    if reason is not None:
        fields["reason"] = reason
    return messages.trade_event(kind, fields)
