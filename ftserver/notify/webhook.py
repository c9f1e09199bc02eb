"""The webhook channel: freqtrade's ``webhook`` section, one payload template per message type.

``form`` posts the filled template as form fields, ``json`` as a JSON body, ``raw`` posts the text
of its ``data`` entry as ``text/plain``. A message type without a template is not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ftserver.config.sections import WebhookSettings
from ftserver.core.messages import Message, MessageType
from ftserver.notify.channel import Channel
from ftserver.notify.delivery import HttpDelivery
from ftserver.notify.placeholders import NOTIFIABLE_TYPES, fill, message_values
from ftserver.notify.policy import Loudness, loudness, may_send

log = logging.getLogger(__name__)


class WebhookChannel(Channel):
    name = "webhook"

    def __init__(self, settings: WebhookSettings, delivery: HttpDelivery, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.delivery = delivery

    def template(self, kind: MessageType) -> Any:
        return getattr(self.settings, kind.value, None)

    def types(self) -> Iterable[MessageType]:
        allow = self.settings.allow_custom_messages
        return [
            kind
            for kind in NOTIFIABLE_TYPES
            if self.template(kind) is not None
            and may_send(self.settings.notification_settings, kind, allow_custom_messages=allow)
        ]

    def payload(self, message: Message) -> Any:
        """The filled template for ``message`` (None when this channel does not send it)."""
        template = self.template(message.type)
        if template is None:
            return None
        allow = self.settings.allow_custom_messages
        if loudness(self.settings.notification_settings, message, allow_custom_messages=allow) is Loudness.OFF:
            return None
        return fill(template, message_values(message))

    async def deliver(self, message: Message) -> bool | None:
        try:
            payload = self.payload(message)
        except (ValueError, TypeError, KeyError) as exc:
            # A format spec that does not fit the value (``{profit_ratio:.2%}`` of None): this message only.
            log.warning("webhook: the %s template does not fit message #%d: %s", message.type.value, message.seq, exc)
            return False
        if payload is None:
            return None
        what = f"{message.type.value} #{message.seq}"
        fmt = self.settings.format
        if fmt == "json":
            return await self.delivery.post(what, json=payload)
        if fmt == "raw":
            return await self.delivery.post(what, data=str(payload["data"]), headers={"Content-Type": "text/plain"})
        form = {str(key): _form_value(value) for key, value in payload.items()}
        return await self.delivery.post(what, data=form)


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    return str(value)
