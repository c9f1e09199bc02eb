"""Every setting, once: one frozen dataclass per config section whose fields carry the key's type,
default and validation. marshmallow-dataclass derives the loading schema from them, so adding a
key is one line here (and its documentation in ``config/config.example.json``).

Plain ``bool``/``int``/``float`` annotations load through the strict fields (a JSON ``"5"`` is not a
number here); other shapes name their marshmallow field with ``custom(...)``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, pre_load, validate, validates_schema
from marshmallow import fields as mfields

from ftserver.bot.pairlist import DEFAULT_MAX_ENTRIES, DEFAULT_MAX_PATTERN_LENGTH, pattern_error
from ftserver.bot.pairlists.registry import HANDLERS, REFUSED
from ftserver.config.fields import (
    EmbedLayout,
    FrozenDict,
    Loudness,
    PathField,
    StrictBool,
    StrictInt,
    StrictNumber,
    StringOrList,
    UtcDate,
)
from ftserver.core.messages import MessageType
from ftserver.notify.layouts import DISCORD_EXTRA_PLACEHOLDERS, ENTRY_FILL_LAYOUT, EXIT_FILL_LAYOUT
from ftserver.notify.placeholders import NOTIFIABLE_TYPES, unknown_placeholders


class SectionSchema(Schema):
    """Base of every generated section schema."""

    TYPE_MAPPING: dict[type, type[mfields.Field[Any]]] = {
        **Schema.TYPE_MAPPING,
        bool: StrictBool,
        int: StrictInt,
        float: StrictNumber,
        Path: PathField,
    }
    error_messages: dict[str, str] = {"type": "Must be a JSON object."}

    class Meta:
        # Unknown keys are reported separately with their full path (loader._warn_unknown) and left out.
        unknown = EXCLUDE


def choice(*values: str, default: str | None) -> Any:
    """One of ``values``; the field is named so that the annotation may be a ``Literal``."""
    text = mfields.String(load_default=default, allow_none=default is None, validate=validate.OneOf(values))
    return field(default=default, metadata={"marshmallow_field": text})


def custom(
    marshmallow_field: Callable[..., mfields.Field[Any]], default: Any = dataclasses.MISSING, **kwargs: Any
) -> Any:
    """A setting whose marshmallow field is named rather than derived from the annotation."""
    if default is dataclasses.MISSING:
        return field(metadata={"marshmallow_field": marshmallow_field(required=True, **kwargs)})
    allow_none = default is None or kwargs.pop("allow_none", False)
    if isinstance(default, Mapping):  # a dataclass default must be hashable: build a fresh one each time
        empty: Callable[[], Any] = lambda: MappingProxyType(dict(default))  # noqa: E731
        made = marshmallow_field(load_default=empty, allow_none=allow_none, **kwargs)
        return field(default_factory=empty, metadata={"marshmallow_field": made})
    made = marshmallow_field(load_default=default, allow_none=allow_none, **kwargs)
    return field(default=default, metadata={"marshmallow_field": made})


def in_range(default: Any, **bounds: Any) -> Any:
    return field(default=default, metadata={"validate": validate.Range(**bounds)})


def _ip_networks(values: Any) -> None:
    for value in values:
        try:
            ipaddress.ip_network(str(value).strip(), strict=False)
        except ValueError:
            raise ValidationError(f"{value!r} is not an IP address or network (e.g. 10.0.0.0/8)") from None


# ---- sections ----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class UnfilledTimeoutSettings:
    entry: float = in_range(10, min=0)
    exit: float = in_range(10, min=0)
    unit: str = choice("minutes", "seconds", default="minutes")
    exit_timeout_count: int = in_range(0, min=0)


@dataclass(frozen=True, kw_only=True)
class DepthOfMarketSettings:
    enabled: bool = False
    bids_to_ask_delta: float = 1


@dataclass(frozen=True, kw_only=True)
class EntryPricingSettings:
    price_side: str = choice("same", "bid", "ask", "other", default="same")
    use_order_book: bool = True
    order_book_top: int = in_range(1, min=1, max=50)
    price_last_balance: float = in_range(0.0, min=0, max=1)
    check_depth_of_market: DepthOfMarketSettings = field(default_factory=DepthOfMarketSettings)


@dataclass(frozen=True, kw_only=True)
class ExitPricingSettings:
    price_side: str = choice("same", "bid", "ask", "other", default="same")
    use_order_book: bool = True
    order_book_top: int = in_range(1, min=1, max=50)


@dataclass(frozen=True, kw_only=True)
class OrderTypesSettings:
    entry: str = choice("limit", "market", default="limit")
    exit: str = choice("limit", "market", default="limit")
    emergency_exit: str = choice("limit", "market", default="market")
    force_entry: str | None = choice("limit", "market", default=None)
    force_exit: str | None = choice("limit", "market", default=None)
    stoploss: str = choice("limit", "market", default="market")
    stoploss_on_exchange: bool = False


@dataclass(frozen=True, kw_only=True)
class TimeInForceSettings:
    entry: str = choice("GTC", "FOK", "IOC", "PO", default="GTC")
    exit: str = choice("GTC", "FOK", "IOC", "PO", default="GTC")


@dataclass(frozen=True, kw_only=True)
class ReplaySettings:
    """``exchange.sim.replay``: serve stored candle files instead of generated candles."""

    enabled: bool = True
    exchange: str | None = field(default=None, metadata={"validate": validate.Length(min=1)})
    # None: where ``download-data`` stores that exchange's candles (resolved by Settings).
    datadir: str | None = field(default=None, metadata={"validate": validate.Length(min=1)})
    start: str | None = custom(UtcDate, default=None)

    @validates_schema
    def _needs_a_folder(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("enabled", True) and not data.get("exchange") and not data.get("datadir"):
            raise ValidationError(
                "Name the exchange whose stored candles to replay (its folder under <user_data_dir>/data/), "
                "or set datadir.",
                field_name="exchange",
            )


@dataclass(frozen=True, kw_only=True)
class SimSettings:
    seed: int = 42
    pairs: tuple[str, ...] | None = None
    volatility: float = in_range(1.0, min=0, min_inclusive=False)
    history_days: int = in_range(30, min=1, max=400)
    replay: ReplaySettings | None = None


@dataclass(frozen=True, kw_only=True)
class ExchangeSettings:
    name: str = field(metadata={"validate": validate.Length(min=1)})
    key: str = ""
    secret: str = ""
    password: str = ""
    uid: str = ""
    ccxt_config: Mapping[str, Any] = custom(FrozenDict, default=MappingProxyType({}))
    ccxt_async_config: Mapping[str, Any] = custom(FrozenDict, default=MappingProxyType({}))
    pair_whitelist: tuple[str, ...] = ()
    pair_blacklist: tuple[str, ...] = ()
    max_blacklist_entries: int = in_range(DEFAULT_MAX_ENTRIES, min=1, max=100_000)
    max_blacklist_pattern_length: int = in_range(DEFAULT_MAX_PATTERN_LENGTH, min=1, max=1000)
    markets_refresh_interval: int = in_range(60, min=0)
    sim: SimSettings = field(default_factory=SimSettings)

    @validates_schema
    def _blacklist_within_limits(self, data: dict[str, Any], **kwargs: Any) -> None:
        patterns = data.get("pair_blacklist") or ()
        max_entries = data.get("max_blacklist_entries", DEFAULT_MAX_ENTRIES)
        if len(patterns) > max_entries:
            raise ValidationError(
                f"{len(patterns)} entries; at most {max_entries} are allowed (exchange.max_blacklist_entries).",
                field_name="pair_blacklist",
            )
        max_length = data.get("max_blacklist_pattern_length", DEFAULT_MAX_PATTERN_LENGTH)
        for index, pattern in enumerate(patterns):
            error = pattern_error(pattern, max_length=max_length)
            if error is not None:
                raise ValidationError({"pair_blacklist": {index: [error]}})


def _gather_options(data: Any) -> Any:
    """A handler's options sit next to ``method`` in freqtrade's configs; they are kept under ``options``."""
    if not isinstance(data, Mapping) or "options" in data:
        return data
    return {"method": data.get("method"), "options": {k: v for k, v in data.items() if k != "method"}}


@dataclass(frozen=True, kw_only=True)
class PairlistSettings:
    """One step of the pairlist chain: a handler name and its options (checked against the handler)."""

    method: str
    options: Mapping[str, Any] = custom(FrozenDict, default=MappingProxyType({}))

    @pre_load
    def _options_beside_method(self, data: Any, **kwargs: Any) -> Any:
        return _gather_options(data)

    @validates_schema
    def _handler_options(self, data: dict[str, Any], **kwargs: Any) -> None:
        method = data["method"]
        if method in REFUSED:
            raise ValidationError(REFUSED[method], field_name="method")
        handler = HANDLERS.get(method)
        if handler is None:
            raise ValidationError(f"Must be one of: {', '.join(HANDLERS)}.", field_name="method")
        options = data.get("options") or {}
        for name, option in handler.OPTIONS.items():
            if name not in options:
                if option.required:
                    raise ValidationError(f"Missing data for required field ({method}).", field_name=name)
                continue
            error = option.check(options[name])
            if error is not None:
                raise ValidationError(error, field_name=name)


@dataclass(frozen=True, kw_only=True)
class ProtectionSettings:
    """One protection with freqtrade's keys; durations in minutes or, with ``_candles``, in candles."""

    method: str = field(
        metadata={"validate": validate.OneOf(["CooldownPeriod", "StoplossGuard", "MaxDrawdown", "LowProfitPairs"])}
    )
    stop_duration_candles: int | None = in_range(None, min=0)
    stop_duration: float | None = in_range(None, min=0)
    unlock_at: str | None = field(
        default=None, metadata={"validate": validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Must be HH:MM.")}
    )
    lookback_period_candles: int | None = in_range(None, min=1)
    lookback_period: float | None = in_range(None, min=0)
    trade_limit: int | None = in_range(None, min=1)
    only_per_pair: bool = False
    only_per_side: bool = False
    required_profit: float | None = None
    max_allowed_drawdown: float = in_range(0.0, min=0)


@dataclass(frozen=True, kw_only=True)
class InternalsSettings:
    process_throttle_secs: float = in_range(5, min=0, min_inclusive=False)
    heartbeat_interval: float = in_range(60, min=0)
    log_buffer_size: int = in_range(1000, min=10, max=100_000)


@dataclass(frozen=True, kw_only=True)
class ApiUserSettings:
    username: str
    password: str  # plain text or an argon2 hash (``ftserver hash-password``)
    role: str = choice("read", "trade", "admin", default="read")


@dataclass(frozen=True, kw_only=True)
class ApiServerSettings:
    enabled: bool = True
    listen_ip_address: str = "127.0.0.1"
    listen_port: int = in_range(8080, min=1024, max=65535)
    verbosity: str = choice("error", "info", default="error")
    enable_openapi: bool = False
    jwt_secret_key: str = ""
    ws_token: str | tuple[str, ...] = custom(StringOrList, default="")
    CORS_origins: tuple[str, ...] = ()
    username: str = ""
    password: str = ""
    max_request_body: int = in_range(1_048_576, min=1024)
    auth_fail_limit: int = in_range(10, min=1)
    auth_fail_window: float = in_range(300, min=0, min_inclusive=False)
    auth_ban_seconds: float = in_range(600, min=0, min_inclusive=False)
    trusted_proxies: tuple[str, ...] = field(default=(), metadata={"validate": _ip_networks})
    ws_queue_size: int = in_range(1000, min=1)
    ws_send_timeout: float = in_range(10, min=0, min_inclusive=False)
    ws_heartbeat: float = in_range(30, min=0, min_inclusive=False)
    ui_path: str | None = None
    max_connections: int = in_range(1000, min=1)
    max_connections_per_ip: int = in_range(100, min=1)
    header_timeout: float = in_range(10, min=0, min_inclusive=False)
    users: tuple[ApiUserSettings, ...] = ()
    enable_metrics: bool = False
    tls_cert: str = ""
    tls_key: str = ""
    ws_replay_size: int = in_range(1000, min=0)
    ws_replay_age: float = in_range(300, min=0)


@dataclass(frozen=True, kw_only=True)
class ProducerSettings:
    name: str
    host: str
    port: int = in_range(8080, min=1, max=65535)
    secure: bool = False
    ws_token: str


@dataclass(frozen=True, kw_only=True)
class ExternalConsumerSettings:
    enabled: bool = False
    producers: tuple[ProducerSettings, ...] = ()
    wait_timeout: int = in_range(30, min=1)
    ping_timeout: int = in_range(10, min=1)
    sleep_time: int = in_range(10, min=1)
    remove_entry_exit_signals: bool = False
    initial_candle_limit: int = in_range(1500, min=1, max=1500)
    message_size_limit: int = in_range(8, min=1, max=20)


# ---- notifications -----------------------------------------------------------------------------
def _loudness(default: str, *, by_reason: bool = False) -> Any:
    return custom(Loudness, default=default, by_reason=by_reason)


@dataclass(frozen=True, kw_only=True)
class NotificationSettings:
    """Per message type: ``on``, ``off`` or ``silent`` (sent without a sound where the channel can)."""

    status: str = _loudness("on")
    warning: str = _loudness("on")
    startup: str = _loudness("on")
    exception: str = _loudness("on")
    entry: str = _loudness("on")
    entry_fill: str = _loudness("on")
    entry_cancel: str = _loudness("on")
    # An exit may be set per exit reason: {"roi": "silent", "stop_loss": "on", "*": "off"}.
    exit: str | Mapping[str, str] = _loudness("on", by_reason=True)
    exit_fill: str | Mapping[str, str] = _loudness("on", by_reason=True)
    exit_cancel: str = _loudness("on")
    protection_trigger: str = _loudness("on")
    protection_trigger_global: str = _loudness("on")
    liquidation_warning: str = _loudness("on")
    # "ohlc": trade messages also show the pair's last analyzed candle.
    show_candle: str = choice("off", "ohlc", default="off")


def _checked_templates(
    data: Mapping[str, Any], extra: frozenset[str], *, url_key: str
) -> list[tuple[MessageType, Any]]:
    """The section's templates by message type; a placeholder the type does not have is a config error."""
    if data.get("enabled") and not data.get(url_key):
        raise ValidationError("Must be set when the channel is enabled.", field_name=url_key)
    found = []
    for kind in NOTIFIABLE_TYPES:
        template = data.get(kind.value)
        if template is None:
            continue
        for path, problem in unknown_placeholders(template, kind, extra):
            raise ValidationError({kind.value: {path: [problem]} if path else [problem]})
        found.append((kind, template))
    return found


def _templates(default: Any = None, *, layout: bool = False) -> Any:
    return custom(EmbedLayout if layout else FrozenDict, default=default)


@dataclass(frozen=True, kw_only=True)
class WebhookSettings:
    """freqtrade's ``webhook`` section: one payload template per message type, posted to ``url``."""

    enabled: bool = False
    url: str = field(
        default="", metadata={"validate": validate.Regexp(r"^(https?://.+)?$", error="Must be an http(s) URL.")}
    )
    format: str = choice("form", "json", "raw", default="form")
    retries: int = in_range(0, min=0, max=20)
    retry_delay: float = in_range(0.1, min=0, max=300)
    timeout: float = in_range(10, min=0, min_inclusive=False, max=300)
    allow_custom_messages: bool = False
    notification_settings: NotificationSettings = field(default_factory=NotificationSettings)
    queue_size: int = in_range(1000, min=1, max=100_000)
    status: Mapping[str, Any] | None = _templates()
    warning: Mapping[str, Any] | None = _templates()
    startup: Mapping[str, Any] | None = _templates()
    exception: Mapping[str, Any] | None = _templates()
    entry: Mapping[str, Any] | None = _templates()
    entry_fill: Mapping[str, Any] | None = _templates()
    entry_cancel: Mapping[str, Any] | None = _templates()
    exit: Mapping[str, Any] | None = _templates()
    exit_fill: Mapping[str, Any] | None = _templates()
    exit_cancel: Mapping[str, Any] | None = _templates()
    protection_trigger: Mapping[str, Any] | None = _templates()
    protection_trigger_global: Mapping[str, Any] | None = _templates()
    liquidation_warning: Mapping[str, Any] | None = _templates()
    strategy_msg: Mapping[str, Any] | None = _templates()

    @validates_schema
    def _templates_fit_the_format(self, data: dict[str, Any], **kwargs: Any) -> None:
        fmt = data.get("format", "form")
        for kind, template in _checked_templates(data, frozenset(), url_key="url"):
            if fmt == "raw" and not isinstance(template.get("data"), str):
                raise ValidationError({kind.value: {"data": ['The raw format sends the text of "data": set it.']}})
            if fmt == "form":
                for key, value in template.items():
                    if isinstance(value, Mapping | tuple | list):
                        problem = "The form format sends flat fields: use format json for nested values."
                        raise ValidationError({kind.value: {key: [problem]}})


@dataclass(frozen=True, kw_only=True)
class DiscordSettings:
    """freqtrade's ``discord`` section: an embed per message type, posted to a Discord webhook URL."""

    enabled: bool = False
    webhook_url: str = field(
        default="", metadata={"validate": validate.Regexp(r"^(https?://.+)?$", error="Must be an http(s) URL.")}
    )
    retries: int = in_range(1, min=0, max=20)
    retry_delay: float = in_range(0.1, min=0, max=300)
    timeout: float = in_range(10, min=0, min_inclusive=False, max=300)
    allow_custom_messages: bool = False
    notification_settings: NotificationSettings = field(default_factory=NotificationSettings)
    queue_size: int = in_range(1000, min=1, max=100_000)
    status: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    warning: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    startup: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    exception: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    entry: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    entry_fill: tuple[Mapping[str, str], ...] | None = _templates(ENTRY_FILL_LAYOUT, layout=True)
    entry_cancel: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    exit: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    exit_fill: tuple[Mapping[str, str], ...] | None = _templates(EXIT_FILL_LAYOUT, layout=True)
    exit_cancel: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    protection_trigger: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    protection_trigger_global: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    liquidation_warning: tuple[Mapping[str, str], ...] | None = _templates(layout=True)
    strategy_msg: tuple[Mapping[str, str], ...] | None = _templates(layout=True)

    @validates_schema
    def _placeholders_known(self, data: dict[str, Any], **kwargs: Any) -> None:
        _checked_templates(data, DISCORD_EXTRA_PLACEHOLDERS, url_key="webhook_url")


@dataclass(frozen=True, kw_only=True)
class TelegramNotificationSettings(NotificationSettings):
    """freqtrade's Telegram defaults: a filled entry is announced only when asked for."""

    entry_fill: str = _loudness("off")


def _telegram_keyboard(value: Any) -> None:
    if not all(isinstance(row, tuple | list) and row and all(isinstance(k, str) for k in row) for row in value):
        raise ValidationError("Must be a list of rows, each a list of command texts.")


@dataclass(frozen=True, kw_only=True)
class TelegramSettings:
    """freqtrade's ``telegram`` section: notifications to one chat, and commands from that chat only."""

    enabled: bool = False
    token: str = ""
    chat_id: str = ""
    topic_id: str | None = None
    # User ids or usernames allowed to give commands in the chat; empty: everyone in the chat.
    authorized_users: tuple[str, ...] = ()
    allow_custom_messages: bool = True
    balance_dust_level: float = in_range(0.0, min=0)
    notification_settings: TelegramNotificationSettings = field(default_factory=TelegramNotificationSettings)
    # A "Refresh" button under the answers that can be refreshed (status, profit, balance, daily, ...).
    reload: bool = True
    # The reply keyboard's rows of command texts; None: freqtrade's default keyboard.
    keyboard: tuple[tuple[str, ...], ...] | None = field(default=None, metadata={"validate": _telegram_keyboard})
    # Where the Bot API is served (a local Bot API server, or a test double).
    api_url: str = field(
        default="https://api.telegram.org",
        metadata={"validate": validate.Regexp(r"^https?://.+", error="Must be an http(s) URL.")},
    )
    retries: int = in_range(2, min=0, max=20)
    retry_delay: float = in_range(1.0, min=0, max=300)
    timeout: float = in_range(10, min=0, min_inclusive=False, max=300)
    queue_size: int = in_range(1000, min=1, max=100_000)

    @validates_schema
    def _needs_a_bot_and_a_chat(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("enabled"):
            return
        for key in ("token", "chat_id"):
            if not data.get(key):
                raise ValidationError("Must be set when telegram is enabled.", field_name=key)
