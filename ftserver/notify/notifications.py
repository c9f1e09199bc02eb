"""``Notifications``: the channels a config asks for, started together and closed together.

Start order: the last-candle memory (if a channel shows candles), the log channel, then webhook and
Discord. Telegram, a front end as well as a channel, is started by the composition root. Each reads
the bus through its own subscription, so the order only fixes who subscribes first; none waits for
another.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from ftserver.config import Settings
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.notify.candles import LastCandles
from ftserver.notify.channel import Channel, ChannelStats
from ftserver.notify.delivery import HttpDelivery, RetryPolicy
from ftserver.notify.discord import DiscordChannel
from ftserver.notify.trade_log import TradeLog
from ftserver.notify.webhook import WebhookChannel

log = logging.getLogger(__name__)


class Notifications:
    def __init__(
        self,
        settings: Settings,
        bus: MessageBus,
        session: aiohttp.ClientSession,
        *,
        clock: Clock,
        log_queue_size: int = 10_000,
        close_grace: float = 5.0,
    ) -> None:
        self.close_grace = close_grace
        self.bus = bus
        self.session = session
        self.clock = clock
        self.log_queue_size = log_queue_size
        self.candles: LastCandles | None = None
        self.channels: list[Channel] = []
        self._build(settings)

    def _build(self, settings: Settings) -> None:
        bus, session, clock = self.bus, self.session, self.clock
        self.candles = None
        self.channels = [TradeLog(bus, queue_size=self.log_queue_size)]
        webhook, discord = settings.webhook, settings.discord
        if webhook.enabled:
            delivery = HttpDelivery(
                session,
                webhook.url,
                name="webhook",
                timeout=webhook.timeout,
                retry=RetryPolicy(webhook.retries, webhook.retry_delay),
                clock=clock,
            )
            self.channels.append(WebhookChannel(webhook, delivery, bus=bus, queue_size=webhook.queue_size))
        if discord.enabled:
            if discord.notification_settings.show_candle == "ohlc":
                self.candles = LastCandles(bus)
            delivery = HttpDelivery(
                session,
                discord.webhook_url,
                name="discord",
                timeout=discord.timeout,
                retry=RetryPolicy(discord.retries, discord.retry_delay),
                clock=clock,
            )
            self.channels.append(
                DiscordChannel(
                    discord,
                    delivery,
                    strategy=settings.strategy,
                    timeframe=settings.timeframe or "",
                    bot_name=settings.bot_name,
                    candles=self.candles,
                    bus=bus,
                    queue_size=discord.queue_size,
                )
            )

    async def start(self) -> None:
        if self.candles is not None:
            await self.candles.start()
        for channel in self.channels:
            channel.start()
        shown = ", ".join(channel.name for channel in self.channels)
        log.info("Notification channels: %s", shown)

    async def close(self) -> None:
        await asyncio.gather(*(channel.close(grace=self.close_grace) for channel in self.channels))
        if self.candles is not None:
            await self.candles.close()

    async def reconfigure(self, settings: Settings) -> None:
        """Rebuild the channels from reloaded settings: a channel turned on or off, or its address or
        templates changed, takes effect without a restart. The old channels deliver what they hold
        (within the close grace) before the new ones subscribe; the trading loop publishes nothing
        meanwhile, as it reloads under its own lock."""
        await self.close()
        self._build(settings)
        await self.start()

    def describe_strategy(self, strategy: str, timeframe: str) -> None:
        for channel in self.channels:
            if isinstance(channel, DiscordChannel):
                channel.describe_strategy(strategy, timeframe)

    def stats(self) -> dict[str, Any]:
        return {channel.name: _as_dict(channel.stats()) for channel in self.channels}


def _as_dict(stats: ChannelStats) -> dict[str, Any]:
    return {
        "sent": stats.sent,
        "failed": stats.failed,
        "skipped": stats.skipped,
        "dropped": stats.dropped,
        "pending": stats.pending,
    }
