"""The candles a backtest runs over, loaded from the candle store as freqtrade's backtesting loads them.

For each pair: the stored candles of the timerange, plus ``startup_candles`` candles before its start
for the indicators to warm up (``start - startup * timeframe``, as freqtrade subtracts them), the stop
inclusive, gaps filled with "no action" candles (open = high = low = close = the previous close,
volume 0) and duplicate dates merged. When no pair has data reaching back to the requested start (or
no start was given), the backtest starts ``startup_candles`` after the first loaded candle instead.
With ``timeframe_detail`` the detail candles of the backtested range are loaded too (no startup).

Files are read with pyarrow (only the OHLCV columns, memory-mapped, the timerange cut before pandas
sees it), several pairs at a time: reading and decoding release the GIL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from ftserver.data.frames import OHLCV_COLUMNS
from ftserver.data.history import CandleStore
from ftserver.data.timeframes import timeframe_to_ms, timeframe_to_resample_freq, timeframe_to_seconds
from ftserver.data.timerange import TimeRange
from ftserver.errors import InvalidRequest

log = logging.getLogger(__name__)

# Timeframes of a fixed length in milliseconds (a week starts on Monday, a month on the 1st: not fixed).
_FIXED_LIMIT_MS = 7 * 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class BacktestData:
    """What a backtest runs over. ``candles`` include the startup candles; ``start`` is the first
    backtested candle (the startup ones come before it) and ``end`` the last loaded one."""

    timeframe: str
    startup_candles: int
    start: datetime
    end: datetime
    candles: dict[str, pd.DataFrame]
    timeframe_detail: str | None = None
    detail: dict[str, pd.DataFrame] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # pairs without candles in the range: left out of the backtest
    filled: dict[str, int] = field(default_factory=dict)  # pair -> candles added to fill gaps

    @property
    def pairs(self) -> list[str]:
        return list(self.candles)

    @property
    def timerange(self) -> TimeRange:
        """The backtested range: from ``start`` (startup candles excluded) to ``end``."""
        return TimeRange(self.start, self.end)


def load_backtest_data(
    store: CandleStore,
    pairs: Sequence[str],
    timeframe: str,
    timerange: TimeRange,
    *,
    startup_candles: int = 0,
    timeframe_detail: str | None = None,
    candle_type: str = "spot",
    read_threads: int = 4,
) -> BacktestData:
    """Load the candles of ``pairs`` (``read_threads`` files at a time); ``InvalidRequest`` naming
    what to download when none has any.

    Pairs without candles are reported in ``missing`` (and logged) and left out, as freqtrade does.
    """
    step = timedelta(seconds=timeframe_to_seconds(timeframe))
    with_startup = TimeRange(
        timerange.start - step * startup_candles if timerange.start is not None else None, timerange.stop
    )
    candles, filled = _load_all(store, pairs, timeframe, with_startup, candle_type, read_threads)
    missing = tuple(pair for pair in pairs if pair not in candles)
    if not candles:
        raise InvalidRequest(
            f"No {timeframe} candles stored for {', '.join(pairs) or 'the (empty) pair list'}"
            + (f" in {timerange}" if timerange.start or timerange.stop else "")
            + f" ({candle_type}); download them first, e.g. `ftserver download-data -t {timeframe}"
            + (f" --timerange {with_startup}" if with_startup.start or with_startup.stop else "")
            + "`"
        )
    for pair in missing:
        log.warning("No %s candles stored for %s in %s: left out of the backtest.", timeframe, pair, with_startup)
    first = min(frame["date"].iloc[0] for frame in candles.values()).to_pydatetime()
    last = max(frame["date"].iloc[-1] for frame in candles.values()).to_pydatetime()
    start = timerange.start
    if start is None or (startup_candles and first >= start):
        # Not enough history before the start: the startup candles come from the data itself.
        start = first + step * startup_candles
        if startup_candles:
            log.warning("Moving the start by %s candles to %s to account for startup time.", startup_candles, start)
    if with_startup.start is not None:
        for pair, frame in candles.items():
            if frame["date"].iloc[0] > pd.Timestamp(with_startup.start):
                log.warning(
                    "%s %s candles start at %s, after %s.", pair, timeframe, frame["date"].iloc[0], with_startup.start
                )
    detail: dict[str, pd.DataFrame] = {}
    if timeframe_detail:
        detail_range = TimeRange(start, timerange.stop)
        detail, _ = _load_all(store, list(candles), timeframe_detail, detail_range, candle_type, read_threads)
        if not detail:
            raise InvalidRequest(
                f"No {timeframe_detail} detail candles stored for {', '.join(candles)} in {detail_range}; "
                f"download them first, e.g. `ftserver download-data -t {timeframe_detail} --timerange {detail_range}`"
            )
        for pair in candles:
            if pair not in detail:
                # As freqtrade: such a pair is backtested on its own candles only.
                log.warning("No %s detail candles stored for %s: its candles are not split.", timeframe_detail, pair)
    return BacktestData(
        timeframe=timeframe,
        startup_candles=startup_candles,
        start=start,
        end=last,
        candles=candles,
        timeframe_detail=timeframe_detail,
        detail=detail,
        missing=missing,
        filled={pair: count for pair, count in filled.items() if count},
    )


def _load_all(
    store: CandleStore, pairs: Sequence[str], timeframe: str, timerange: TimeRange, candle_type: str, threads: int
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    def one(pair: str) -> tuple[str, pd.DataFrame | None, int]:
        frame = read_candles(store, pair, timeframe, timerange, candle_type)
        if frame is None:
            return pair, None, 0
        complete = fill_gaps(frame, timeframe)
        return pair, complete, len(complete) - len(frame)

    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(pairs)))) as pool:
        loaded = list(pool.map(one, pairs))
    candles = {pair: frame for pair, frame, _ in loaded if frame is not None}
    filled = {pair: count for pair, frame, count in loaded if frame is not None}
    for pair, count in filled.items():
        if count:
            log.info("%s %s: %s missing candles filled (no trading in them).", pair, timeframe, count)
    return candles, filled


def read_candles(
    store: CandleStore, pair: str, timeframe: str, timerange: TimeRange, candle_type: str = "spot"
) -> pd.DataFrame | None:
    """The stored candles of one pair within ``timerange`` (stop inclusive); None when there are none."""
    path = store.path_for(pair, timeframe, candle_type)
    if not path.exists():
        return None
    if path.suffix != ".feather":
        stored = _cut(store.load(pair, timeframe, candle_type), timerange)
        return stored if not stored.empty else None
    table = _read_table(path)
    dates = table.column("date")
    keep = None
    if timerange.start is not None:
        keep = pc.greater_equal(dates, pa.scalar(pd.Timestamp(timerange.start), type=dates.type))
    if timerange.stop is not None:
        before = pc.less_equal(dates, pa.scalar(pd.Timestamp(timerange.stop), type=dates.type))
        keep = before if keep is None else pc.and_(keep, before)
    if keep is not None:
        table = table.filter(keep)
    if table.num_rows == 0:
        return None
    frame: pd.DataFrame = table.to_pandas()
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    for column in OHLCV_COLUMNS[1:]:
        if frame[column].dtype != np.float64:
            frame[column] = frame[column].astype(np.float64)
    return frame


def _read_table(path: Path) -> pa.Table:
    try:
        return feather.read_table(path, columns=OHLCV_COLUMNS, memory_map=True)
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise InvalidRequest(f"Candle file {path.name} is unreadable: {type(exc).__name__}: {exc}") from None


def _cut(frame: pd.DataFrame, timerange: TimeRange) -> pd.DataFrame:
    if timerange.start is not None:
        frame = frame[frame["date"] >= pd.Timestamp(timerange.start)]
    if timerange.stop is not None:
        frame = frame[frame["date"] <= pd.Timestamp(timerange.stop)]
    return frame.reset_index(drop=True)


def fill_gaps(frame: pd.DataFrame, timeframe: str) -> pd.DataFrame:
    """Candles sorted by date, one per date, with every missing candle between the first and the last
    added as open = high = low = close = the previous close and volume 0 (freqtrade's fill-up)."""
    dates = frame["date"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    if len(dates) > 1 and not bool(np.all(np.diff(dates) > 0)):
        frame = _merge_duplicates(frame)
        dates = frame["date"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    if len(dates) < 2:
        return frame.reset_index(drop=True)
    step = timeframe_to_ms(timeframe)
    if step >= _FIXED_LIMIT_MS or bool(np.any((dates - dates[0]) % step)):
        return _resampled(frame, timeframe)
    count = int((dates[-1] - dates[0]) // step) + 1
    if count == len(dates):
        return frame.reset_index(drop=True)
    slots = ((dates - dates[0]) // step).astype(np.int64)
    close = np.full(count, np.nan)
    close[slots] = frame["close"].to_numpy(dtype=np.float64)
    # The previous close carried forward: the index of the last real candle at or before each slot.
    present = np.zeros(count, dtype=bool)
    present[slots] = True
    last_real = np.maximum.accumulate(np.where(present, np.arange(count), 0))
    close = close[last_real]
    columns: dict[str, np.ndarray] = {
        "date": (dates[0] + np.arange(count, dtype=np.int64) * step).astype("datetime64[ms]"),
    }
    for name in ("open", "high", "low"):
        values = close.copy()
        values[slots] = frame[name].to_numpy(dtype=np.float64)
        columns[name] = values
    columns["close"] = close
    volume = np.zeros(count)
    volume[slots] = frame["volume"].to_numpy(dtype=np.float64)
    columns["volume"] = volume
    filled = pd.DataFrame(columns)
    filled["date"] = filled["date"].dt.tz_localize("UTC").astype(frame["date"].dtype)
    return filled


def _merge_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby("date", as_index=False, sort=True).agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "max"}
    )


def _resampled(frame: pd.DataFrame, timeframe: str) -> pd.DataFrame:
    """The general fill-up, for calendar timeframes and candles off the timeframe's grid."""
    rule = timeframe_to_resample_freq(timeframe)
    out = frame.resample(rule, on="date").agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    out["close"] = out["close"].ffill()
    for name in ("open", "high", "low"):
        out[name] = out[name].fillna(out["close"])
    return out.reset_index()
