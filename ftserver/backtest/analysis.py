"""A backtest's analysis: the strategy run once per pair over all its candles, then freqtrade's signal
preparation for the simulation.

``analyze`` runs ``Strategy.analyze`` (indicators, entry and exit trends) on each pair's whole frame,
with ``self.dp`` in backtest run mode reading stored candles (informative pairs included, cut to the
timerange less their own startup candles). ``prepare_signals`` then does what freqtrade's backtesting
does before it simulates: drop the startup candles (by count) and candles after the stop, shift every
signal and tag one candle later (a signal seen at a candle's close acts at the next candle's open),
drop the first candle (it has no previous one), and keep plain NumPy columns. Candidate entries are
the rows whose shifted entry signal is set: the simulation walks only from those while nothing is
open.

``analyze_in_process`` runs loading and analysis in a worker process (spawn: a fresh interpreter,
the strategy loaded there by name and search path), so the API's event loop keeps answering; the
calling thread sees progress and can ask the worker to stop between pairs.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ftserver.backtest.data import BacktestData, fill_gaps, load_backtest_data, read_candles
from ftserver.bot.dataprovider import DataProvider
from ftserver.data.frames import candles_to_frame
from ftserver.data.history import CandleStore
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.data.timerange import TimeRange
from ftserver.errors import FtServerError, StrategyError
from ftserver.models import RunMode
from ftserver.strategy.base import Strategy
from ftserver.strategy.loader import load_strategy

log = logging.getLogger(__name__)

SIGNAL_COLUMNS = ("enter_long", "exit_long", "enter_short", "exit_short")
TAG_COLUMNS = ("enter_tag", "exit_tag")
PRICE_COLUMNS = ("open", "high", "low", "close")

Progress = Callable[[int, int], None]  # (pairs done, pairs in all)


class AnalysisAborted(FtServerError):
    """The analysis was asked to stop before it finished."""

    code = "aborted"


@dataclass(frozen=True, slots=True)
class PairSignals:
    """One pair's backtested candles as the simulation reads them, row by row.

    Row ``i`` is candle ``i``'s prices with the signals and tags of candle ``i - 1``: what the
    strategy decided at that candle's close, acted on at this candle's open.
    """

    pair: str
    dates: np.ndarray  # int64 epoch ms of each candle's open
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    enter_long: np.ndarray  # bool
    exit_long: np.ndarray
    enter_short: np.ndarray
    exit_short: np.ndarray
    enter_tag: np.ndarray  # object: str or None
    exit_tag: np.ndarray

    def __len__(self) -> int:
        return len(self.dates)

    def entry_sides(self, *, can_short: bool = False) -> np.ndarray:
        """Per row: 1 a long entry, -1 a short entry, 0 none. An entry needs its side's entry
        signal without that side's exit signal and without the other side's entry (freqtrade's
        rule); shorts only when the strategy can short."""
        enter_short = self.enter_short if can_short else np.zeros(len(self), dtype=bool)
        exit_short = self.exit_short if can_short else np.zeros(len(self), dtype=bool)
        long = self.enter_long & ~self.exit_long & ~enter_short
        short = enter_short & ~exit_short & ~self.enter_long
        sides: np.ndarray = long.astype(np.int8) - short.astype(np.int8)
        return sides

    def entry_rows(self, *, can_short: bool = False) -> np.ndarray:
        """The rows where a trade may open (see ``entry_sides``), ascending: the simulation walks
        from one of them to the trade's exit, and skips the rows between while nothing is open."""
        rows: np.ndarray = np.flatnonzero(self.entry_sides(can_short=can_short))
        return rows

    def row_at_or_after(self, date_ms: int) -> int:
        """The first row at or after ``date_ms`` (``len(self)`` when there is none)."""
        return int(np.searchsorted(self.dates, date_ms, side="left"))


