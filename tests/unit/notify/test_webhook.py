"""The webhook channel against a real HTTP receiver on loopback: each format, templates, settings."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from ftserver.config import settings_from_dict
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.messages import Message, MessageType, status, strategy_msg
from ftserver.notify.delivery import HttpDelivery, RetryPolicy
from ftserver.notify.webhook import WebhookChannel
from tests.support.polling import eventually
from tests.unit.notify.conftest import Receiver, entry, exit_fill


def webhook_settings(url: str, **section: Any) -> Any:
    values = {"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}}
    return settings_from_dict({**values, "webhook": {"enabled": True, "url": url, **section}}).webhook


async def start(bus: MessageBus, section: Any, session: aiohttp.ClientSession, clock: ManualClock) -> WebhookChannel:
    delivery = HttpDelivery(
        session,
        section.url,
        name="webhook",
        timeout=section.timeout,
        retry=RetryPolicy(section.retries, section.retry_delay),
        clock=clock,
    )
    channel = WebhookChannel(section, delivery, bus=bus, queue_size=section.queue_size)
    channel.start()
    return channel


async def test_json_format_posts_each_templated_type_with_freqtrade_placeholders(make_receiver: Any) -> None:
    receiver: Receiver = await make_receiver()
    section = webhook_settings(
        receiver.url,
        format="json",
        entry={"text": "Buy {pair} #{trade_id} at {open_rate:.1f}", "meta": {"tag": "{enter_tag}", "n": 1}},
        exit_fill={"text": "{pair}: {profit_amount} {stake_currency} ({profit_ratio:.2%}) on {exit_reason}"},
        status={"text": "{type}: {status}"},
    )
    bus = MessageBus()
    async with aiohttp.ClientSession() as session:
        channel = await start(bus, section, session, ManualClock())
        bus.publish(entry())
        bus.publish(entry(MessageType.ENTRY_FILL))  # no entry_fill template: not sent, not even queued
        bus.publish(exit_fill(0.05))
        bus.publish(status("running"))
        await eventually(lambda: len(receiver.received) == 3, what="three posts")
        await channel.close(grace=1)
    assert [r["json"] for r in receiver.received] == [
        {"text": "Buy ETH/USDT #7 at 2000.0", "meta": {"tag": "breakout", "n": 1}},
        {"text": "ETH/USDT: 5.0 USDT (5.00%) on roi"},
        {"text": "status: running"},
    ]
    assert {r["content_type"] for r in receiver.received} == {"application/json"}
    assert channel.stats().sent == 3
    assert channel.stats().skipped == 0


async def test_form_format_posts_fields_and_raw_posts_the_data_text(make_receiver: Any) -> None:
    form_receiver: Receiver = await make_receiver()
    raw_receiver: Receiver = await make_receiver("/raw")
    form = webhook_settings(form_receiver.url, entry={"value1": "{pair}", "value2": "{stake_amount}", "value3": 3})
    raw = webhook_settings(raw_receiver.url, format="raw", entry={"data": "{pair} {direction} {amount}"})
    bus = MessageBus()
    async with aiohttp.ClientSession() as session:
        channels = [await start(bus, form, session, ManualClock()), await start(bus, raw, session, ManualClock())]
        bus.publish(entry())
        await eventually(lambda: form_receiver.received and raw_receiver.received, what="both posts")
        for channel in channels:
            await channel.close(grace=1)
    assert form_receiver.received[0]["content_type"] == "application/x-www-form-urlencoded"
    assert form_receiver.received[0]["form"] == {"value1": "ETH/USDT", "value2": "100.0", "value3": "3"}
    assert raw_receiver.received[0]["content_type"] == "text/plain"
    assert raw_receiver.received[0]["body"] == "ETH/USDT Long 0.05"


async def test_notification_settings_and_custom_messages_decide_what_is_sent(make_receiver: Any) -> None:
    receiver: Receiver = await make_receiver()
    section = webhook_settings(
        receiver.url,
        format="json",
        notification_settings={"exit_fill": {"stop_loss": "off", "*": "silent"}, "status": "off"},
        exit_fill={"text": "{exit_reason}"},
        status={"text": "{status}"},
        strategy_msg={"text": "{msg}"},
    )
    bus = MessageBus()
    async with aiohttp.ClientSession() as session:
        channel = await start(bus, section, session, ManualClock())
        assert MessageType.STATUS not in channel.types()  # off: not even subscribed
        assert MessageType.STRATEGY_MSG not in channel.types()  # allow_custom_messages is false
        bus.publish(exit_fill(-0.1, exit_reason="stop_loss"))
        bus.publish(status("stopped"))
        bus.publish(strategy_msg("from the strategy"))
        bus.publish(exit_fill(0.02, exit_reason="roi"))  # silent is still sent: a webhook has no sound
        await eventually(lambda: channel.stats().sent + channel.stats().skipped == 2, what="both exits handled")
        await channel.close(grace=1)
    assert [r["json"] for r in receiver.received] == [{"text": "roi"}]
    assert channel.stats().skipped == 1


async def test_custom_messages_are_sent_when_allowed(make_receiver: Any) -> None:
    receiver: Receiver = await make_receiver()
    section = webhook_settings(receiver.url, format="json", allow_custom_messages=True, strategy_msg={"m": "{msg}"})
    bus = MessageBus()
    async with aiohttp.ClientSession() as session:
        channel = await start(bus, section, session, ManualClock())
        bus.publish(strategy_msg("hello from the strategy"))
        await eventually(lambda: receiver.received, what="the custom message")
        await channel.close(grace=1)
    assert receiver.received[0]["json"] == {"m": "hello from the strategy"}


async def test_protection_messages_have_freqtrade_lock_fields(make_receiver: Any) -> None:
    from datetime import UTC, datetime

    receiver: Receiver = await make_receiver()
    section = webhook_settings(
        receiver.url,
        format="json",
        protection_trigger={"t": "{base_currency} {lock_end_time} {lock_end_timestamp} {reason} {side}"},
    )
    until = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 1772460000 s after the epoch
    bus = MessageBus()
    async with aiohttp.ClientSession() as session:
        channel = await start(bus, section, session, ManualClock())
        bus.publish(
            Message(
                MessageType.PROTECTION_TRIGGER,
                {
                    "id": 3,
                    "pair": "ETH/USDT",
                    "lock_time": until,
                    "lock_end_time": until,
                    "reason": "Cooldown",
                    "side": "*",
                    "active": True,
                },
            )
        )
        await eventually(lambda: receiver.received, what="the protection message")
        await channel.close(grace=1)
    assert receiver.received[0]["json"] == {"t": "ETH 2026-03-02 14:00:00 1772460000000 Cooldown *"}


async def test_failed_posts_are_retried_with_doubling_delays_and_never_log_the_url(
    make_receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    receiver: Receiver = await make_receiver("/hook/very-secret-token")
    receiver.status = 500
    section = webhook_settings(receiver.url, format="json", retries=3, retry_delay=2, status={"s": "{status}"})
    clock = ManualClock()
    started = clock.now()
    bus = MessageBus()
    with caplog.at_level(logging.WARNING):
        async with aiohttp.ClientSession() as session:
            channel = await start(bus, section, session, clock)
            bus.publish(status("running"))
            await eventually(lambda: channel.stats().failed == 1, what="the failure")
            assert receiver.attempts == 4  # the first attempt and 3 retries
            # waits of 2, 4 and 8 seconds between the attempts, on the channel's clock
            assert (clock.now() - started).total_seconds() == 14
            receiver.status = 200
            bus.publish(status("still running"))
            await eventually(lambda: channel.stats().sent == 1, what="delivery after the endpoint recovered")
            await channel.close(grace=1)
    assert "HTTP 500" in caplog.text
    assert "very-secret-token" not in caplog.text
    assert "127.0.0.1" not in caplog.text
