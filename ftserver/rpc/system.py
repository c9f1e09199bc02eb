"""``SystemInfo``: what the server says about itself: version, shown config, logs, host load, health."""

from __future__ import annotations

import platform
from datetime import datetime

import psutil

from ftserver import __version__
from ftserver.config import Settings
from ftserver.config.fields import thaw
from ftserver.data.timeframes import timeframe_to_minutes, timeframe_to_ms
from ftserver.errors import StorageUnavailable
from ftserver.logs import LogBuffer
from ftserver.models import RunMode
from ftserver.rpc.bot_port import BotPort
from ftserver.rpc.shapes.system import CpuLoad, Health, Logs, ShowConfig, SysInfo, Version

API_VERSION = 2.5


def _stake_text(stake: float | str) -> str:
    """freqtrade shows the stake as a string: "unlimited" or the number ("100", "12.5")."""
    if isinstance(stake, str):
        return stake
    return str(int(stake)) if float(stake).is_integer() else str(stake)


class SystemInfo:
    def __init__(self, settings: Settings, *, runmode: RunMode, log_buffer: LogBuffer) -> None:
        self.settings = settings
        self.runmode = runmode
        self.log_buffer = log_buffer

    def version(self) -> Version:
        return Version(__version__)

    def show_config(self, bot: BotPort | None) -> ShowConfig:
        """The config as freqtrade shows it; ``bot`` None in webserver mode."""
        s = self.settings
        # Sections as in the config file, keys unknown to ftserver included, as freqtrade shows them.
        shown = s.as_dict()
        strategy = bot.strategy_info() if bot else None
        timeframe = bot.timeframe if bot else s.timeframe
        max_open = s.max_open_trades
        stake_amount = s.stake_amount
        return ShowConfig(
            version=__version__,
            strategy_version=strategy.version if strategy else None,
            api_version=API_VERSION,
            dry_run=s.dry_run,
            trading_mode=s.trading_mode,
            margin_mode=s.margin_mode,
            short_allowed=bool(strategy and strategy.can_short and s.trading_mode != "spot"),
            stake_currency=s.stake_currency,
            stake_amount=_stake_text(stake_amount),
            available_capital=s.available_capital,
            stake_currency_decimals=3,
            max_open_trades=float(max_open) if max_open >= 0 else -1,
            minimal_roi=strategy.minimal_roi if strategy else shown["minimal_roi"],
            stoploss=strategy.stoploss if strategy else s.stoploss,
            stoploss_on_exchange=s.order_types.stoploss_on_exchange,
            trailing_stop=strategy.trailing_stop if strategy else bool(s.trailing_stop),
            trailing_stop_positive=strategy.trailing_stop_positive if strategy else None,
            trailing_stop_positive_offset=strategy.trailing_stop_positive_offset if strategy else 0.0,
            trailing_only_offset_is_reached=strategy.trailing_only_offset_is_reached if strategy else False,
            unfilledtimeout=shown["unfilledtimeout"],
            order_types=shown["order_types"],
            use_custom_stoploss=strategy.use_custom_stoploss if strategy else False,
            timeframe=timeframe,
            timeframe_ms=timeframe_to_ms(timeframe) if timeframe else 0,
            timeframe_min=timeframe_to_minutes(timeframe) if timeframe else 0,
            exchange=s.exchange.name,
            demo_trading=False,
            strategy=strategy.name if strategy else s.strategy,
            force_entry_enable=s.force_entry_enable,
            exit_pricing=shown["exit_pricing"],
            entry_pricing=shown["entry_pricing"],
            bot_name=s.bot_name,
            state=bot.state.value if bot else "running",
            runmode=self.runmode.value,
            position_adjustment_enable=(
                strategy.position_adjustment_enable if strategy else s.position_adjustment_enable
            ),
            max_entry_position_adjustment=(
                strategy.max_entry_position_adjustment if strategy else s.max_entry_position_adjustment
            ),
            pairlists=[{"method": step.method, **thaw(step.options)} for step in s.pairlists],
        )

    def logs(self, limit: int | None = None) -> Logs:
        entries = self.log_buffer.entries(limit)
        return Logs(log_count=len(entries), logs=entries)

    def sysinfo(self) -> SysInfo:
        per_cpu = psutil.cpu_percent(interval=None, percpu=True)
        load = psutil.getloadavg() if hasattr(psutil, "getloadavg") else (0.0, 0.0, 0.0)
        return SysInfo(
            cpu_pct=per_cpu,
            cpu_load=[CpuLoad(cpu=i, pct=pct) for i, pct in enumerate(per_cpu)],
            cpu_load_avg={"1m": load[0], "5m": load[1], "15m": load[2]},
            cpu_count=psutil.cpu_count() or len(per_cpu),
            cpu_avg=sum(per_cpu) / len(per_cpu) if per_cpu else 0.0,
            ram_pct=psutil.virtual_memory().percent,
            platform=platform.platform(),
        )

    def health(self, bot: BotPort) -> Health:
        """freqtrade's /health, or ``StorageUnavailable`` (503) while trades cannot be recorded:
        a monitor that checks the status code sees the bot is not healthy."""
        health = bot.health()
        if health.storage_failure is not None:
            raise StorageUnavailable(health.storage_failure)

        def iso(dt: datetime | None) -> str | None:
            return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if dt else None

        def ts(dt: datetime | None) -> int | None:
            return int(dt.timestamp()) if dt else None

        return Health(
            last_process=iso(health.last_process),
            last_process_ts=ts(health.last_process),
            bot_start=iso(health.bot_start),
            bot_start_ts=ts(health.bot_start),
            bot_startup=iso(health.bot_startup),
            bot_startup_ts=ts(health.bot_startup),
        )
