"""One backtest from settings to stored result, in this process or in a worker process.

``run_and_store`` is the whole job: the engine's run, then (unless the export is ``none``) the result
stored as freqtrade stores it, with the market-change frame of the backtested pairs (and a wallet
history when the run has one). The ``backtesting`` command calls it directly; the webserver's
``POST /backtest`` calls ``encoded_in_worker``, which runs it in a spawned process so a long backtest
never holds the server's event loop nor its interpreter lock, and hands back only the encoded result.
Progress and the stop request cross to the worker through shared memory (a phase number, a fraction
and an event), never by pickling.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ftserver.backtest import storage
from ftserver.backtest.data import read_candles
from ftserver.backtest.engine import BacktestOutcome, Progress, run_backtest
from ftserver.backtest.options import BacktestSettings
from ftserver.data.history import CandleStore
from ftserver.data.timerange import TimeRange
from ftserver.exchange.base import Market

# The engine's phases, in order; the worker shares the current one as its index here.
PHASES = ("startup", "dataload", "analyze", "backtest")


@dataclass(frozen=True, slots=True)
class EncodedBacktest:
    """What comes back from a worker for the API: the result already encoded as the stored result
    encodes it (the server embeds the bytes in its answers and never builds the objects), where it
    was stored, and its trade count."""

    result: bytes
    stored: Path | None
    trades: int


@dataclass(frozen=True, slots=True)
class FinishedBacktest:
    """What a backtest leaves: the engine's outcome and where the result was stored (None: not stored)."""

    outcome: BacktestOutcome
    stored: Path | None


def run_and_store(
    settings: BacktestSettings,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    moment: datetime | None = None,
    markets: Mapping[str, Market] | None = None,
) -> FinishedBacktest:
    """Run the backtest of ``settings`` and store its result (blocking, in the calling process)."""
    outcome = run_backtest(settings, progress=progress, should_stop=should_stop, markets=markets)
    if settings.export == "none" or not outcome.runs:
        return FinishedBacktest(outcome, None)
    run = outcome.runs[0]
    closes = _closes(settings, run.timeframe, run.pairlist, TimeRange(run.start, run.end))
    if settings.export_filename is None:
        settings.results_dir.mkdir(parents=True, exist_ok=True)  # a missing folder would be taken as a file name
    path, _ = storage.save_backtest(
        settings.export_filename or settings.results_dir,
        outcome.runs,
        candles=closes,
        config=settings.config,
        moment=moment or datetime.now(UTC),
        strategy_files=_strategy_files(settings),
    )
    _name_stored_result(outcome.result, path)
    return FinishedBacktest(outcome, path)


def _closes(settings: BacktestSettings, timeframe: str, pairs: Any, span: TimeRange) -> dict[str, pd.DataFrame]:
    """The backtested pairs' candles over the backtested span, for the stored market-change chart."""
    store = CandleStore(settings.datadir, settings.data_format)  # type: ignore[arg-type]
    frames: dict[str, pd.DataFrame] = {}
    for pair in pairs:
        frame = read_candles(store, pair, timeframe, span)
        if frame is not None:
            frames[pair] = frame
    return frames


def _strategy_files(settings: BacktestSettings) -> dict[str, Path]:
    """The strategy's source file, stored beside the result as freqtrade does (when it is found)."""
    from ftserver.errors import StrategyError
    from ftserver.strategy.loader import strategy_file

    try:
        return {settings.strategy: strategy_file(settings.strategy, settings.strategy_paths)}
    except StrategyError:
        return {}


def _name_stored_result(result: Mapping[str, Any], path: Path) -> None:
    """freqtrade's answer names the stored file (without suffix) in each strategy's metadata."""
    for name, metadata in result.get("metadata", {}).items():
        if isinstance(metadata, dict):
            metadata["filename"] = path.stem
            metadata["strategy"] = name


# ---- the worker process -----------------------------------------------------------------------
# The worker's (phase index, fraction, stop event): shared memory and an event travel only through
# the pool's initializer, not with each submitted call.
_shared: tuple[Any, Any, Any] | None = None


def _init_worker(phase: Any, fraction: Any, stop: Any) -> None:
    global _shared
    _shared = (phase, fraction, stop)


def _run_in_worker(settings: BacktestSettings, markets: Mapping[str, Market]) -> FinishedBacktest:
    assert _shared is not None
    phase, fraction, stop = _shared

    def report(name: str, done: float) -> None:
        phase.value = PHASES.index(name) if name in PHASES else 0
        fraction.value = done

    return run_and_store(settings, progress=report, should_stop=stop.is_set, markets=markets)


def _encoded_in_worker(settings: BacktestSettings, markets: Mapping[str, Market]) -> EncodedBacktest:
    finished = _run_in_worker(settings, markets)
    trades = sum(len(run.trades) for run in finished.outcome.runs)
    return EncodedBacktest(storage.encode(finished.outcome.result), finished.stored, trades)


def run_in_worker(
    settings: BacktestSettings,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    poll_seconds: float = 0.2,
    markets: Mapping[str, Market] | None = None,
) -> FinishedBacktest:
    """``run_and_store`` in a fresh spawned process (blocks the calling thread, not an event loop).

    ``progress(phase, fraction)`` is called from this thread when the worker's report changes; once
    ``should_stop()`` answers True the worker is told to stop and raises the engine's abort error.
    """
    finished: FinishedBacktest = _in_worker(_run_in_worker, settings, markets, progress, should_stop, poll_seconds)
    return finished


def encoded_in_worker(
    settings: BacktestSettings,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    poll_seconds: float = 0.2,
    markets: Mapping[str, Market] | None = None,
) -> EncodedBacktest:
    """``run_in_worker`` for a server: only the encoded result crosses back (a few bytes per trade
    instead of a year's trade objects to rebuild while the API waits for the interpreter lock)."""
    encoded: EncodedBacktest = _in_worker(_encoded_in_worker, settings, markets, progress, should_stop, poll_seconds)
    return encoded


def _in_worker(
    work: Callable[[BacktestSettings, Mapping[str, Market]], Any],
    settings: BacktestSettings,
    markets: Mapping[str, Market] | None,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None,
    poll_seconds: float,
) -> Any:
    context = multiprocessing.get_context("spawn")
    phase = context.Value("i", 0, lock=False)
    fraction = context.Value("d", 0.0, lock=False)
    stop = context.Event()
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_init_worker, initargs=(phase, fraction, stop)
    ) as pool:
        future = pool.submit(work, settings, dict(markets or {}))
        wake = threading.Event()
        future.add_done_callback(lambda _: wake.set())
        reported: tuple[int, float] | None = None
        while not future.done():
            wake.wait(poll_seconds)
            if should_stop is not None and not stop.is_set() and should_stop():
                stop.set()
            current = (int(phase.value), float(fraction.value))
            if progress is not None and current != reported:
                reported = current
                progress(PHASES[current[0]], current[1])
        return future.result()
