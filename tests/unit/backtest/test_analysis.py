"""A backtest's analysis: the strategy once per pair, startup trimmed, signals shifted to the next
candle, candidate entries; in this process and in a worker process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ftserver.backtest.analysis import (
    AnalysisAborted,
    AnalysisRequest,
    StrategySource,
    analyze,
    analyze_in_process,
    backtest_dataprovider,
    prepare_signals,
    run_analysis,
)
from ftserver.backtest.data import load_backtest_data
from ftserver.data.history import CandleStore
from ftserver.data.timerange import parse_timerange
from ftserver.models import RunMode
from ftserver.strategy.base import Strategy

from .test_data import T0, candles

DATES = pd.date_range(T0, periods=5, freq="5min", tz="UTC")

# Enters when the close is a multiple of 10, exits when it is a multiple of 7; reads self.dp.
STRATEGY_FILE = """
from ftserver.strategy.base import Strategy


class EveryTenth(Strategy):
    timeframe = "5m"
    startup_candle_count = 3

    def populate_indicators(self, dataframe, metadata):
        dataframe["runmode"] = self.dp.runmode.value
        dataframe["pairs"] = ",".join(self.dp.current_whitelist())
        hourly = self.dp.get_pair_dataframe(metadata["pair"], "1h")
        dataframe["first_hourly"] = hourly["date"].iloc[0]
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["close"] % 10 == 0, ["enter_long", "enter_tag"]] = (1, "tenth")
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["close"] % 7 == 0, "exit_long"] = 1
        return dataframe