@dataclass(slots=True)
class Analysis:
    """Each pair's analyzed frame (startup trimmed, signals NOT shifted: what callbacks read through
    ``self.dp.get_analyzed_dataframe``) and its prepared signals."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    signals: dict[str, PairSignals] = field(default_factory=dict)


class BacktestDataProvider(DataProvider):
    """``self.dp`` while a strategy is backtested: stored candles, the backtested pairs as whitelist."""

    def __init__(
        self, *, timeframe: str, history: CandleStore, pairs: Sequence[str], candle_type: str = "spot"
    ) -> None:
        super().__init__(runmode=RunMode.BACKTEST, timeframe=timeframe, history=history, candle_type=candle_type)
        self._pairs = list(pairs)

    def current_whitelist(self) -> list[str]:
        return list(self._pairs)


class StartupRangeStore(CandleStore):
    """The candle store as a backtest's ``self.dp`` reads it: each (pair, timeframe) cut to the
    backtest's timerange less ``startup_candles`` candles of that timeframe, gaps filled (freqtrade's
    informative candles in backtesting)."""

    def __init__(self, store: CandleStore, timerange: TimeRange, startup_candles: int) -> None:
        super().__init__(store.datadir, store.data_format)
        self.timerange = timerange
        self.startup_candles = startup_candles

    def load(
        self, pair: str, timeframe: str, candle_type: str = "spot", timerange: TimeRange | None = None
    ) -> pd.DataFrame:
        span = timerange or self.timerange
        if span.start is not None:
            step = timedelta(seconds=timeframe_to_seconds(timeframe) * self.startup_candles)
            span = TimeRange(span.start - step, span.stop)
        frame = read_candles(self, pair, timeframe, span, candle_type)
        return candles_to_frame([]) if frame is None else fill_gaps(frame, timeframe)


@dataclass(frozen=True, slots=True)
class StrategySource:
    """What loads a strategy in any process: its class name, the folders to look in, the config."""

    name: str
    search_paths: tuple[Path, ...]
    config: Mapping[str, Any]  # plain data (it crosses to the worker process)

    def load(self) -> Strategy:
        return load_strategy(self.name, self.search_paths, self.config)


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    """Everything a worker process needs to load the candles and analyze them (plain, picklable data)."""

    strategy: StrategySource
    datadir: Path
    data_format: str
    pairs: tuple[str, ...]
    timerange: TimeRange
    timeframe: str | None = None  # None: the strategy's
    timeframe_detail: str | None = None
    candle_type: str = "spot"


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """What comes back from the worker: the prepared signals and the data's extent (not the frames)."""

    strategy: str
    timeframe: str
    start: datetime
    end: datetime
    signals: dict[str, PairSignals]
    missing: tuple[str, ...]
    seconds_loading: float
    seconds_analyzing: float


def analyze_pair(strategy: Strategy, pair: str, candles: pd.DataFrame) -> pd.DataFrame:
    """The strategy's analysis of one pair's candles; user errors become ``StrategyError``."""
    try:
        return strategy.analyze(candles, {"pair": pair})
    except StrategyError:
        raise
    except Exception as exc:
        raise StrategyError(
            f"Strategy {strategy.name} failed while analyzing {pair}: {type(exc).__name__}: {exc}"
        ) from exc


def trim_to_backtest(
    analyzed: pd.DataFrame, startup_candles: int, start: datetime, stop: datetime | None
) -> pd.DataFrame:
    """The analyzed rows that are backtested: the first ``startup_candles`` rows dropped (freqtrade
    trims by count when the strategy has startup candles, else by the start date) and rows after
    ``stop`` (inclusive) dropped."""
    if startup_candles:
        frame = analyzed.iloc[startup_candles:]
    else:
        frame = analyzed.loc[analyzed["date"] >= pd.Timestamp(start)]
    if stop is not None:
        frame = frame.loc[frame["date"] <= pd.Timestamp(stop)]
    return frame


def prepare_signals(pair: str, frame: pd.DataFrame) -> PairSignals:
    """``frame`` (trimmed, analyzed) as the simulation reads it: signals and tags shifted one candle
    later, the first candle dropped."""
    rows = len(frame)
    dates = frame["date"].to_numpy(dtype="datetime64[ms]").astype(np.int64)[1:]
    prices = {name: frame[name].to_numpy(dtype=np.float64)[1:] for name in PRICE_COLUMNS}
    signals = {}
    for name in SIGNAL_COLUMNS:
        values = frame[name].to_numpy() if name in frame.columns else np.zeros(rows)
        # Only a 1 is a signal (NaN is none), as freqtrade's backtesting reads them.
        signals[name] = (np.asarray(values == 1, dtype=bool))[:-1] if rows else np.zeros(0, dtype=bool)
    tags = {}
    for name in TAG_COLUMNS:
        values = frame[name].to_numpy(dtype=object) if name in frame.columns else np.full(rows, None, dtype=object)
        values = values[:-1].copy() if rows else np.zeros(0, dtype=object)
        values[pd.isna(values)] = None
        tags[name] = values
    return PairSignals(pair=pair, dates=dates, **prices, **signals, **tags)


