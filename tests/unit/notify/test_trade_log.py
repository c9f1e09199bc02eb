"""The log channel: trade events on the bus become one INFO line each, without the loop writing them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from ftserver.core.bus import MessageBus
from ftserver.core.messages import Message, MessageType, status
from ftserver.notify.trade_log import TradeLog
from tests.support.polling import eventually
from tests.unit.notify.conftest import entry, exit_fill


async def test_each_trade_event_writes_one_info_line(caplog: pytest.LogCaptureFixture) -> None:
    bus = MessageBus()
    channel = TradeLog(bus, queue_size=100)
    channel.start()
    until = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    with caplog.at_level(logging.INFO, logger="ftserver.trades"):
        bus.publish(entry())
        bus.publish(entry(MessageType.ENTRY_FILL))
        bus.publish(status("running"))  # not part of a trade's story: no line
        bus.publish(exit_fill(0.05))
        bus.publish(
            Message(
                MessageType.PROTECTION_TRIGGER_GLOBAL,
                {"id": 1, "pair": "*", "lock_end_time": until, "reason": "StoplossGuard", "side": "*"},
            )
        )
        await eventually(lambda: channel.sent == 4, what="four lines")
    await channel.close(grace=1)
    lines = [r.getMessage() for r in caplog.records if r.name == "ftserver.trades"]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "ftserver.trades")
    assert lines == [
        "Entry order placed for trade #7 ETH/USDT (Long): 0.05 at 2000.0 (limit), stake 100.0 USDT, tag breakout",
        "Entry order filled for trade #7 ETH/USDT (Long): 0.05 at 2000.0, open rate 2000.0",
        "Exit order filled for trade #7 ETH/USDT (Long): 0.05 at 2100.0, profit 5.0 USDT (5.00%), trade closed",
        "Protection triggered: all pairs locked until 2026-03-02 14:00:00+00:00, reason: StoplossGuard",
    ]
    assert channel.stats().dropped == 0