"""


def frame(**columns: Any) -> pd.DataFrame:
    closes = np.arange(100.0, 105.0)
    base = {"date": DATES, "open": closes, "high": closes + 1, "low": closes - 1, "close": closes, "volume": 1.0}
    return pd.DataFrame({**base, **columns})


def test_signals_act_at_the_next_candles_open() -> None:
    analyzed = frame(
        enter_long=[0, 0, 1, 0, 0],
        exit_long=[0, 0, 0, 1, 0],
        enter_short=0,
        exit_short=0,
        enter_tag=[None, None, "cross", None, None],
        exit_tag=[None, None, None, "down", None],
    )
    signals = prepare_signals("BTC/USDT", analyzed)
    # the first candle has no previous one and is dropped: rows are the candles of 00:05 .. 00:20
    assert len(signals) == 4
    assert signals.dates[0] == int(DATES[1].timestamp() * 1000)
    # the signal seen at 00:10 acts on the 00:15 candle (row 2), whose open is 103
    assert signals.enter_long.tolist() == [False, False, True, False]
    assert signals.enter_tag.tolist() == [None, None, "cross", None]
    assert signals.open[2] == 103.0
    assert signals.exit_long.tolist() == [False, False, False, True]
    assert signals.exit_tag[3] == "down"
    assert signals.entry_rows().tolist() == [2]
    assert signals.row_at_or_after(int(DATES[3].timestamp() * 1000)) == 2


def test_an_entry_needs_no_exit_and_no_opposite_entry_on_the_same_candle() -> None:
    analyzed = frame(
        enter_long=[1, 1, 1, 0, 0],
        exit_long=[0, 1, 0, 0, 0],
        enter_short=[0, 0, 1, 1, 1],
        exit_short=[0, 0, 0, 0, 1],
    )
    signals = prepare_signals("BTC/USDT", analyzed)
    # rows carry candles 0..3's signals: long alone, long+exit, long+short, short alone;
    # a strategy that cannot short has no short signals, so long+short is a long entry
    assert signals.entry_sides().tolist() == [1, 0, 1, 0]
    assert signals.entry_sides(can_short=True).tolist() == [1, 0, 0, -1]
    assert signals.entry_rows(can_short=True).tolist() == [0, 3]


def test_nan_signals_and_tags_are_none() -> None:
    analyzed = frame(enter_long=[np.nan, 1.0, np.nan, 1.0, 0], enter_tag=[np.nan, "a", np.nan, np.nan, None])
    signals = prepare_signals("BTC/USDT", analyzed)
    assert signals.enter_long.tolist() == [False, True, False, True]
    assert signals.enter_tag.tolist() == [None, "a", None, None]
    assert not signals.exit_long.any() and not signals.enter_short.any()


@pytest.fixture
def stored(tmp_path: Path) -> tuple[CandleStore, Path]:
    store = CandleStore(tmp_path / "data")
    for pair, first in (("BTC/USDT", 100.0), ("ETH/USDT", 1000.0)):
        store.append(pair, "5m", candles(T0 - timedelta(hours=1), 2 * 12 + 12, first_close=first))
        store.append(pair, "1h", candles(T0 - timedelta(hours=10), 12, step=timedelta(hours=1), first_close=first))
    strategies = tmp_path / "strategies"
    strategies.mkdir()
    (strategies / "every_tenth.py").write_text(STRATEGY_FILE)
    return store, strategies


def request(stored: tuple[CandleStore, Path], **changes: Any) -> AnalysisRequest:
    store, strategies = stored
    fields: dict[str, Any] = {
        "strategy": StrategySource("EveryTenth", (strategies,), {"stake_currency": "USDT"}),
        "datadir": store.datadir,
        "data_format": "feather",
        "pairs": ("BTC/USDT", "ETH/USDT"),
        "timerange": parse_timerange("20240101-"),
    }
    fields.update(changes)
    return AnalysisRequest(**fields)


def test_each_pair_is_analyzed_once_in_backtest_mode_and_its_startup_trimmed(
    stored: tuple[CandleStore, Path],
) -> None:
    summary, analysis = run_analysis(request(stored))
    assert summary.strategy == "EveryTenth" and summary.start == T0
    btc = analysis.frames["BTC/USDT"]
    # loaded from 3 candles before 2024-01-01 (23:45), trimmed by those 3: the frame starts at the start
    assert btc["date"].iloc[0] == pd.Timestamp(T0)
    assert len(btc) == 24  # 00:00 .. 01:55
    assert set(btc["runmode"]) == {RunMode.BACKTEST.value}
    assert set(btc["pairs"]) == {"BTC/USDT,ETH/USDT"}
    # informative candles start 3 of their own candles (3 hours) before the start
    assert set(btc["first_hourly"]) == {pd.Timestamp("2023-12-31 21:00", tz="UTC")}
    signals = summary.signals["BTC/USDT"]
    # BTC closes are 100 + index from 23:00; index 20 (close 120) is 00:40, acted on at 00:45
    entry_dates = [datetime.fromtimestamp(ms / 1000, UTC) for ms in signals.dates[signals.entry_rows()]]
    assert entry_dates == [datetime(2024, 1, 1, 0, 45, tzinfo=UTC), datetime(2024, 1, 1, 1, 35, tzinfo=UTC)]


def test_progress_is_reported_per_pair_and_a_stop_request_is_honoured(stored: tuple[CandleStore, Path]) -> None:
    store, strategies = stored
    strategy: Strategy = StrategySource("EveryTenth", (strategies,), {}).load()
    data = load_backtest_data(store, ["BTC/USDT", "ETH/USDT"], "5m", parse_timerange("20240101-"), startup_candles=3)
    strategy.dp = backtest_dataprovider(store, data.pairs, "5m", parse_timerange("20240101-"), 3)
    seen: list[tuple[int, int]] = []
    analyze(strategy, data, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    with pytest.raises(AnalysisAborted):
        analyze(strategy, data, should_stop=lambda: True)


def test_a_worker_process_gives_the_same_signals(stored: tuple[CandleStore, Path]) -> None:
    here, _ = run_analysis(request(stored))
    seen: list[tuple[int, int]] = []
    there = analyze_in_process(request(stored), progress=lambda done, total: seen.append((done, total)))
    assert list(there.signals) == ["BTC/USDT", "ETH/USDT"]
    for pair, signals in here.signals.items():
        assert np.array_equal(there.signals[pair].dates, signals.dates)
        assert np.array_equal(there.signals[pair].enter_long, signals.enter_long)
        assert there.signals[pair].enter_tag.tolist() == signals.enter_tag.tolist()
    assert seen[-1] == (2, 2)


def test_a_worker_asked_to_stop_ends_with_aborted(stored: tuple[CandleStore, Path]) -> None:
    with pytest.raises(AnalysisAborted):
        analyze_in_process(request(stored), should_stop=lambda: True, poll_seconds=0.01)
