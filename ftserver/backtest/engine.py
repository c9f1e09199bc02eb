"""``run_backtest``: one strategy's backtest from its settings to freqtrade's result.

Load the strategy and the stored candles (with its startup candles), analyse each pair once
(``analysis``), simulate the trades (``simulation``) with the exchange's markets for amount and
price steps, minimum stakes and the fee (the caller loads them: it may reach an exchange), then
build the statistics (``stats``). Blocking, in whichever process calls it; ``progress(phase,
fraction)`` reports freqtrade's phases (dataload, analyze, backtest) and ``should_stop()`` aborts
between pairs and every few thousand candles.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ftserver.backtest import metrics
from ftserver.backtest.analysis import Analysis, StrategySource, analyze, backtest_dataprovider
from ftserver.backtest.data import BacktestData, load_backtest_data
from ftserver.backtest.options import BacktestSettings
from ftserver.backtest.price_ticks import ticks_by_month
from ftserver.backtest.records import BacktestRun
from ftserver.backtest.simulation import DetailCandles, Outcome, Wallet, simulate
from ftserver.backtest.stats import backtest_result
from ftserver.bot.protection_settings import declared_protections, strategy_protections
from ftserver.config.sections import ProtectionSettings
from ftserver.data.history import CandleStore
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.decide import position, strategy_answers
from ftserver.errors import InvalidRequest, StrategyError
from ftserver.exchange.base import Market
from ftserver.strategy.base import Strategy

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]  # (phase, fraction 0..1); phases "dataload", "analyze", "backtest"
DEFAULT_FEE = 0.001


@dataclass(frozen=True, slots=True)
class BacktestOutcome:
    runs: tuple[BacktestRun, ...]  # one per strategy (one strategy for now)
    result: dict[str, Any]  # stats.backtest_result(runs): freqtrade's stored result shape
    seconds_loading: float
    seconds_analyzing: float
    seconds_simulating: float


def run_backtest(
    settings: BacktestSettings,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    markets: Mapping[str, Market] | None = None,
) -> BacktestOutcome:
    """``markets``: the exchange's markets of the backtested pairs (amount and price steps, limits, the
    fee); without them amounts are not rounded to the exchange's steps and the fee is 0.1 %."""

    def report(phase: str, fraction: float) -> None:
        if progress is not None:
            progress(phase, fraction)

    report("startup", 0.0)
    started = time.time()
    strategy = load_strategy(settings)
    timeframe = str(strategy.timeframe)
    report("dataload", 0.0)
    store = CandleStore(settings.datadir, settings.data_format)  # type: ignore[arg-type]
    clock = time.perf_counter()
    data = load_backtest_data(
        store,
        settings.pairs,
        timeframe,
        settings.timerange,
        startup_candles=int(strategy.startup_candle_count),
        timeframe_detail=settings.timeframe_detail,
    )
    loaded = time.perf_counter()
    report("analyze", 0.0)
    strategy.dp = backtest_dataprovider(
        store, data.pairs, timeframe, settings.timerange, int(strategy.startup_candle_count)
    )
    analysis = analyze(
        strategy, data, progress=lambda done, total: report("analyze", done / max(total, 1)), should_stop=should_stop
    )
    analyzed = time.perf_counter()
    markets = dict(markets or {})
    report("backtest", 0.0)
    outcome = simulate_analysis(
        settings,
        strategy,
        data,
        analysis,
        markets,
        progress=lambda fraction: report("backtest", fraction),
        should_stop=should_stop,
    )
    simulated = time.perf_counter()
    trades = sorted(outcome.trades, key=lambda t: (t.close_date, t.open_date, t.pair))
    run = BacktestRun(
        strategy_name=strategy.name,
        trades=trades,
        pairlist=list(settings.pairs),
        start=data.start,
        end=data.end,
        timeframe=timeframe,
        stake_currency=settings.stake_currency,
        stake_amount=settings.stake_amount,
        starting_balance=settings.starting_balance,
        final_balance=outcome.final_balance,
        max_open_trades=float(settings.max_open_trades) if settings.max_open_trades >= 0 else float("inf"),
        stoploss=float(strategy.stoploss),
        minimal_roi={str(k): float(v) for k, v in strategy.minimal_roi.items()},
        timeframe_detail=settings.timeframe_detail or "",
        timerange=settings.timerange_text or "",
        enable_protections=settings.enable_protections,
        market_change=metrics.market_change(analysis.frames, data.start),
        trailing_stop=bool(strategy.trailing_stop),
        trailing_stop_positive=strategy.trailing_stop_positive,
        trailing_stop_positive_offset=float(strategy.trailing_stop_positive_offset),
        trailing_only_offset_is_reached=bool(strategy.trailing_only_offset_is_reached),
        use_custom_stoploss=bool(strategy.use_custom_stoploss),
        use_exit_signal=bool(strategy.use_exit_signal),
        exit_profit_only=bool(strategy.exit_profit_only),
        exit_profit_offset=float(strategy.exit_profit_offset),
        ignore_roi_if_entry_signal=bool(strategy.ignore_roi_if_entry_signal),
        rejected_signals=outcome.rejected_signals,
        locks=outcome.locks,
        run_started=int(started),
        run_ended=int(time.time()),
    )
    log.info(
        "Backtested %s: %d trades on %d pairs (load %.2f s, analyse %.2f s, simulate %.2f s)",
        strategy.name,
        len(trades),
        len(analysis.signals),
        loaded - clock,
        analyzed - loaded,
        simulated - analyzed,
    )
    return BacktestOutcome(
        runs=(run,),
        result=backtest_result([run]),
        seconds_loading=loaded - clock,
        seconds_analyzing=analyzed - loaded,
        seconds_simulating=simulated - analyzed,
    )


