"""What a filled order does to its trade, with freqtrade's arithmetic: the open rate, amount, stake
and fees of a first entry; the profit of an exit, a partial exit keeping the rest open, and the
closing numbers (rate, date, profit and its ratio) when the last coin is sold.

The live loop books its exchange fills through these, a backtest its simulated ones, so a trade
closes with the same numbers in both.
"""

from __future__ import annotations

from datetime import datetime

from ftserver.models import Order, Trade


def book_entry_fill(trade: Trade, order: Order, stoploss: float, now: datetime, fee_rate: float | None = None) -> None:
    """The trade's first entry filled (an added entry is averaged in by ``Trade.recalc_from_orders``)."""
    if fee_rate is not None:
        trade.fee_open = trade.fee_close = fee_rate
    trade.open_rate = order.safe_price
    # An exchange that takes its fee in the bought coin leaves less than was filled.
    trade.amount = order.filled - (order.ft_fee_base or 0.0)
    trade.stake_amount = order.filled * order.safe_price / trade.leverage
    trade.max_stake_amount = max(trade.max_stake_amount or 0.0, trade.stake_amount)
    trade.fee_open_cost = order.cost * trade.fee_open
    trade.set_initial_stoploss(stoploss, now)


def book_exit_fill(trade: Trade, order: Order, now: datetime, fee_rate: float | None = None) -> float:
    """An exit order filled (wholly or in part): book its profit, which is returned. Selling all but
    less than one amount step closes the trade (``trade.is_open`` turns False)."""
    if fee_rate is not None:
        trade.fee_close = fee_rate
    rate = order.safe_price
    filled = order.filled
    profit = trade.calc_profit(rate, filled)
    trade.fee_close_cost = (trade.fee_close_cost or 0.0) + order.cost * trade.fee_close
    trade.fee_close_currency = trade.quote_currency
    trade.exit_order_status = order.status.value
    remaining = trade.amount - filled
    # Less than one amount step cannot be sold: that dust (a fee taken in the coin) ends the trade.
    tolerance = (trade.amount_precision or 0.0) * (1 - 1e-6) or trade.amount * 1e-9
    if remaining > tolerance:
        # Partial exit: book the profit of the part sold and keep the rest open.
        trade.realized_profit += profit
        trade.stake_amount = trade.stake_amount * remaining / trade.amount
        trade.amount = remaining
        trade.exit_reason = None
        trade.close_profit, trade.close_profit_abs = trade.realized_ratio(), profit
        return profit
    first_exit = trade.realized_profit == 0.0
    ratio = trade.calc_profit_ratio(rate, filled)
    trade.realized_profit += profit
    trade.close_rate = rate
    trade.close_date = order.order_filled_date or now
    trade.close_profit_abs = trade.realized_profit
    max_stake_value = trade.open_trade_value_for(
        (trade.max_stake_amount or trade.stake_amount) * trade.leverage / trade.open_rate, trade.open_rate
    )
    trade.close_profit = ratio if first_exit else trade.realized_profit / max_stake_value
    trade.is_open = False
    return profit
