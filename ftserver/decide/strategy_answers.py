"""The questions the live loop and the backtester ask a strategy, with freqtrade's keyword arguments,
and how each answer is read (what a missing, failing or odd answer means).

Every call goes through ``call_callback``: user code that raises is logged with the strategy and the
method, and the default answer (the one freqtrade falls back on) goes on. As in freqtrade, a callback
the strategy overrides gets a copy of the trade, so a stray assignment in user code cannot change
the bot's trade. Callbacks run on the event loop: freqtrade asks them to be quick, and they are.
"""

from __future__ import annotations

import copy
import logging
import math
from datetime import datetime
from numbers import Real
from typing import Any

from ftserver.decide import position
from ftserver.models import Order, Trade
from ftserver.strategy.base import Strategy
from ftserver.strategy.callbacks import call_callback

log = logging.getLogger(__name__)

# freqtrade keeps at most this many characters of a custom exit reason.
CUSTOM_REASON_MAX_LENGTH = 255
_FAILED = object()


def _number(answer: Any) -> bool:
    if type(answer) is float or type(answer) is int:
        return True  # the common answers, without the slower abstract-class check
    return isinstance(answer, Real) and not isinstance(answer, bool)


def _number_or_none(answer: Any) -> bool:
    return answer is None or _number(answer)


def _view(strategy: Strategy, method: str, trade: Trade) -> Trade:
    """The trade user code sees: a copy when the strategy's own code runs."""
    for cls in type(strategy).__mro__:
        if cls is Strategy:
            return trade
        if method in vars(cls):
            return copy.deepcopy(trade)
    return trade


def defines(strategy: Strategy, method: str) -> bool:
    """Whether the strategy has its own ``method`` (its class or the instance replaces the base
    class's): a backtest asks a callback nobody wrote a hundred thousand times for nothing."""
    own = getattr(strategy, method, None)
    return getattr(own, "__func__", own) is not getattr(Strategy, method, None)


def bot_start(strategy: Strategy) -> bool:
    """True when it ran; False when it raised (already logged), which stops the bot as in freqtrade."""
    return call_callback(strategy, "bot_start", _FAILED, accept=lambda _: True) is not _FAILED


def bot_loop_start(strategy: Strategy, now: datetime) -> None:
    call_callback(strategy, "bot_loop_start", None, accept=lambda _: True, current_time=now)


def custom_stoploss(
    strategy: Strategy, trade: Trade, now: datetime, rate: float, profit: float, *, after_fill: bool = False
) -> float | None:
    """The stop ratio asked for, or None to keep the stop (no answer, 0, NaN or infinite)."""
    answer = call_callback(
        strategy,
        "custom_stoploss",
        None,
        accept=_number_or_none,
        pair=trade.pair,
        trade=_view(strategy, "custom_stoploss", trade),
        current_time=now,
        current_rate=rate,
        current_profit=profit,
        after_fill=after_fill,
    )
    if not answer or not math.isfinite(answer):
        return None
    return float(answer)


def custom_roi(strategy: Strategy, trade: Trade, now: datetime, trade_minutes: int) -> float | None:
    answer = call_callback(
        strategy,
        "custom_roi",
        None,
        accept=_number_or_none,
        pair=trade.pair,
        trade=_view(strategy, "custom_roi", trade),
        current_time=now,
        trade_duration=trade_minutes,
        entry_tag=trade.enter_tag,
        side=trade.trade_direction,
    )
    if answer is None or not math.isfinite(answer):
        return None
    return float(answer)


def custom_exit(strategy: Strategy, trade: Trade, now: datetime, rate: float, profit: float) -> str | None:
    """The exit reason when the strategy says to exit (its text, or "custom_exit" for True), else None."""
    answer = call_callback(
        strategy,
        "custom_exit",
        False,
        pair=trade.pair,
        trade=_view(strategy, "custom_exit", trade),
        current_time=now,
        current_rate=rate,
        current_profit=profit,
    )
    if not answer:
        return None
    if not isinstance(answer, str):
        return "custom_exit"
    if len(answer) > CUSTOM_REASON_MAX_LENGTH:
        log.warning(
            "Strategy %s: custom_exit() reason is longer than %d characters; cut",
            strategy.name,
            CUSTOM_REASON_MAX_LENGTH,
        )
    return answer[:CUSTOM_REASON_MAX_LENGTH]


def custom_entry_price(
    strategy: Strategy, pair: str, now: datetime, proposed: float, entry_tag: str | None, side: str
) -> float | None:
    if not defines(strategy, "custom_entry_price"):
        return proposed
    answer = call_callback(
        strategy,
        "custom_entry_price",
        proposed,
        accept=_number_or_none,
        pair=pair,
        trade=None,
        current_time=now,
        proposed_rate=proposed,
        entry_tag=entry_tag,
        side=side,
    )
    return None if answer is None else float(answer)


def custom_exit_price(
    strategy: Strategy, trade: Trade, now: datetime, proposed: float, profit: float, exit_tag: str | None
) -> float | None:
    if not defines(strategy, "custom_exit_price"):
        return proposed
    answer = call_callback(
        strategy,
        "custom_exit_price",
        proposed,
        accept=_number_or_none,
        pair=trade.pair,
        trade=_view(strategy, "custom_exit_price", trade),
        current_time=now,
        proposed_rate=proposed,
        current_profit=profit,
        exit_tag=exit_tag,
    )
    return None if answer is None else float(answer)


