"""The log channel: one INFO line per entry, exit, fill, cancel and protection lock, read off the bus,
so ``/logs`` and the log file tell the bot's story without the trading loop writing a line itself."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ftserver.core.messages import Message, MessageType
from ftserver.notify.channel import Channel

log = logging.getLogger("ftserver.trades")


def _side(v: Mapping[str, Any]) -> str:
    return f"trade #{v.get('trade_id')} {v.get('pair')} ({v.get('direction')})"


def _profit(v: Mapping[str, Any]) -> str:
    ratio = v.get("profit_ratio")
    shown = f"{ratio:.2%}" if isinstance(ratio, int | float) else "?"
    return f"profit {v.get('profit_amount')} {v.get('stake_currency')} ({shown})"


def _entry(v: Mapping[str, Any]) -> str:
    tag = f", tag {v['enter_tag']}" if v.get("enter_tag") else ""
    return (
        f"Entry order placed for {_side(v)}: {v.get('amount')} at {v.get('order_rate')} "
        f"({v.get('order_type')}), stake {v.get('stake_amount')} {v.get('stake_currency')}{tag}"
    )


def _entry_fill(v: Mapping[str, Any]) -> str:
    return (
        f"Entry order filled for {_side(v)}: {v.get('amount')} at {v.get('order_rate')}, open rate {v.get('open_rate')}"
    )


def _entry_cancel(v: Mapping[str, Any]) -> str:
    return f"Entry order cancelled for {_side(v)}: {v.get('reason')}"


def _exit(v: Mapping[str, Any]) -> str:
    return (
        f"Exit order placed for {_side(v)}: {v.get('amount')} at {v.get('order_rate')} ({v.get('order_type')}), "
        f"reason {v.get('exit_reason')}, {_profit(v)}"
    )


def _exit_fill(v: Mapping[str, Any]) -> str:
    closed = ", trade closed" if v.get("is_final_exit") else ""
    return f"Exit order filled for {_side(v)}: {v.get('amount')} at {v.get('close_rate')}, {_profit(v)}{closed}"


def _exit_cancel(v: Mapping[str, Any]) -> str:
    return f"Exit order cancelled for {_side(v)}: {v.get('reason')}"


def _protection(v: Mapping[str, Any]) -> str:
    target = "all pairs" if v.get("pair") == "*" else v.get("pair")
    side = "" if v.get("side") in (None, "*") else f" ({v.get('side')} side)"
    return f"Protection triggered: {target}{side} locked until {v.get('lock_end_time')}, reason: {v.get('reason')}"


LINES: Mapping[MessageType, Callable[[Mapping[str, Any]], str]] = {
    MessageType.ENTRY: _entry,
    MessageType.ENTRY_FILL: _entry_fill,
    MessageType.ENTRY_CANCEL: _entry_cancel,
    MessageType.EXIT: _exit,
    MessageType.EXIT_FILL: _exit_fill,
    MessageType.EXIT_CANCEL: _exit_cancel,
    MessageType.PROTECTION_TRIGGER: _protection,
    MessageType.PROTECTION_TRIGGER_GLOBAL: _protection,
}


def log_line(message: Message) -> str | None:
    """The INFO line for ``message``, or None for a type that is not part of a trade's story."""
    describe = LINES.get(message.type)
    if describe is None or not isinstance(message.data, Mapping):
        return None
    return describe(message.data)


class TradeLog(Channel):
    name = "log"

    def types(self) -> Iterable[MessageType]:
        return LINES.keys()

    async def deliver(self, message: Message) -> bool | None:
        line = log_line(message)
        if line is None:
            return None
        log.info("%s", line)
        return True
