"""Notification texts for Telegram, laid out as freqtrade's (emoji, exchange, what happened, then the
trade's figures), in HTML with every value from outside escaped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ftserver.core.messages import Message, MessageType
from ftserver.notify.candles import Candle
from ftserver.telegram.replies import esc, line, number, percent, when

CHECK, BLUE_CIRCLE, WARNING_SIGN = "\N{CHECK MARK}", "\N{LARGE BLUE CIRCLE}", "\N{WARNING SIGN}"
ROCKET, SPARKLE, CROSS = "\N{ROCKET}", "\N{EIGHT SPOKED ASTERISK}", "\N{CROSS MARK}"


def _exchange(v: Mapping[str, Any], dry_run: bool) -> str:
    return f"{esc(v.get('exchange'))}{' (dry)' if dry_run else ''}"


def _candle(candle: Candle | None) -> list[str]:
    if candle is None:
        return []
    return [line("Candle OHLC", f"{candle.open}, {candle.high}, {candle.low}, {candle.close}")]


def _entry(kind: MessageType, v: Mapping[str, Any], dry_run: bool, candle: Candle | None) -> str:
    filled = kind is MessageType.ENTRY_FILL
    more = bool(v.get("sub_trade"))
    wording = {
        (False, False): "New trade",
        (True, False): "New trade filled",
        (False, True): "Increasing position",
        (True, True): "Position increase filled",
    }[(filled, more)]
    head = f"{CHECK if filled else BLUE_CIRCLE} <b>{_exchange(v, dry_run)}:</b> {wording} (#{esc(v.get('trade_id'))})"
    lines = [head, line("Pair", v.get("pair")), *_candle(candle)]
    if v.get("enter_tag"):
        lines.append(line("Enter tag", v.get("enter_tag")))
    lines += [
        line("Amount", number(v.get("amount"))),
        line("Direction", v.get("direction")),
        line("Open rate", f"{number(v.get('open_rate'))} {v.get('quote_currency') or ''}".strip()),
    ]
    if kind is MessageType.ENTRY and v.get("current_rate"):
        lines.append(line("Current rate", number(v.get("current_rate"))))
    lines.append(line("New total" if more else "Total", f"{number(v.get('stake_amount'))} {v.get('stake_currency')}"))
    return "\n".join(lines)


def _exit_emoji(v: Mapping[str, Any]) -> str:
    ratio = v.get("profit_ratio") or 0.0
    if ratio >= 0.05:
        return ROCKET
    if ratio >= 0.0:
        return SPARKLE
    return WARNING_SIGN if v.get("exit_reason") == "stop_loss" else CROSS


def _exit(kind: MessageType, v: Mapping[str, Any], dry_run: bool, candle: Candle | None) -> str:
    filled = kind is MessageType.EXIT_FILL
    partial = bool(v.get("sub_trade"))
    wording = (
        ("Exited" if filled else "Exiting") if not partial else ("Partially exited" if filled else "Partially exiting")
    )
    head = (
        f"{_exit_emoji(v)} <b>{_exchange(v, dry_run)}:</b> {wording} {esc(v.get('pair'))} (#{esc(v.get('trade_id'))})"
    )
    profit_label = "Profit" if filled else "Unrealized profit"
    amount = f"{number(v.get('profit_amount'))} {v.get('stake_currency')}"
    profit = f"{percent(v.get('profit_ratio'))} ({v.get('gain')}: {amount})"
    lines = [head, *_candle(candle), line(profit_label, profit)]
    if v.get("enter_tag"):
        lines.append(line("Enter tag", v.get("enter_tag")))
    lines += [
        line("Exit reason", v.get("exit_reason")),
        line("Direction", v.get("direction")),
        line("Amount", number(v.get("amount"))),
        line("Open rate", number(v.get("open_rate"))),
    ]
    if filled:
        lines.append(line("Exit rate", number(v.get("close_rate"))))
    elif v.get("current_rate"):
        lines.append(line("Current rate", number(v.get("current_rate"))))
        lines.append(line("Exit rate", number(v.get("order_rate"))))
    opened, closed = v.get("open_date"), v.get("close_date")
    if filled and not partial and opened is not None and closed is not None:
        duration = closed.replace(microsecond=0) - opened.replace(microsecond=0)
        lines.append(line("Duration", f"{duration} ({duration.total_seconds() / 60:.1f} min)"))
    return "\n".join(lines)


def notice_text(message: Message, *, dry_run: bool, candle: Candle | None = None) -> str | None:
    """The Telegram text for ``message``; None for a type Telegram does not announce."""
    v: Mapping[str, Any] = message.data if isinstance(message.data, Mapping) else {}
    kind = message.type
    if kind in (MessageType.ENTRY, MessageType.ENTRY_FILL):
        return _entry(kind, v, dry_run, candle)
    if kind in (MessageType.EXIT, MessageType.EXIT_FILL):
        return _exit(kind, v, dry_run, candle)
    if kind in (MessageType.ENTRY_CANCEL, MessageType.EXIT_CANCEL):
        side = "entry" if kind is MessageType.ENTRY_CANCEL else "exit"
        partial = "partial " if v.get("sub_trade") else ""
        return (
            f"{WARNING_SIGN} <b>{_exchange(v, dry_run)}:</b> Cancelling {partial}{side} order for "
            f"{esc(v.get('pair'))} (#{esc(v.get('trade_id'))}). Reason: {esc(v.get('reason'))}."
        )
    if kind in (MessageType.PROTECTION_TRIGGER, MessageType.PROTECTION_TRIGGER_GLOBAL):
        target = (
            "<b>All pairs</b>"
            if kind is MessageType.PROTECTION_TRIGGER_GLOBAL
            else f"<code>{esc(v.get('pair'))}</code>"
        )
        until = when(v.get("lock_end_time"))
        reason = esc(v.get("reason"))
        return f"<b>Protection</b> triggered due to {reason}. {target} locked until <code>{esc(until)}</code>."
    if kind is MessageType.STATUS:
        return line("Status", v.get("status"))
    if kind is MessageType.WARNING:
        return f"{WARNING_SIGN} {line('Warning', v.get('status'))}"
    if kind is MessageType.EXCEPTION:
        return f"{WARNING_SIGN} <b>ERROR:</b>\n<pre>{esc(v.get('status'))}</pre>"
    if kind is MessageType.STARTUP:
        return esc(v.get("status"))
    if kind is MessageType.STRATEGY_MSG:
        return esc(v.get("msg"))
    if kind is MessageType.LIQUIDATION_WARNING:
        return (
            f"{WARNING_SIGN} <b>{_exchange(v, dry_run)}:</b> {esc(v.get('pair'))} is approaching its liquidation stop"
        )
    return None
