"""The Discord channel: freqtrade's ``discord`` section, one embed per message, to a Discord webhook.

The embed is laid out as freqtrade lays it: title ``Trade: <pair> <type>`` (or just the type),
green for a profitable exit and red for a losing one, blue otherwise, and one inline field per
entry of the type's layout. ``silent`` messages carry Discord's "suppress notifications" flag.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from ftserver.config.sections import DiscordSettings
from ftserver.core.messages import Message, MessageType
from ftserver.notify.candles import LastCandles
from ftserver.notify.channel import Channel
from ftserver.notify.delivery import HttpDelivery
from ftserver.notify.placeholders import NOTIFIABLE_TYPES, message_values
from ftserver.notify.policy import Loudness, loudness, may_send

log = logging.getLogger(__name__)

BLUE, GREEN, RED = 0x0000FF, 0x00FF00, 0xFF0000
SUPPRESS_NOTIFICATIONS = 1 << 12  # Discord's message flag for a message without a sound


class DiscordChannel(Channel):
    name = "discord"

    def __init__(
        self,
        settings: DiscordSettings,
        delivery: HttpDelivery,
        *,
        strategy: str,
        timeframe: str,
        bot_name: str,
        candles: LastCandles | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.delivery = delivery
        self.candles = candles
        self._extra = {"strategy": strategy, "timeframe": timeframe, "bot_name": bot_name}

    def describe_strategy(self, strategy: str, timeframe: str) -> None:
        """The running strategy's name and timeframe, known once it is loaded (and after a reload)."""
        self._extra.update(strategy=strategy, timeframe=timeframe)

    def layout(self, kind: MessageType) -> tuple[Mapping[str, str], ...] | None:
        layout: tuple[Mapping[str, str], ...] | None = getattr(self.settings, kind.value, None)
        return layout

    def types(self) -> Iterable[MessageType]:
        allow = self.settings.allow_custom_messages
        return [
            kind
            for kind in NOTIFIABLE_TYPES
            if self.layout(kind) and may_send(self.settings.notification_settings, kind, allow_custom_messages=allow)
        ]

    def payload(self, message: Message) -> dict[str, Any] | None:
        """The webhook body for ``message`` (None when this channel does not send it)."""
        layout = self.layout(message.type)
        if not layout:
            return None
        allow = self.settings.allow_custom_messages
        level = loudness(self.settings.notification_settings, message, allow_custom_messages=allow)
        if level is Loudness.OFF:
            return None
        values = message_values(message, self._extra)
        fields = [
            {"name": name, "value": template.format(**values), "inline": True}
            for entry in layout
            for name, template in entry.items()
        ]
        pair = values.get("pair")
        candle = self.candles.get(pair) if self.candles is not None and isinstance(pair, str) else None
        if candle is not None and self.settings.notification_settings.show_candle == "ohlc":
            ohlc = f"{candle.open}, {candle.high}, {candle.low}, {candle.close}"
            fields.append({"name": "Candle OHLC", "value": ohlc, "inline": True})
        title = f"Trade: {pair} {message.type.value}" if pair else message.type.value
        body: dict[str, Any] = {"embeds": [{"title": title, "color": _color(message, values), "fields": fields}]}
        if level is Loudness.SILENT:
            body["flags"] = SUPPRESS_NOTIFICATIONS
        return body

    async def deliver(self, message: Message) -> bool | None:
        try:
            payload = self.payload(message)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("discord: the %s layout does not fit message #%d: %s", message.type.value, message.seq, exc)
            return False
        if payload is None:
            return None
        return await self.delivery.post(f"{message.type.value} #{message.seq}", json=payload)


def _color(message: Message, values: Mapping[str, Any]) -> int:
    if message.type in (MessageType.EXIT, MessageType.EXIT_FILL):
        return GREEN if (values.get("profit_ratio") or 0.0) > 0 else RED
    return BLUE
