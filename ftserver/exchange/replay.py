"""``ReplayMarket``: the offline market replaying stored candle files instead of generating candles.

The files are the ones ``ftserver download-data`` writes (any exchange's folder, Feather or JSON,
spot). Stored time is mapped onto the clock by one fixed shift, chosen when the market is built so
that the replay's "now" is at ``start``: the bot sees the candles before it as its history, and
from then on each stored candle appears when the clock passes its (shifted) close, at the clock's
pace. The shift is a whole number of days (of the longest stored timeframe when that is longer),
so the time of day is kept and the replay really begins up to a day after ``start``, at the
clock's time of day: at 14:23 the bot sees the candles up to 14:23 of the replayed day, and 1h or
1d candles built from 5m files are the exchange's own 1h or 1d candles.

Nothing is served before it would have closed. A timeframe equal to a stored one gets closed
candles only (the stored candle's close would be a price from the future); a multiple of it gets,
as its newest candle, the forming candle made of the stored candles closed so far. The price is
the close of the last closed candle of the pair's finest stored timeframe. After the last stored
candle the market stands still: no new candles, the last price, a warning in the log.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ftserver.core.clock import Clock
from ftserver.data.history import CandleStore, DataFormat
from ftserver.data.timeframes import is_timeframe, timeframe_to_ms
from ftserver.errors import ConfigError, InvalidRequest
from ftserver.exchange.base import Candle
from ftserver.exchange.offline import DAY_MS, MAX_LIMIT, TIMEFRAMES, OfflineMarket, candle_window, listing

log = logging.getLogger(__name__)

KEY = "exchange.sim.replay"
FORMATS: tuple[DataFormat, ...] = ("feather", "json")  # Feather wins where a pair has both


@dataclass(frozen=True, slots=True)
class _Series:
    """One stored candle file: open times (stored time, epoch ms) and rows of open, high, low, close, volume."""

    timeframe: str
    step: int
    times: np.ndarray
    rows: np.ndarray

    def closed(self, stored_now: int) -> int:
        """How many candles have closed at ``stored_now``."""
        return int(np.searchsorted(self.times, stored_now - self.step, side="right"))


def _read(store: CandleStore, pair: str, timeframe: str) -> _Series:
    df = store.load(pair, timeframe)
    times = ((df["date"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)).to_numpy(dtype=np.int64)
    rows = df[["open", "high", "low", "close", "volume"]].to_numpy(dtype=np.float64)
    return _Series(timeframe, timeframe_to_ms(timeframe), times, rows)


def _stored_files(datadir: Path) -> dict[str, dict[str, CandleStore]]:
    """{pair: {timeframe: the store holding its file}} for every spot candle file the market can serve."""
    found: dict[str, dict[str, CandleStore]] = {}
    for data_format in reversed(FORMATS):  # later formats overwrite: the first one listed wins
        store = CandleStore(datadir, data_format)
        for pair, timeframe, _ in store.available_pairs(candle_type="spot"):
            if timeframe in TIMEFRAMES:
                found.setdefault(pair, {})[timeframe] = store
    return found


def _selected_files(datadir: Path, pairs: Sequence[str] | None) -> dict[str, dict[str, CandleStore]]:
    """The stored files of ``pairs`` (None: of every stored pair); a ``ConfigError`` if any pair has none."""
    files = _stored_files(datadir)
    if not files:
        raise ConfigError(
            f"no candle files in {datadir} (download some with `ftserver download-data --exchange NAME`)", key=KEY
        )
    selected = list(dict.fromkeys(pairs)) if pairs else sorted(files)
    missing = [pair for pair in selected if pair not in files]
    if missing:
        raise ConfigError(
            f"no stored candles for {', '.join(missing)} in {datadir} (stored: {', '.join(sorted(files))}); "
            "download them or remove them from exchange.pair_whitelist / exchange.sim.pairs",
            key=KEY,
        )
    return {pair: files[pair] for pair in selected}


def _utc_text(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


class ReplayMarket(OfflineMarket):
    def __init__(
        self,
        datadir: Path,
        *,
        pairs: Sequence[str] | None = None,
        start: datetime | None = None,
        clock: Clock | None = None,
        fee: float = 0.001,
        history_days: int = 30,
    ) -> None:
        """Replay the candle files in ``datadir`` for ``pairs`` (None: every pair stored there).

        ``start``: the stored moment the replay begins at (default: ``history_days`` after the
        first moment all pairs have a closed candle). Raises ``ConfigError`` naming the
        ``exchange.sim.replay`` key when files are missing or ``start`` is outside the stored span.
        """
        super().__init__(clock=clock, fee=fee, history_days=history_days)
        self.datadir = Path(datadir)
        self._files = _selected_files(self.datadir, pairs)
        selected = list(self._files)
        self._series: dict[tuple[str, str], _Series] = {}
        # The finest stored timeframe of each pair sets its price and its part of the replayed span.
        self._finest: dict[str, _Series] = {}
        for pair, stored in self._files.items():
            finest = min(stored, key=timeframe_to_ms)
            series = self._load(pair, finest)
            if not len(series.times):
                raise ConfigError(f"the stored candles of {pair} ({finest}) in {self.datadir} are empty", key=KEY)
            self._finest[pair] = series
        first = max(int(s.times[0]) + s.step for s in self._finest.values())
        self.end_ms = min(int(s.times[-1]) + s.step for s in self._finest.values())
        if first >= self.end_ms:
            raise ConfigError(f"the stored candles in {self.datadir} of {', '.join(selected)} do not overlap", key=KEY)
        start_ms = first + history_days * DAY_MS if start is None else int(start.timestamp() * 1000)
        if not first <= start_ms < self.end_ms:
            raise ConfigError(
                f"the replay must start between {_utc_text(first)} and {_utc_text(self.end_ms)} UTC, "
                f"where every pair has stored candles; got {_utc_text(start_ms)}"
                + (f" ({history_days} history_days after the first candles)" if start is None else ""),
                key=f"{KEY}.start",
            )
        stored_steps = [{timeframe_to_ms(tf) for tf in stored} for stored in self._files.values()]
        # Offered where every pair can serve it: a multiple of a timeframe the pair has stored.
        self._timeframes = [
            tf for tf in TIMEFRAMES if all(any(timeframe_to_ms(tf) % s == 0 for s in own) for own in stored_steps)
        ]
        steps = set().union(*stored_steps)
        align = math.lcm(DAY_MS, *steps)
        now_ms = self._now_ms()
        #: Clock time minus stored time: a whole number of days, so candles keep their time of day.
        self.shift_ms = (now_ms - start_ms) // align * align
        self._warned_end = False
        for pair, series in self._finest.items():
            self._markets[pair] = listing(pair, self._close_at(series, now_ms - self.shift_ms, pair), fee)
        log.info(
            "Replaying %d pair(s) from %s: stored %s to %s UTC, replay now at %s UTC",
            len(selected),
            self.datadir,
            _utc_text(first),
            _utc_text(self.end_ms),
            _utc_text(now_ms - self.shift_ms),
        )

    def _load(self, pair: str, timeframe: str) -> _Series:
        series = self._series.get((pair, timeframe))
        if series is None:
            series = _read(self._files[pair][timeframe], pair, timeframe)
            self._series[(pair, timeframe)] = series
        return series

    def _stored_now(self) -> int:
        """The clock's now in stored time (warns once when the stored candles have run out)."""
        stored_now = self._now_ms() - self.shift_ms
        if stored_now > self.end_ms and not self._warned_end:
            self._warned_end = True
            log.warning(
                "Replay of %s reached the end of its stored candles (%s UTC): no new candles, prices stand still",
                self.datadir,
                _utc_text(self.end_ms),
            )
        return stored_now

    def _pair_files(self, pair: str) -> dict[str, CandleStore]:
        stored = self._files.get(pair)
        if stored is None:
            raise InvalidRequest(f"Pair {pair} is not available on sim (replayed pairs: {', '.join(self._files)})")
        return stored

    def _series_for(self, pair: str, timeframe: str) -> _Series:
        """The stored series a timeframe is built from: the longest stored timeframe it is a multiple of."""
        if not is_timeframe(timeframe) or timeframe not in TIMEFRAMES:
            raise InvalidRequest(f"Timeframe '{timeframe}' is not available on sim (offered: {', '.join(TIMEFRAMES)})")
        stored = self._pair_files(pair)
        step = timeframe_to_ms(timeframe)
        usable = [tf for tf in stored if step % timeframe_to_ms(tf) == 0]
        if not usable:
            raise InvalidRequest(
                f"Timeframe '{timeframe}' is not available from the replayed candles of {pair} "
                f"(stored: {', '.join(sorted(stored, key=timeframe_to_ms))}); {KEY} serves the stored "
                "timeframes and their multiples"
            )
        return self._load(pair, max(usable, key=timeframe_to_ms))

    @staticmethod
    def _close_at(series: _Series, stored_now: int, pair: str) -> float:
        closed = series.closed(stored_now)
        if not closed:
            raise InvalidRequest(f"No replayed candle of {pair} closed by {_utc_text(stored_now)} UTC (stored time)")
        return float(series.rows[closed - 1, 3])

    # ---- OfflineMarket -----------------------------------------------------------------------
    @property
    def timeframes(self) -> list[str]:
        return list(self._timeframes)

    def candles(self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None) -> list[Candle]:
        series = self._series_for(pair, timeframe)
        step = timeframe_to_ms(timeframe)
        now_ms = self._now_ms()
        closed = series.closed(self._stored_now())
        if not closed:
            return []
        newest_open = int(series.times[closed - 1]) + self.shift_ms
        window = candle_window(step, newest_open - newest_open % step, self._history_start(now_ms), since_ms, limit)
        if window is None:
            return []
        start, stop_open = window
        lo = int(np.searchsorted(series.times, start - self.shift_ms, side="left"))
        hi = min(closed, int(np.searchsorted(series.times, stop_open + step - self.shift_ms, side="left")))
        if lo >= hi:
            return []
        opens = series.times[lo:hi] + self.shift_ms
        buckets = opens - opens % step
        # Stored candles are grouped by the candle they fall in; a gap in the file stays a gap.
        edges = np.concatenate(([0], np.flatnonzero(np.diff(buckets)) + 1))
        rows = series.rows[lo:hi]
        out = np.column_stack(
            (
                buckets[edges].astype(np.float64),
                rows[edges, 0],
                np.maximum.reduceat(rows[:, 1], edges),
                np.minimum.reduceat(rows[:, 2], edges),
                rows[np.append(edges[1:], len(rows)) - 1, 3],
                np.add.reduceat(rows[:, 4], edges),
            )
        )
        candles: list[list[float]] = out.tolist()
        return candles

    def price(self, pair: str) -> float:
        self._pair_files(pair)
        return self._close_at(self._finest[pair], self._stored_now(), pair)

    def day_candles(self, pair: str) -> list[Candle]:
        finest = self._finest[pair]
        return self.candles(pair, finest.timeframe, since_ms=self._now_ms() - DAY_MS, limit=MAX_LIMIT)
