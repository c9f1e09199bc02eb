"""The lookahead check: a strategy that reads the next candle is caught, with the columns that do it;
an honest one is not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ftserver.backtest.lookahead import lookahead_analysis, lookahead_settings
from ftserver.backtest.options import BacktestSettings, backtest_settings
from ftserver.config import settings_from_dict
from ftserver.data.history import CandleStore
from ftserver.errors import InvalidRequest

T0 = datetime(2024, 3, 1, tzinfo=UTC)

STRATEGIES = """
from ftserver.strategy.base import Strategy


class Honest(Strategy):
    timeframe = "5m"
    startup_candle_count = 20
    minimal_roi = {"0": 0.01}
    stoploss = -0.02

    def populate_indicators(self, dataframe, metadata):
        dataframe["fast"] = dataframe["close"].rolling(5).mean()
        dataframe["slow"] = dataframe["close"].rolling(20).mean()
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        up = (dataframe["fast"] > dataframe["slow"]) & (dataframe["fast"].shift(1) <= dataframe["slow"].shift(1))
        dataframe.loc[up, "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        down = (dataframe["fast"] < dataframe["slow"]) & (dataframe["fast"].shift(1) >= dataframe["slow"].shift(1))
        dataframe.loc[down, "exit_long"] = 1
        return dataframe


class PeeksAhead(Honest):
    def populate_indicators(self, dataframe, metadata):
        dataframe = super().populate_indicators(dataframe, metadata)
        dataframe["next_close"] = dataframe["close"].shift(-3)  # three candles into the future
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe = super().populate_entry_trend(dataframe, metadata)
        dataframe.loc[dataframe["next_close"] > dataframe["close"] * 1.004, "enter_long"] = 1
        return dataframe
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    store = CandleStore(tmp_path / "user_data" / "data" / "sim", "feather")
    rng = np.random.default_rng(7)
    rows = 6 * 288
    for number, pair in enumerate(["BTC/USDT", "ETH/USDT"]):
        close = (100 + 50 * number) * np.exp(np.cumsum(rng.normal(0, 0.004, rows)))
        opens = np.concatenate([[close[0]], close[:-1]])
        store.append(
            pair,
            "5m",
            pd.DataFrame(
                {
                    "date": pd.date_range(T0, periods=rows, freq="5min", tz="UTC"),
                    "open": opens,
                    "high": np.maximum(opens, close) * 1.002,
                    "low": np.minimum(opens, close) * 0.998,
                    "close": close,
                    "volume": np.full(rows, 10.0),
                }
            ),
        )
    (tmp_path / "strategies").mkdir()
    (tmp_path / "strategies" / "lookahead_strategies.py").write_text(STRATEGIES)
    return tmp_path


def settings(root: Path, strategy: str, timerange: str | None = "20240302-20240306") -> BacktestSettings:
    config = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 100,
            "dry_run_wallet": 1000,
            "max_open_trades": 1,
            "timeframe": "5m",
            "user_data_dir": str(root / "user_data"),
            "strategy_path": str(root / "strategies"),
            "dataformat_ohlcv": "feather",
            "exchange": {"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        }
    )
    return backtest_settings(config, strategy=strategy, timerange=timerange, export="none")


def test_a_strategy_reading_the_next_candle_is_caught_with_its_columns(root: Path) -> None:
    answer = lookahead_analysis(settings(root, "PeeksAhead"), minimum_trade_amount=5, targeted_trade_amount=8)
    assert answer["strategy"] == "PeeksAhead" and answer["has_bias"] is True
    assert answer["total_signals"] == 8
    # Cut one candle after each entry, the signal candle (one before the entry) no longer sees the
    # close three candles later: the entries that close made are no longer made, and next_close is
    # missing on the last candles of each cut.
    assert "next_close" in answer["biased_indicators"]
    assert "enter_long" in answer["biased_indicators"]
    assert answer["biased_entry_signals"] > 0
    assert not {"fast", "slow", "close"} & set(answer["biased_indicators"])


def test_an_honest_strategy_has_no_bias(root: Path) -> None:
    answer = lookahead_analysis(settings(root, "Honest"), minimum_trade_amount=5, targeted_trade_amount=8)
    assert answer == {
        "strategy": "Honest",
        "has_bias": False,
        "total_signals": 8,
        "biased_entry_signals": 0,
        "biased_exit_signals": 0,
        "biased_indicators": [],
    }


def test_too_few_trades_checks_nothing(root: Path) -> None:
    answer = lookahead_analysis(settings(root, "Honest"), minimum_trade_amount=10_000, targeted_trade_amount=10_000)
    assert (answer["has_bias"], answer["total_signals"]) == (False, 0)


def test_the_check_runs_with_freqtraders_overrides(root: Path) -> None:
    run = lookahead_settings(settings(root, "Honest"))
    assert (run.max_open_trades, run.starting_balance, run.stake_amount, run.enable_protections) == (
        -1,
        1_000_000_000.0,
        10_000.0,
        False,
    )
    assert run.config["order_types"]["entry"] == "market"
    # With limit orders allowed, the configuration's order types stay.
    allowed = lookahead_settings(settings(root, "Honest"), allow_limit_orders=True)
    assert allowed.config["order_types"]["entry"] == "limit"


def test_bad_requests_are_refused_with_a_reason(root: Path) -> None:
    with pytest.raises(InvalidRequest, match="set a timerange"):
        lookahead_analysis(settings(root, "Honest", timerange=None))
    with pytest.raises(InvalidRequest, match="can't be smaller"):
        lookahead_analysis(settings(root, "Honest"), minimum_trade_amount=10, targeted_trade_amount=5)


def test_trades_of_the_cut_runs_start_where_the_full_run_starts(root: Path) -> None:
    # The honest strategy's full run and cut runs agree on every checked entry: the cuts keep the
    # startup candles before the timerange (otherwise the slow average would start later).
    answer = lookahead_analysis(settings(root, "Honest"), minimum_trade_amount=1, targeted_trade_amount=30)
    assert answer["total_signals"] >= 20 and answer["biased_entry_signals"] == 0
