"""``ftserver backtesting``'s options and the typed settings of one backtest run.

``add_backtesting_arguments`` declares freqtrade's backtesting options (same names and aliases);
``backtest_settings`` merges what a run overrides (from the command line, or from ``POST /backtest``'s
body) over the loaded configuration into one frozen ``BacktestSettings``. A bad value raises
``ConfigError`` naming its key, as the config loader does. This module imports only the standard
library and light ftserver modules at load time, so the command line stays quick.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ftserver.data.timeframes import is_timeframe, timeframe_to_seconds
from ftserver.data.timerange import TimeRange, parse_timerange
from ftserver.errors import ConfigError, InvalidRequest

if TYPE_CHECKING:
    from ftserver.config import Settings

EXPORTS = ("none", "trades", "signals")
BREAKDOWNS = ("day", "week", "month", "year", "weekday")
RESULTS_FOLDER = "backtest_results"

Export = Literal["none", "trades", "signals"]


@dataclass(frozen=True, slots=True)
class BacktestSettings:
    """One backtest run's settings: the configuration with the run's overrides applied."""

    strategy: str
    strategy_paths: tuple[Path, ...]  # searched in order: the user's folder, then the built-in strategies
    timeframe: str | None  # None: the strategy's own
    timeframe_detail: str | None
    timerange: TimeRange
    pairs: tuple[str, ...]
    max_open_trades: int  # -1: no limit
    stake_amount: float | Literal["unlimited"]
    starting_balance: float  # in the stake currency (dry_run_wallet)
    stake_currency: str
    fee: float | None  # None: the exchange's (the config's) fee
    enable_protections: bool
    export: Export
    results_dir: Path
    export_filename: Path | None  # a file name to derive the result's name from, else results_dir
    breakdown: tuple[str, ...]
    datadir: Path
    data_format: str
    # The configuration as the strategy sees it (self.config) and as the result stores it: plain data.
    config: Mapping[str, Any]

    @property
    def timerange_text(self) -> str | None:
        return str(self.timerange) if self.timerange.start or self.timerange.stop else None


def add_backtesting_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``ftserver backtesting`` beyond the common ones (-c, -v, --userdir)."""
    parser.add_argument("-s", "--strategy", metavar="NAME", help="strategy class name (default: the config's)")
    parser.add_argument("--strategy-path", metavar="DIR", help="extra folder to look for strategies in")
    parser.add_argument("-i", "--timeframe", metavar="TF", help="candle timeframe (default: the strategy's)")
    parser.add_argument(
        "--timeframe-detail", metavar="TF", help="a smaller timeframe whose candles decide what happens within a candle"
    )
    parser.add_argument("--timerange", metavar="START-STOP", help="e.g. 20240101-20240301, 20240101-")
    parser.add_argument("-p", "--pairs", nargs="+", metavar="PAIR", help="pairs (default: the config's whitelist)")
    parser.add_argument("--max-open-trades", type=int, metavar="INT", help="override max_open_trades (-1: no limit)")
    parser.add_argument("--stake-amount", metavar="AMOUNT", help="override stake_amount (a number or 'unlimited')")
    parser.add_argument(
        "--dry-run-wallet", "--starting-balance", type=float, metavar="AMOUNT", help="the starting balance"
    )
    parser.add_argument("--fee", type=float, metavar="RATIO", help="fee ratio per order side, e.g. 0.001")
    parser.add_argument(
        "--enable-protections",
        "--enableprotections",
        action="store_true",
        default=False,
        help="apply the configured protections (slower)",
    )
    parser.add_argument("--export", choices=EXPORTS, default="trades", help="what to store (default: trades)")
    parser.add_argument(
        "--export-filename",
        "--backtest-filename",
        dest="export_filename",
        metavar="FILE",
        help="name the stored result after FILE (default: backtest-result-<time> in the results folder)",
    )
    parser.add_argument(
        "--export-directory",
        "--backtest-directory",
        dest="export_directory",
        metavar="DIR",
        help="the results folder (default: user_data/backtest_results)",
    )
    parser.add_argument(
        "--breakdown", nargs="+", default=[], choices=BREAKDOWNS, help="also show the profit per period"
    )


def settings_from_arguments(settings: Settings, args: argparse.Namespace) -> BacktestSettings:
    """``backtest_settings`` with the command line's overrides (``--strategy-path`` is applied by the
    config loader, as for ``trade``)."""
    return backtest_settings(
        settings,
        strategy=args.strategy,
        timeframe=args.timeframe,
        timeframe_detail=args.timeframe_detail,
        timerange=args.timerange,
        pairs=args.pairs,
        max_open_trades=args.max_open_trades,
        stake_amount=args.stake_amount,
        dry_run_wallet=args.dry_run_wallet,
        fee=args.fee,
        enable_protections=args.enable_protections,
        export=args.export,
        export_filename=args.export_filename,
        export_directory=args.export_directory,
        breakdown=args.breakdown,
    )


