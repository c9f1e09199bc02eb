import numpy as np
import pandas as pd

from ftserver.strategy.builtin.sample_strategy import SampleStrategy
from tests.unit.strategy.candles import random_walk

META = {"pair": "BTC/USDT"}


def test_parameters_are_tuned_for_short_trades() -> None:
    strategy = SampleStrategy()
    assert strategy.timeframe == "5m"
    assert strategy.minimal_roi == {"0": 0.01, "10": 0.005, "30": 0.0}
    assert (strategy.stoploss, strategy.startup_candle_count) == (-0.02, 30)
    assert strategy.min_roi_at(45) == 0.0


def test_plot_config_has_the_freqtrade_shape() -> None:
    plot = SampleStrategy().plot_config
    assert set(plot["main_plot"]) == {"ema_fast", "ema_slow"}
    assert all("color" in style for style in plot["main_plot"].values())
    assert set(plot["subplots"]["RSI"]) == {"rsi"}


def test_random_walk_gives_entries_and_exits_with_tags() -> None:
    df = SampleStrategy().analyze(random_walk(500, seed=7), META)
    entries, exits = df.index[df["enter_long"] == 1], df.index[df["exit_long"] == 1]
    assert len(entries) >= 1 and len(exits) >= 1
    assert set(df.loc[entries, "enter_tag"]) == {"ema_cross_up"}
    assert set(df.loc[exits, "exit_tag"]) == {"ema_cross_down"}
    assert df.loc[df["enter_long"] == 0, "enter_tag"].isna().all()
    assert df["rsi"].dropna().between(0, 100).all()


def test_five_pairs_open_a_trade_within_minutes_and_exit_signals_come_within_half_an_hour() -> None:
    first_entries, gaps, holds = [], [], []
    for seed in range(5):  # five pairs of one-minute candles
        df = SampleStrategy().analyze(random_walk(500, seed=seed), META)
        entries = np.flatnonzero(df["enter_long"].to_numpy() == 1)
        exits = np.flatnonzero(df["exit_long"].to_numpy() == 1)
        first_entries.append(entries[0])
        gaps.extend(np.diff(entries))
        holds.extend(exits[exits > start][0] - start for start in entries if (exits > start).any())
    assert min(first_entries) <= 30, first_entries
    assert float(np.median(gaps)) <= 40, f"median {np.median(gaps)} candles between entries of one pair"
    assert float(np.median(holds)) <= 20, f"median {np.median(holds)} candles from entry to exit signal"
    assert float(np.percentile(holds, 90)) <= 60, f"90th percentile {np.percentile(holds, 90)} candles"


def test_no_entry_while_rsi_is_overbought() -> None:
    df = SampleStrategy().analyze(random_walk(500, seed=3), META)
    assert (df.loc[df["enter_long"] == 1, "rsi"] < 70).all()


def test_flat_volume_free_candles_give_no_signals() -> None:
    candles = random_walk(200, seed=2).assign(volume=0.0)
    df = SampleStrategy().analyze(candles, META)
    assert df["enter_long"].sum() == 0 and df["exit_long"].sum() == 0


def test_analysis_keeps_every_candle() -> None:
    candles = random_walk(100)
    df = SampleStrategy().analyze(candles, META)
    pd.testing.assert_frame_equal(df[candles.columns], candles)
