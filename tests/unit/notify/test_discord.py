"""The Discord channel against a Discord-compatible receiver on loopback: freqtrade's embed layout."""

from __future__ import annotations

from typing import Any

import aiohttp
import pandas as pd

from ftserver.config import settings_from_dict
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.notify.candles import LastCandles
from ftserver.notify.delivery import HttpDelivery, RetryPolicy
from ftserver.notify.discord import DiscordChannel
from tests.support.polling import eventually
from tests.unit.notify.conftest import OPEN, Receiver, entry, exit_fill


def discord_settings(url: str, **section: Any) -> Any:
    values = {"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}}
    return settings_from_dict({**values, "discord": {"enabled": True, "webhook_url": url, **section}}).discord


async def start(
    bus: MessageBus, section: Any, session: aiohttp.ClientSession, candles: LastCandles | None = None
) -> DiscordChannel:
    delivery = HttpDelivery(
        session, section.webhook_url, name="discord", timeout=5, retry=RetryPolicy(0, 0), clock=ManualClock()
    )
    channel = DiscordChannel(
        section,
        delivery,
        strategy="SampleStrategy",
        timeframe="5m",
        bot_name="frank",
        candles=candles,
        bus=bus,
        queue_size=section.queue_size,
    )
    channel.start()
    return channel


async def test_fills_are_posted_as_embeds_in_freqtrades_default_layout(make_receiver: Any) -> None:
    receiver: Receiver = await make_receiver("/api/webhooks/1/token")
    section = discord_settings(receiver.url)
    bus = MessageBus()
    async with aiohttp.ClientSession() as session:
        channel = await start(bus, section, session)
        bus.publish(entry())  # no layout for entry by default: not sent
        bus.publish(entry(MessageType.ENTRY_FILL))
        bus.publish(exit_fill(0.05))
        bus.publish(exit_fill(-0.03, exit_reason="stop_loss"))
        await eventually(lambda: len(receiver.received) == 3, what="three embeds")
        await channel.close(grace=1)
    entry_embed, win, loss = (r["json"]["embeds"][0] for r in receiver.received)
    assert entry_embed["title"] == "Trade: ETH/USDT entry_fill"
    assert entry_embed["color"] == 0x0000FF
    assert [(f["name"], f["value"]) for f in entry_embed["fields"]] == [
        ("Trade ID", "7"),
        ("Exchange", "Binance"),
        ("Pair", "ETH/USDT"),
        ("Direction", "Long"),
        ("Open rate", "2000.0"),
        ("Amount", "0.05"),
        ("Open date", "2026-03-02 12:00:00"),
        ("Enter tag", "breakout"),
        ("Strategy", "SampleStrategy 5m"),
    ]
    assert all(f["inline"] is True for f in entry_embed["fields"])
    assert win["title"] == "Trade: ETH/USDT exit_fill"
    assert win["color"] == 0x00FF00
    shown = {f["name"]: f["value"] for f in win["fields"]}
    assert shown["Close date"] == "2026-03-02 13:30:00"
    assert shown["Profit"] == "5.0 USDT"
    assert shown["Profitability"] == "5.00%"
    assert shown["Exit Reason"] == "roi"
    assert shown["Timeframe"] == "5m"
    assert loss["color"] == 0xFF0000
    assert {f["name"]: f["value"] for f in loss["fields"]}["Profitability"] == "-3.00%"
    assert "flags" not in receiver.received[0]["json"]


async def test_silent_types_carry_the_suppress_flag_and_custom_layouts_and_candles_show(make_receiver: Any) -> None:
    receiver: Receiver = await make_receiver()
    section = discord_settings(
        receiver.url,
        status=[{"Status": "{status}"}, {"Bot": "{bot_name}"}],
        entry=[{"Pair": "{pair}"}],
        notification_settings={"status": "silent", "show_candle": "ohlc"},
    )
    bus = MessageBus()
    candles = LastCandles(bus)
    await candles.start()
    async with aiohttp.ClientSession() as session:
        channel = await start(bus, section, session, candles)
        frame = pd.DataFrame({"date": [OPEN], "open": [1990.0], "high": [2010.5], "low": [1985.0], "close": [2000.0]})
        bus.publish(messages.analyzed_df("ETH/USDT", "5m", "spot", frame, OPEN))
        await eventually(lambda: candles.get("ETH/USDT"), what="the candle noted")
        bus.publish(messages.status("running"))
        bus.publish(entry())
        await eventually(lambda: len(receiver.received) == 2, what="two embeds")
        await channel.close(grace=1)
    await candles.close()
    status, entered = (r["json"] for r in receiver.received)
    assert status["flags"] == 4096
    assert status["embeds"][0]["title"] == "status"
    assert [(f["name"], f["value"]) for f in status["embeds"][0]["fields"]] == [("Status", "running"), ("Bot", "frank")]
    assert "flags" not in entered
    assert [(f["name"], f["value"]) for f in entered["embeds"][0]["fields"]] == [
        ("Pair", "ETH/USDT"),
        ("Candle OHLC", "1990.0, 2010.5, 1985.0, 2000.0"),
    ]
