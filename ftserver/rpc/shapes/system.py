"""Shapes of what the server says about itself and of the small answers: version, config, logs, host
load, health, state changes, ping and tokens."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ftserver.models import BotState, RunMode, TradingMode
from ftserver.rpc.shapes import choices, described, shape


@shape
class Version:
    """``/version``, and ``/ui_version`` for the served web UI."""

    version: str


@shape
class StatusMsg:
    """The answer of ping, start, stop, pause, reload_config and token revocation."""

    status: str


@shape
class AccessToken:
    access_token: str


@shape
class AccessAndRefreshToken:
    access_token: str
    refresh_token: str


@shape
class ShowConfig:
    """The config as freqtrade shows it. The sections passed through from the config file
    (``unfilledtimeout``, ``order_types``, the pricing sections, the pairlist steps) keep whatever
    keys the file has, so they stay open mappings."""

    version: str
    strategy_version: str | None
    api_version: float
    dry_run: bool
    trading_mode: str = field(metadata=choices(TradingMode))
    margin_mode: str
    short_allowed: bool
    stake_currency: str
    stake_amount: str = field(metadata=described('"unlimited" or the amount as text'))
    available_capital: float | None
    stake_currency_decimals: int
    max_open_trades: float = field(metadata=described("-1 for no limit"))
    minimal_roi: dict[str, float] | None
    stoploss: float | None
    stoploss_on_exchange: bool
    trailing_stop: bool
    trailing_stop_positive: float | None
    trailing_stop_positive_offset: float | None
    trailing_only_offset_is_reached: bool
    unfilledtimeout: dict[str, Any]
    order_types: dict[str, Any]
    use_custom_stoploss: bool
    timeframe: str | None
    timeframe_ms: int
    timeframe_min: int
    exchange: str
    demo_trading: bool
    strategy: str | None
    force_entry_enable: bool
    exit_pricing: dict[str, Any]
    entry_pricing: dict[str, Any]
    bot_name: str
    state: str = field(metadata=choices(BotState))
    runmode: str = field(metadata=choices(RunMode))
    position_adjustment_enable: bool
    max_entry_position_adjustment: float
    # Not in freqtrade's answer: the pairlist chain as configured (each step's method and options).
    pairlists: list[dict[str, Any]]


@shape
class Logs:
    log_count: int
    logs: list[tuple[str, float, str, str, str]] = field(
        metadata=described("[date, epoch ms, logger, level, message], oldest first")
    )


@shape
class CpuLoad:
    cpu: int
    pct: float


@shape
class SysInfo:
    cpu_pct: list[float]
    cpu_load: list[CpuLoad]
    # Keys "1m", "5m", "15m": not names a dataclass field can have.
    cpu_load_avg: dict[str, float] = field(metadata=described('load averages under "1m", "5m" and "15m"'))
    cpu_count: int
    cpu_avg: float
    ram_pct: float
    platform: str


@shape
class Health:
    last_process: str | None
    last_process_ts: int | None
    bot_start: str | None
    bot_start_ts: int | None
    bot_startup: str | None
    bot_startup_ts: int | None