def _protections(settings: BacktestSettings, strategy: Strategy) -> tuple[ProtectionSettings, ...]:
    """With protections enabled: the configuration's, then the strategy's (as the live bot applies them)."""
    if not settings.enable_protections:
        return ()
    return declared_protections(settings.config.get("protections"), "config") + strategy_protections(
        strategy, strategy.name
    )


def load_strategy(settings: BacktestSettings) -> Strategy:
    """The run's strategy, freshly loaded with the run's configuration, its ``bot_start`` asked."""
    config = dict(settings.config)
    if settings.timeframe:
        config["timeframe"] = settings.timeframe
    strategy = StrategySource(settings.strategy, settings.strategy_paths, config).load()
    _refuse_unsimulated(settings, strategy)
    if not strategy_answers.bot_start(strategy):
        raise StrategyError(f"Strategy {strategy.name}: bot_start() failed (see the log)")
    return strategy


def simulate_analysis(
    settings: BacktestSettings,
    strategy: Strategy,
    data: BacktestData,
    analysis: Analysis,
    markets: Mapping[str, Market],
    *,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Outcome:
    """The trades of ``analysis`` (the strategy's analysed pairs of ``data``) under the run's wallet,
    stakes, slots, fee, protections and detail candles."""
    timeframe = str(strategy.timeframe)
    fee = settings.fee if settings.fee is not None else backtest_fee(markets, settings.pairs)
    wallet = Wallet(
        starting_balance=settings.starting_balance,
        tradable_balance_ratio=float(settings.config.get("tradable_balance_ratio", 0.99)),
        available_capital=settings.config.get("available_capital"),
    )
    return simulate(
        strategy,
        analysis.signals,
        wallet=wallet,
        stake_amount=settings.stake_amount,
        max_open_trades=settings.max_open_trades,
        fee=fee,
        markets=markets,
        timeframe_minutes=timeframe_to_seconds(timeframe) // 60,
        price_ticks={pair: ticks_by_month(frame) for pair, frame in data.candles.items() if pair in analysis.signals},
        progress=progress,
        should_stop=should_stop,
        protections=_protections(settings, strategy),
        timeframe=timeframe,
        detail={pair: DetailCandles.of(frame) for pair, frame in data.detail.items() if pair in analysis.signals},
        detail_minutes=timeframe_to_seconds(settings.timeframe_detail) // 60 if settings.timeframe_detail else 0,
        position_adjustment=position.adjustment_enabled(
            bool(settings.config.get("position_adjustment_enable", False)),
            bool(getattr(strategy, "position_adjustment_enable", False)),
        ),
        max_entry_adjustments=position.max_entry_adjustments(
            int(settings.config.get("max_entry_position_adjustment", -1)),
            int(getattr(strategy, "max_entry_position_adjustment", -1)),
        ),
    )


def _refuse_unsimulated(settings: BacktestSettings, strategy: Any) -> None:
    """What the simulation does not follow yet is refused, never silently ignored."""
    if getattr(strategy, "can_short", False):
        raise InvalidRequest(f"Strategy {strategy.name}: can_short is not simulated (ftserver trades spot only)")


def backtest_fee(markets: Mapping[str, Market], pairs: tuple[str, ...]) -> float:
    """freqtrade's backtest fee: the taker fee of the first pair's market (one fee for every pair)."""
    first = markets.get(pairs[0]) if pairs else None
    return float(first.taker_fee) if first is not None else DEFAULT_FEE
