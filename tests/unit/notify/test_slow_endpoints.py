"""A hanging or failing endpoint: publishing stays fast, other channels keep pace, drops are counted,
delivery resumes once the endpoint answers again."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import pytest

from ftserver.config import settings_from_dict
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.messages import status
from ftserver.notify.notifications import Notifications
from tests.support.polling import eventually
from tests.unit.notify.conftest import Receiver


def settings_for(webhook: dict[str, Any], discord: dict[str, Any]) -> Any:
    values = {"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}}
    return settings_from_dict({**values, "webhook": webhook, "discord": discord})


async def test_a_hanging_webhook_delays_neither_the_publisher_nor_discord(
    make_receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    hanging: Receiver = await make_receiver("/hook")
    hanging.hang = asyncio.Event()
    healthy: Receiver = await make_receiver("/api/webhooks/1/token")
    settings = settings_for(
        {
            "enabled": True,
            "url": hanging.url,
            "format": "json",
            "queue_size": 3,
            "timeout": 30,
            "status": {"s": "{status}"},
        },
        {"enabled": True, "webhook_url": healthy.url, "status": [{"Status": "{status}"}]},
    )
    bus = MessageBus()
    with caplog.at_level(logging.WARNING):
        async with aiohttp.ClientSession() as session:
            notifications = Notifications(settings, bus, session, clock=ManualClock(), close_grace=1)
            await notifications.start()
            webhook = next(c for c in notifications.channels if c.name == "webhook")
            bus.publish(status("0"))
            await eventually(lambda: hanging.attempts == 1, what="the webhook's first request hanging")
            started = time.perf_counter()
            for n in range(1, 20):
                bus.publish(status(str(n)))
            publishing = time.perf_counter() - started
            # Discord got all 20 while the webhook's first request still hangs.
            await eventually(lambda: len(healthy.received) == 20, what="every Discord embed")
            assert webhook.stats().sent == 0
            # The webhook's queue keeps the newest 3 of the 19 published behind the hanging one.
            assert webhook.stats().dropped == 16
            assert webhook.stats().pending == 3
            hanging.hang.set()
            await eventually(lambda: webhook.stats().sent == 4, what="the webhook catching up")
            await notifications.close()
    assert publishing < 0.05  # 19 publishes: queue appends only, whatever the endpoints do
    assert [r["json"]["s"] for r in hanging.received] == ["0", "17", "18", "19"]
    embeds = [r["json"]["embeds"][0]["fields"][0]["value"] for r in healthy.received]
    assert embeds == [str(n) for n in range(20)]
    assert "webhook notifications fell behind: 16 message(s) dropped (16 in all)" in caplog.text
    assert notifications.stats()["discord"]["dropped"] == 0


async def test_an_endpoint_that_times_out_fails_fast_and_recovers(
    make_receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    receiver: Receiver = await make_receiver("/hook")
    receiver.hang = asyncio.Event()
    settings = settings_for(
        {"enabled": True, "url": receiver.url, "format": "json", "timeout": 0.2, "status": {"s": "{status}"}},
        {},
    )
    bus = MessageBus()
    with caplog.at_level(logging.WARNING):
        async with aiohttp.ClientSession() as session:
            notifications = Notifications(settings, bus, session, clock=ManualClock(), close_grace=1)
            await notifications.start()
            webhook = next(c for c in notifications.channels if c.name == "webhook")
            bus.publish(status("lost"))
            await eventually(lambda: webhook.stats().failed == 1, what="the timed-out delivery")
            receiver.hang = None
            bus.publish(status("delivered"))
            await eventually(lambda: webhook.stats().sent == 1, what="delivery after recovery")
            await notifications.close()
    assert [r["json"]["s"] for r in receiver.received] == ["delivered"]
    assert "no answer within 0.2 s" in caplog.text
