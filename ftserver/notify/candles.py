"""The last analyzed candle per pair, read off the bus, for channels set to ``show_candle: "ohlc"``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ftserver.core.bus import MessageBus, OverflowPolicy, Subscription
from ftserver.core.messages import MessageType

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candle:
    open: float
    high: float
    low: float
    close: float


class LastCandles:
    """Follows ``analyzed_df`` messages; it never asks the bot, so a channel needs nothing but the bus."""

    def __init__(self, bus: MessageBus, *, queue_size: int = 100) -> None:
        self._bus = bus
        self._queue_size = queue_size
        self._candles: dict[str, Candle] = {}
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    def get(self, pair: str) -> Candle | None:
        return self._candles.get(pair)

    def note(self, data: Any) -> None:
        """Remember the last row of one ``analyzed_df`` payload ({"key": [pair, ...], "df": frame})."""
        if not isinstance(data, Mapping):
            return
        key, frame = data.get("key"), data.get("df")
        if not key or frame is None or len(frame) == 0:
            return
        try:
            row = frame.iloc[-1]
            self._candles[str(key[0])] = Candle(
                float(row["open"]), float(row["high"]), float(row["low"]), float(row["close"])
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            log.debug("No OHLC in the analyzed candle of %s", key[0])

    async def start(self) -> None:
        self._subscription = self._bus.subscribe(
            [MessageType.ANALYZED_DF],
            maxsize=self._queue_size,
            policy=OverflowPolicy.DROP_OLDEST,
            name="notify-candles",
        )
        self._task = asyncio.get_running_loop().create_task(self._follow(self._subscription), name="notify-candles")

    async def _follow(self, subscription: Subscription) -> None:
        async for message in subscription:
            self.note(message.data)

    async def close(self) -> None:
        if self._subscription is not None:
            self._subscription.close("notifications closed", drain=False)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