def backtest_settings(
    settings: Settings,
    *,
    strategy: str | None = None,
    timeframe: str | None = None,
    timeframe_detail: str | None = None,
    timerange: str | None = None,
    pairs: list[str] | tuple[str, ...] | None = None,
    max_open_trades: int | None = None,
    stake_amount: str | float | None = None,
    dry_run_wallet: float | None = None,
    fee: float | None = None,
    enable_protections: bool = False,
    export: str = "trades",
    export_filename: str | None = None,
    export_directory: str | None = None,
    breakdown: list[str] | tuple[str, ...] = (),
) -> BacktestSettings:
    """The run's settings: each override given (not None) replaces the configuration's value."""
    from ftserver.strategy.loader import builtin_strategy_dir  # pandas: loaded when a run is set up

    timeframe = timeframe or settings.timeframe
    timeframe_detail = timeframe_detail or settings.timeframe_detail
    _check_timeframe(timeframe, "timeframe")
    _check_timeframe(timeframe_detail, "timeframe_detail")
    if timeframe and timeframe_detail and timeframe_to_seconds(timeframe_detail) >= timeframe_to_seconds(timeframe):
        raise ConfigError(f"{timeframe_detail} must be a smaller timeframe than {timeframe}", key="timeframe_detail")
    try:
        span = parse_timerange(timerange)
    except InvalidRequest as exc:
        raise ConfigError(str(exc), key="timerange") from None
    open_trades = settings.max_open_trades if max_open_trades is None else max_open_trades
    if open_trades < -1:
        raise ConfigError("must be -1 (no limit) or a number of trades", key="max_open_trades")
    stake = _stake_amount(settings.stake_amount if stake_amount is None else stake_amount)
    balance = _starting_balance(settings, dry_run_wallet)
    if fee is not None and not 0 <= fee < 0.1:
        raise ConfigError("must be a ratio from 0 to 0.1 (e.g. 0.001 for 0.1 %)", key="fee")
    if export not in EXPORTS:
        raise ConfigError(f"must be one of {', '.join(EXPORTS)}", key="export")
    unknown = [period for period in breakdown if period not in BREAKDOWNS]
    if unknown:
        raise ConfigError(f"unknown period {unknown[0]!r}; one of {', '.join(BREAKDOWNS)}", key="breakdown")
    chosen_pairs = tuple(pairs) if pairs else tuple(settings.exchange.pair_whitelist)
    if not chosen_pairs:
        raise ConfigError("no pairs to backtest: list them in exchange.pair_whitelist or with --pairs", key="pairs")
    name = strategy or settings.strategy
    config = settings.as_dict()
    config.update(
        {
            "strategy": name,
            "max_open_trades": open_trades,
            "stake_amount": stake,
            "dry_run_wallet": balance,
            "dry_run": True,
            "runmode": "backtest",
            "timerange": str(span) if span.start or span.stop else None,
            "timeframe_detail": timeframe_detail,
            "enable_protections": enable_protections,
            "export": export,
        }
    )
    if timeframe:
        config["timeframe"] = timeframe
    if fee is not None:
        config["fee"] = fee
    config["exchange"] = {**config["exchange"], "pair_whitelist": list(chosen_pairs)}
    datadir = Path(settings.datadir) if settings.datadir else settings.user_data_dir / "data" / settings.exchange.name
    return BacktestSettings(
        strategy=name,
        strategy_paths=(settings.strategy_path, builtin_strategy_dir()),
        timeframe=timeframe,
        timeframe_detail=timeframe_detail,
        timerange=span,
        pairs=chosen_pairs,
        max_open_trades=open_trades,
        stake_amount=stake,
        starting_balance=balance,
        stake_currency=settings.stake_currency,
        fee=fee if fee is not None else settings.fee,
        enable_protections=enable_protections,
        export=export,  # type: ignore[arg-type]  # checked against EXPORTS above
        results_dir=Path(export_directory) if export_directory else settings.user_data_dir / RESULTS_FOLDER,
        export_filename=Path(export_filename) if export_filename else None,
        breakdown=tuple(breakdown),
        datadir=datadir,
        data_format=settings.dataformat_ohlcv,
        config=config,
    )


def _check_timeframe(value: str | None, key: str) -> None:
    if value is not None and not is_timeframe(value):
        raise ConfigError(f"{value!r} is not a timeframe (1m, 5m, 1h, 1d, ...)", key=key)


def _stake_amount(value: str | float) -> float | Literal["unlimited"]:
    if value == "unlimited":
        return "unlimited"
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{value!r} is neither a number nor 'unlimited'", key="stake_amount") from None
    if not amount > 0:
        raise ConfigError("must be a positive number or 'unlimited'", key="stake_amount")
    return amount


def _starting_balance(settings: Settings, override: float | None) -> float:
    if override is not None:
        if override <= 0:
            raise ConfigError("must be a positive amount", key="dry_run_wallet")
        return float(override)
    wallet = settings.dry_run_wallet
    if isinstance(wallet, Mapping):
        if settings.stake_currency not in wallet:
            raise ConfigError(f"names no {settings.stake_currency} amount to start with", key="dry_run_wallet")
        return float(wallet[settings.stake_currency])
    return float(wallet)