def custom_stake_amount(
    strategy: Strategy,
    pair: str,
    now: datetime,
    rate: float,
    proposed: float,
    lowest: float | None,
    highest: float,
    leverage: float,
    entry_tag: str | None,
    side: str,
) -> float | None:
    """The stake asked for; None (or 0) means no trade, as in freqtrade. A non-number answer is the proposal."""
    if not defines(strategy, "custom_stake_amount"):
        return proposed
    answer = call_callback(
        strategy,
        "custom_stake_amount",
        proposed,
        accept=lambda a: _number_or_none(a) and not (a is not None and math.isnan(a)),
        pair=pair,
        current_time=now,
        current_rate=rate,
        proposed_stake=proposed,
        min_stake=lowest,
        max_stake=highest,
        leverage=leverage,
        entry_tag=entry_tag,
        side=side,
    )
    return None if answer is None else float(answer)


def confirm_trade_entry(
    strategy: Strategy,
    pair: str,
    order_type: str,
    amount: float,
    rate: float,
    time_in_force: str,
    now: datetime,
    entry_tag: str | None,
    side: str,
) -> bool:
    if not defines(strategy, "confirm_trade_entry"):
        return True
    return bool(
        call_callback(
            strategy,
            "confirm_trade_entry",
            True,
            pair=pair,
            order_type=order_type,
            amount=amount,
            rate=rate,
            time_in_force=time_in_force,
            current_time=now,
            entry_tag=entry_tag,
            side=side,
        )
    )


def confirm_trade_exit(
    strategy: Strategy,
    trade: Trade,
    order_type: str,
    amount: float,
    rate: float,
    time_in_force: str,
    exit_reason: str,
    now: datetime,
) -> bool:
    if not defines(strategy, "confirm_trade_exit"):
        return True
    return bool(
        call_callback(
            strategy,
            "confirm_trade_exit",
            True,
            pair=trade.pair,
            trade=_view(strategy, "confirm_trade_exit", trade),
            order_type=order_type,
            amount=amount,
            rate=rate,
            time_in_force=time_in_force,
            exit_reason=exit_reason,
            sell_reason=exit_reason,  # the version-2 name, still passed by freqtrade
            current_time=now,
        )
    )


def check_timeout(strategy: Strategy, trade: Trade, order: Order, now: datetime) -> bool:
    """The strategy's ``check_entry_timeout`` / ``check_exit_timeout`` for this open order."""
    method = "check_entry_timeout" if order.ft_order_side == trade.entry_side else "check_exit_timeout"
    return bool(
        call_callback(
            strategy,
            method,
            False,
            pair=trade.pair,
            trade=_view(strategy, method, trade),
            order=order,
            current_time=now,
        )
    )


def adjust_trade_position(
    strategy: Strategy,
    trade: Trade,
    now: datetime,
    *,
    entry_rate: float,
    exit_rate: float,
    min_stake: float | None,
    max_stake: float,
) -> Any:
    """The strategy's raw ``adjust_trade_position`` answer (``position.read_answer`` reads it); the
    trade is passed as it is, as freqtrade passes it."""
    entry_profit, exit_profit = trade.calc_profit_ratio(entry_rate), trade.calc_profit_ratio(exit_rate)
    return call_callback(
        strategy,
        "adjust_trade_position",
        None,
        accept=position.is_answer,
        trade=trade,
        current_time=now,
        current_rate=entry_rate,
        current_profit=entry_profit,
        min_stake=min_stake,
        max_stake=max_stake,
        current_entry_rate=entry_rate,
        current_exit_rate=exit_rate,
        current_entry_profit=entry_profit,
        current_exit_profit=exit_profit,
    )


def adjust_order_price(
    strategy: Strategy, trade: Trade, order: Order, now: datetime, *, proposed: float, is_entry: bool
) -> float | None:
    """The price the strategy wants an open order at (its current price: keep it; None: cancel it)."""
    current = order.price or order.ft_price
    answer = call_callback(
        strategy,
        "adjust_order_price",
        current,
        accept=position.is_price,
        trade=trade,
        order=order,
        pair=trade.pair,
        current_time=now,
        proposed_rate=proposed,
        current_order_rate=current,
        entry_tag=trade.enter_tag,
        side="short" if trade.is_short else "long",
        is_entry=is_entry,
    )
    return None if answer is None else float(answer)


def order_filled(strategy: Strategy, trade: Trade, order: Order, now: datetime) -> None:
    call_callback(
        strategy,
        "order_filled",
        None,
        accept=lambda _: True,
        pair=trade.pair,
        trade=_view(strategy, "order_filled", trade),
        order=order,
        current_time=now,
    )


def uses_after_fill(strategy: Strategy) -> bool:
    """Whether the strategy's own ``custom_stoploss`` names ``after_fill`` (then it is also asked
    right after each fill, as freqtrade does)."""
    for cls in type(strategy).__mro__:
        if cls is Strategy:
            return False
        function = vars(cls).get("custom_stoploss")
        if function is not None:
            code = getattr(function, "__code__", None)
            return code is not None and "after_fill" in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    return False
