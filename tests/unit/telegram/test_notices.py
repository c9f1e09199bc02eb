"""Telegram notification texts: freqtrade's layout, HTML-escaped values."""

from __future__ import annotations

from ftserver.core.messages import Message, MessageType, warning
from ftserver.notify.candles import Candle
from ftserver.telegram.notices import notice_text
from tests.unit.notify.conftest import entry, exit_fill


def test_a_filled_exit_shows_profit_reason_rates_and_duration() -> None:
    text = notice_text(exit_fill(0.05), dry_run=True)
    assert text is not None
    lines = text.split("\n")
    # 5 % or more: the rocket; the trade ran 12:00 -> 13:30, 90 minutes
    assert lines[0] == "\N{ROCKET} <b>Binance (dry):</b> Exited ETH/USDT (#7)"
    assert "<b>Profit:</b> <code>5.00% (profit: 5 USDT)</code>" in lines
    assert "<b>Exit reason:</b> <code>roi</code>" in lines
    assert "<b>Exit rate:</b> <code>2100</code>" in lines
    assert lines[-1] == "<b>Duration:</b> <code>1:30:00 (90.0 min)</code>"


def test_a_stoploss_exit_gets_the_warning_sign_and_a_loss_the_cross() -> None:
    stopped = notice_text(exit_fill(-0.03, exit_reason="stop_loss"), dry_run=False)
    lost = notice_text(exit_fill(-0.03, exit_reason="exit_signal"), dry_run=False)
    assert stopped is not None and stopped.startswith("\N{WARNING SIGN} <b>Binance:</b> Exited")
    assert lost is not None and lost.startswith("\N{CROSS MARK} <b>Binance:</b> Exited")


def test_an_entry_shows_the_candle_when_given_and_escapes_outside_text() -> None:
    text = notice_text(entry(enter_tag="<b>x</b>"), dry_run=False, candle=Candle(1.0, 2.0, 0.5, 1.5))
    assert text is not None
    assert text.split("\n")[:4] == [
        "\N{LARGE BLUE CIRCLE} <b>Binance:</b> New trade (#7)",
        "<b>Pair:</b> <code>ETH/USDT</code>",
        "<b>Candle OHLC:</b> <code>1.0, 2.0, 0.5, 1.5</code>",
        "<b>Enter tag:</b> <code>&lt;b&gt;x&lt;/b&gt;</code>",
    ]
    assert text.endswith("<b>Total:</b> <code>100 USDT</code>")


def test_status_types_and_data_types() -> None:
    assert (
        notice_text(warning("disk <full>"), dry_run=False)
        == "\N{WARNING SIGN} <b>Warning:</b> <code>disk &lt;full&gt;</code>"
    )
    assert notice_text(Message(MessageType.WHITELIST, ["ETH/USDT"]), dry_run=False) is None
