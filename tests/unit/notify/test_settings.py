"""The webhook and discord sections: freqtrade's keys, and template mistakes refused at start-up."""

from __future__ import annotations

from typing import Any

import pytest

from ftserver.config import redact, settings_from_dict
from ftserver.core.messages import Message, MessageType
from ftserver.errors import ConfigError
from ftserver.notify.policy import Loudness, loudness
from tests.unit.notify.conftest import exit_fill

MINIMAL: dict[str, Any] = {"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}}


def _load(**sections: Any) -> Any:
    return settings_from_dict({**MINIMAL, **sections})


@pytest.mark.parametrize(
    ("sections", "key", "text"),
    [
        (
            {"webhook": {"enabled": True, "url": "http://h/x", "entry": {"text": "{pair} {profit}"}}},
            "webhook.entry.text",
            "Unknown placeholder {profit} for entry messages.",
        ),
        (
            # exit_reason exists on exits, not on entries
            {"webhook": {"url": "http://h/x", "format": "json", "entry_fill": {"a": {"b": ["{exit_reason}"]}}}},
            "webhook.entry_fill.a.b.0",
            "Unknown placeholder {exit_reason} for entry_fill messages.",
        ),
        (
            {"webhook": {"url": "http://h/x", "status": {"text": "{status"}}},
            "webhook.status.text",
            "Not a valid template",
        ),
        (
            {"webhook": {"enabled": True, "url": "http://h/x", "format": "raw", "status": {"text": "{status}"}}},
            "webhook.status.data",
            "set it",
        ),
        (
            {"webhook": {"url": "http://h/x", "format": "form", "exit": {"nested": {"a": "{pair}"}}}},
            "webhook.exit.nested",
            "flat fields",
        ),
        ({"webhook": {"enabled": True}}, "webhook.url", "Must be set"),
        ({"webhook": {"url": "ftp://h/x"}}, "webhook.url", "http(s) URL"),
        (
            {"discord": {"enabled": True, "webhook_url": "https://d/api", "exit_fill": [{"Profit": "{gains}"}]}},
            "discord.exit_fill.0.Profit",
            "Unknown placeholder {gains}",
        ),
        (
            {"discord": {"notification_settings": {"exit": {"roi": "loud"}}}},
            "discord.notification_settings.exit",
            "roi",
        ),
        ({"discord": {"notification_settings": {"entry": {"roi": "on"}}}}, "discord.notification_settings.entry", "on"),
    ],
)
def test_template_mistakes_are_config_errors_naming_the_key(sections: dict[str, Any], key: str, text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(**sections)
    assert caught.value.key == key
    assert text in str(caught.value)


def test_freqtrade_webhook_and_discord_sections_load() -> None:
    settings = _load(
        webhook={
            "enabled": True,
            "url": "https://hooks.example/abc",
            "format": "json",
            "retries": 3,
            "retry_delay": 0.2,
            "timeout": 5,
            "entry": {
                "value1": "Buying {pair}",
                "value2": "limit {limit:8f}",
                "value3": "{stake_amount:8f} {stake_currency}",
            },
            "exit_fill": {"value1": "{pair} {profit_ratio:.2%} {close_date:%Y-%m-%d}"},
        },
        discord={"enabled": True, "webhook_url": "https://discord.example/api/webhooks/1/tok"},
    )
    assert settings.webhook.retries == 3
    assert settings.webhook.entry["value1"] == "Buying {pair}"
    assert settings.webhook.status is None
    # freqtrade's default Discord layouts for fills; other types are off until given a layout
    assert [next(iter(f)) for f in settings.discord.entry_fill][:3] == ["Trade ID", "Exchange", "Pair"]
    assert len(settings.discord.exit_fill) == 15
    assert settings.discord.entry is None


def test_webhook_urls_and_tokens_are_redacted() -> None:
    settings = _load(
        webhook={"enabled": True, "url": "https://hooks.example/secret-path", "status": {"text": "{status}"}},
        discord={"enabled": True, "webhook_url": "https://discord.example/api/webhooks/1/tok"},
        telegram={"enabled": False, "token": "123:abc", "chat_id": "42"},
    )
    shown = redact(settings.as_dict())
    text = str(shown)
    for secret in ("secret-path", "api/webhooks/1/tok", "123:abc"):
        assert secret not in text
    assert shown["webhook"]["url"] == "REDACTED"
    assert shown["discord"]["webhook_url"] == "REDACTED"
    assert shown["telegram"]["chat_id"] == "42"


def test_loudness_of_exits_follows_the_exit_reason_then_the_star() -> None:
    settings = _load(
        discord={
            "notification_settings": {"exit_fill": {"roi": "silent", "stop_loss": "off", "*": "on"}, "entry": "off"}
        }
    ).discord.notification_settings
    assert loudness(settings, exit_fill(exit_reason="roi"), allow_custom_messages=False) is Loudness.SILENT
    assert loudness(settings, exit_fill(exit_reason="stop_loss"), allow_custom_messages=False) is Loudness.OFF
    assert loudness(settings, exit_fill(exit_reason="force_exit"), allow_custom_messages=False) is Loudness.ON
    assert loudness(settings, Message(MessageType.ENTRY, {}), allow_custom_messages=False) is Loudness.OFF
    assert loudness(settings, Message(MessageType.STATUS, {}), allow_custom_messages=False) is Loudness.ON
    custom = Message(MessageType.STRATEGY_MSG, {"msg": "hi"})
    assert loudness(settings, custom, allow_custom_messages=False) is Loudness.OFF
    assert loudness(settings, custom, allow_custom_messages=True) is Loudness.ON


def test_exit_settings_without_a_star_leave_other_reasons_on() -> None:
    settings = _load(webhook={"notification_settings": {"exit": {"roi": "off"}}}).webhook.notification_settings
    message = Message(MessageType.EXIT, {"exit_reason": "trailing_stop_loss"})
    assert loudness(settings, message, allow_custom_messages=False) is Loudness.ON
