"""Whether a channel sends a message, and how loudly: freqtrade's ``notification_settings`` rules."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from ftserver.config.sections import NotificationSettings
from ftserver.core.messages import Message, MessageType


class Loudness(StrEnum):
    ON = "on"
    OFF = "off"
    SILENT = "silent"  # delivered without a sound, where the channel has such a thing


_BY_REASON = (MessageType.EXIT, MessageType.EXIT_FILL)


def loudness(settings: NotificationSettings, message: Message, *, allow_custom_messages: bool) -> Loudness:
    """How ``message`` is sent. An exit may be set per exit reason, ``"*"`` standing for the others;
    a strategy's own messages go out only where ``allow_custom_messages`` lets them."""
    if message.type is MessageType.STRATEGY_MSG:
        return Loudness.ON if allow_custom_messages else Loudness.OFF
    setting = getattr(settings, message.type.value, Loudness.ON)
    if message.type in _BY_REASON and isinstance(setting, Mapping):
        reason = message.data.get("exit_reason") if isinstance(message.data, Mapping) else None
        setting = setting.get(str(reason), setting.get("*", Loudness.ON))
    return Loudness(setting)


def may_send(settings: NotificationSettings, kind: MessageType, *, allow_custom_messages: bool) -> bool:
    """False when no message of ``kind`` can ever be sent (so the channel need not subscribe to it)."""
    if kind is MessageType.STRATEGY_MSG:
        return allow_custom_messages
    setting = getattr(settings, kind.value, Loudness.ON)
    if isinstance(setting, Mapping):
        return any(value != Loudness.OFF for value in setting.values()) or "*" not in setting
    return bool(setting != Loudness.OFF)
