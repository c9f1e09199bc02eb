"""Lookahead check: does the strategy decide with candles it could not have seen yet?

freqtrade's lookahead analysis, computed more cheaply. The backtest runs once over the whole
timerange with the check's settings (freqtrade's: market orders unless limit orders are allowed, no
protections, no limit on open trades, a wallet of one billion and a stake of 10,000, so pairs never
compete and a pair's trades depend on its own candles only). Then, for each trade up to
``targeted_trade_amount`` (force exits skipped), the trade's pair alone is analysed and backtested
again on its candles cut just after the entry, and again cut just after the exit: a strategy that
looks ahead no longer opens (or closes) that trade at that candle without the future, and any
indicator column whose values on the cut candles differ from the full run's is named. Only one pair
is re-analysed per cut, where freqtrade runs a whole backtest twice per trade.

Blocking: runs in a job's worker thread.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from ftserver.backtest.analysis import AnalysisAborted, analyze, backtest_dataprovider
from ftserver.backtest.data import BacktestData, load_backtest_data
from ftserver.backtest.engine import load_strategy, simulate_analysis
from ftserver.backtest.options import BacktestSettings
from ftserver.backtest.records import LEFT_OPEN_EXIT_REASON, BacktestTrade
from ftserver.data.history import CandleStore
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.data.timerange import TimeRange
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Market
from ftserver.strategy.base import Strategy

log = logging.getLogger(__name__)

NEEDS_TIMERANGE = "Please set a timerange. Usually a few months are enough depending on your needs and strategy."
MARKET_ORDERS = {"entry": "market", "exit": "market", "stoploss": "market", "stoploss_on_exchange": False}
WALLET = 1_000_000_000.0
STAKE = 10_000.0

# (done, total, what) as the work goes on
Progress = Callable[[int, int, str], None]


def lookahead_settings(run: BacktestSettings, *, allow_limit_orders: bool = False) -> BacktestSettings:
    """The run as the check backtests it (freqtrade's overrides, see the module's docstring)."""
    if run.timerange.start is None and run.timerange.stop is None:
        raise InvalidRequest(NEEDS_TIMERANGE)
    config = dict(run.config)
    if not allow_limit_orders:
        config["order_types"] = dict(MARKET_ORDERS)
    config.update(max_open_trades=-1, dry_run_wallet=WALLET, stake_amount=STAKE, enable_protections=False)
    return dataclasses.replace(
        run,
        max_open_trades=-1,
        starting_balance=WALLET,
        stake_amount=STAKE,
        enable_protections=False,
        config=config,
    )


def lookahead_analysis(
    settings: BacktestSettings,
    *,
    minimum_trade_amount: int = 10,
    targeted_trade_amount: int = 20,
    allow_limit_orders: bool = False,
    markets: Mapping[str, Market] | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """freqtrade's answer: strategy, has_bias, total_signals, biased_entry_signals,
    biased_exit_signals, biased_indicators."""
    if targeted_trade_amount < minimum_trade_amount:
        raise InvalidRequest("Targeted trade amount can't be smaller than minimum trade amount.")
    run = lookahead_settings(settings, allow_limit_orders=allow_limit_orders)
    markets = dict(markets or {})
    strategy = _strategy(run, allow_limit_orders)
    store = CandleStore(run.datadir, run.data_format)  # type: ignore[arg-type]
    timeframe = str(strategy.timeframe)
    startup = int(strategy.startup_candle_count)
    data = load_backtest_data(
        store, run.pairs, timeframe, run.timerange, startup_candles=startup, timeframe_detail=run.timeframe_detail
    )
    strategy.dp = backtest_dataprovider(store, data.pairs, timeframe, run.timerange, startup)
    full = analyze(strategy, data, should_stop=should_stop)
    trades = simulate_analysis(run, strategy, data, full, markets, should_stop=should_stop).trades
    answer: dict[str, Any] = {
        "strategy": strategy.name,
        "has_bias": False,
        "total_signals": 0,
        "biased_entry_signals": 0,
        "biased_exit_signals": 0,
        "biased_indicators": [],
    }
    found = len(trades) + 1  # counted as freqtrade counts them
    if found < minimum_trade_amount:
        log.info("Lookahead analysis of %s: %d trades, fewer than %d: not checked", strategy.name, found,
                 minimum_trade_amount)  # fmt: skip
        return answer
    checked = [t for t in trades if LEFT_OPEN_EXIT_REASON not in t.exit_reason][:targeted_trade_amount]
    step = timedelta(seconds=timeframe_to_seconds(timeframe))
    biased: list[str] = []
    for done, trade in enumerate(checked):
        if should_stop is not None and should_stop():
            raise AnalysisAborted("Lookahead analysis was stopped.")
        if progress is not None:
            progress(done, len(checked), "Analyzing trades")
        answer["total_signals"] += 1
        for side, moment in (("entry", trade.open_date), ("exit", trade.close_date)):
            cut = _cut_run(run, allow_limit_orders, store, data, markets, trade.pair, moment + step)
            if not _trades_at(cut.trades, side, moment):
                answer[f"biased_{side}_signals"] += 1
            for column in _changed_columns(full.frames.get(trade.pair), cut.frame):
                if column not in biased:
                    biased.append(column)
                    log.info("Lookahead bias in column %s of %s (cut after %s)", column, trade.pair, moment)
    if progress is not None:
        progress(len(checked), len(checked), "Analyzing trades")
    answer["biased_indicators"] = biased
    answer["has_bias"] = bool(answer["biased_entry_signals"] or answer["biased_exit_signals"] or biased)
    if answer["total_signals"] < minimum_trade_amount:
        log.info("Lookahead analysis of %s: only %d signals checked", strategy.name, answer["total_signals"])
    return answer


@dataclasses.dataclass(frozen=True, slots=True)
class _Cut:
    frame: pd.DataFrame | None  # the pair's analysed candles up to the cut
    trades: Sequence[BacktestTrade]


def _strategy(run: BacktestSettings, allow_limit_orders: bool) -> Strategy:
    """A fresh strategy for each run (informative caches and state never carry over)."""
    strategy = load_strategy(run)
    if not allow_limit_orders:
        strategy.order_types = dict(MARKET_ORDERS)
    return strategy


def _cut_run(
    run: BacktestSettings,
    allow_limit_orders: bool,
    store: CandleStore,
    data: BacktestData,
    markets: Mapping[str, Market],
    pair: str,
    until: datetime,
) -> _Cut:
    """``pair`` alone, analysed and backtested on its candles up to ``until`` (startup candles kept)."""
    strategy = _strategy(run, allow_limit_orders)
    candles = data.candles[pair]
    cut = BacktestData(
        timeframe=data.timeframe,
        startup_candles=data.startup_candles,
        start=data.start,
        end=until,
        candles={pair: candles.loc[candles["date"] <= pd.Timestamp(until)].reset_index(drop=True)},
        timeframe_detail=data.timeframe_detail,
        detail={
            name: frame.loc[frame["date"] <= pd.Timestamp(until)] for name, frame in data.detail.items() if name == pair
        },
    )
    timeframe = str(strategy.timeframe)
    strategy.dp = backtest_dataprovider(store, [pair], timeframe, TimeRange(run.timerange.start, until),
                                        data.startup_candles)  # fmt: skip
    analysis = analyze(strategy, cut)
    if pair not in analysis.signals:
        return _Cut(frame=None, trades=())
    single = dataclasses.replace(run, pairs=(pair,))
    outcome = simulate_analysis(single, strategy, cut, analysis, markets)
    return _Cut(frame=analysis.frames[pair], trades=outcome.trades)


def _trades_at(trades: Sequence[BacktestTrade], side: str, moment: datetime) -> bool:
    if side == "entry":
        return any(t.open_date == moment for t in trades)
    return any(t.close_date == moment for t in trades)


def _changed_columns(full: pd.DataFrame | None, cut: pd.DataFrame | None) -> list[str]:
    """The columns whose value on any candle of ``cut`` differs from the same candle in ``full``
    (missing values on both sides count as equal)."""
    if full is None or cut is None or cut.empty:
        return []
    same_candles = full.set_index("date").reindex(pd.DatetimeIndex(cut["date"]))
    cut_values = cut.set_index("date")
    changed = []
    for column in cut_values.columns:
        if column not in same_candles.columns:
            continue
        mine, theirs = same_candles[column], cut_values[column]
        both_missing = mine.isna() & theirs.isna()
        differs = (mine != theirs) & ~both_missing
        if bool(differs.any()):
            changed.append(str(column))
    return changed