def analyze(
    strategy: Strategy,
    data: BacktestData,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Analysis:
    """Analyze every pair of ``data`` once and prepare its signals. ``strategy.dp`` must already be
    set (see ``backtest_dataprovider``). Stops between pairs when ``should_stop()`` answers True."""
    result = Analysis()
    total = len(data.candles)
    stop = data.timerange.stop
    for done, (pair, candles) in enumerate(data.candles.items()):
        if should_stop is not None and should_stop():
            raise AnalysisAborted("Backtest analysis aborted.")
        analyzed = analyze_pair(strategy, pair, candles)
        frame = trim_to_backtest(analyzed, data.startup_candles, data.start, stop)
        if len(frame) < 2:
            log.warning("%s has no candles left after the startup candles: left out of the backtest.", pair)
        else:
            result.frames[pair] = frame
            result.signals[pair] = prepare_signals(pair, frame)
        if progress is not None:
            progress(done + 1, total)
    return result


def backtest_dataprovider(
    store: CandleStore, pairs: Sequence[str], timeframe: str, timerange: TimeRange, startup_candles: int
) -> BacktestDataProvider:
    return BacktestDataProvider(
        timeframe=timeframe, history=StartupRangeStore(store, timerange, startup_candles), pairs=pairs
    )


def run_analysis(
    request: AnalysisRequest, *, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None
) -> tuple[AnalysisResult, Analysis]:
    """Load the strategy and the candles, analyze (blocking; in whichever process calls it)."""
    config = dict(request.strategy.config)
    if request.timeframe:
        config["timeframe"] = request.timeframe  # the run's timeframe wins over the strategy's, as freqtrade
    strategy = StrategySource(request.strategy.name, request.strategy.search_paths, config).load()
    timeframe = strategy.timeframe
    store = CandleStore(request.datadir, request.data_format)  # type: ignore[arg-type]
    started = time.perf_counter()
    data = load_backtest_data(
        store,
        request.pairs,
        timeframe,
        request.timerange,
        startup_candles=strategy.startup_candle_count,
        timeframe_detail=request.timeframe_detail,
        candle_type=request.candle_type,
    )
    loaded = time.perf_counter()
    strategy.dp = backtest_dataprovider(store, data.pairs, timeframe, request.timerange, strategy.startup_candle_count)
    analysis = analyze(strategy, data, progress=progress, should_stop=should_stop)
    summary = AnalysisResult(
        strategy=strategy.name,
        timeframe=timeframe,
        start=data.start,
        end=data.end,
        signals=analysis.signals,
        missing=data.missing,
        seconds_loading=loaded - started,
        seconds_analyzing=time.perf_counter() - loaded,
    )
    return summary, analysis


# ---- the worker process -----------------------------------------------------------------------
# The worker process's (progress counter, stop event): shared memory and a semaphore cannot travel
# with each submitted call, only through the pool's initializer, so the worker keeps them here.
_shared: tuple[Any, Any] | None = None


def _init_worker(done: Any, stop: Any) -> None:
    global _shared
    _shared = (done, stop)


def _analyze_in_worker(request: AnalysisRequest) -> AnalysisResult:
    assert _shared is not None
    done, stop = _shared

    def report(count: int, total: int) -> None:
        done.value = count

    summary, _ = run_analysis(request, progress=report, should_stop=stop.is_set)
    return summary


def analyze_in_process(
    request: AnalysisRequest,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    poll_seconds: float = 0.1,
) -> AnalysisResult:
    """``run_analysis`` in a fresh worker process (blocking the calling thread, not the event loop's).

    ``progress(done, total)`` is called from this thread as pairs finish; when ``should_stop()``
    answers True the worker is told to stop after its current pair and ``AnalysisAborted`` raised.
    """
    context = multiprocessing.get_context("spawn")
    done = context.Value("i", 0)
    stop = context.Event()
    total = len(request.pairs)
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_init_worker, initargs=(done, stop)
    ) as pool:
        future = pool.submit(_analyze_in_worker, request)
        reported = -1
        wake = threading.Event()
        future.add_done_callback(lambda _: wake.set())
        while not future.done():
            wake.wait(poll_seconds)
            if should_stop is not None and not stop.is_set() and should_stop():
                stop.set()
            if progress is not None and done.value != reported:
                reported = done.value
                progress(reported, total)
        result = future.result()
    if progress is not None and reported != len(result.signals) + len(result.missing):
        progress(total, total)
    return result
