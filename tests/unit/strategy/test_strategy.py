import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.builtin.sample_strategy import SampleStrategy
from ftserver.strategy.loader import builtin_strategy_dir, list_strategies, load_strategy, strategy_file
from ftserver.strategy.safe import SafeStrategy


def random_walk(rows: int = 500, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.004, rows)))
    open_ = np.concatenate(([close[0]], close[:-1]))
    return pd.DataFrame(
        {
            "date": pd.date_range("2026-01-01", periods=rows, freq="1min", tz="UTC"),
            "open": open_,
            "high": np.maximum(open_, close) * 1.001,
            "low": np.minimum(open_, close) * 0.999,
            "close": close,
            "volume": rng.uniform(1, 10, rows),
        }
    )


class Silent(Strategy):
    pass


class DropsRows(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        return dataframe.iloc[:-1]


class Raises(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        raise ZeroDivisionError("division by zero")


def test_analyze_adds_signal_and_tag_columns() -> None:
    df = Silent().analyze(random_walk(10), {"pair": "X/USDT"})
    for column in ("enter_long", "exit_long", "enter_short", "exit_short"):
        assert df[column].tolist() == [0] * 10
    assert df["enter_tag"].isna().all()


def test_strategy_that_drops_rows_is_refused() -> None:
    with pytest.raises(StrategyError, match="DropsRows"):
        DropsRows().analyze(random_walk(10), {"pair": "X/USDT"})


def test_roi_table_lookup_uses_largest_key_not_above_age() -> None:
    strategy = Silent()
    strategy.minimal_roi = {"30": 0.01, "0": 0.05, "10": 0.02}
    assert strategy.min_roi_at(0) == 0.05
    assert strategy.min_roi_at(15) == 0.02
    assert strategy.min_roi_at(100) == 0.01
    strategy.minimal_roi = {"5": 0.01}
    assert strategy.min_roi_at(1) is None


def test_signals_are_read_from_the_last_row() -> None:
    strategy = Silent()
    df = strategy.analyze(random_walk(5), {"pair": "X/USDT"})
    df.loc[df.index[-1], ["enter_long", "enter_tag"]] = (1, "go")
    df.loc[df.index[-2], "exit_long"] = 1
    assert strategy.entry_signal(df) == ("long", "go")
    assert strategy.exit_signal(df, False) == (False, None)


def test_sample_strategy_trades_on_a_random_walk() -> None:
    df = SampleStrategy().analyze(random_walk(), {"pair": "X/USDT"})
    assert df["enter_long"].sum() >= 1
    assert df["exit_long"].sum() >= 1
    assert {"ema_fast", "ema_slow", "rsi"} <= set(df.columns)
    assert df["rsi"].dropna().between(0, 100).all()


def write_strategy(folder: Path, name: str, body: str = "") -> Path:
    path = folder / f"{name.lower()}.py"
    path.write_text(
        "from ftserver.strategy.base import Strategy\n\n"
        f"class {name}(Strategy):\n    timeframe = '15m'\n    stoploss = -0.2\n{body}\n",
        encoding="utf-8",
    )
    return path


def test_loader_finds_user_strategy_and_applies_config_overrides(tmp_path: Path) -> None:
    write_strategy(tmp_path, "MyStrat")
    strategy = load_strategy("MyStrat", [tmp_path, builtin_strategy_dir()], {"stoploss": -0.03, "timeframe": None})
    assert strategy.name == "MyStrat"
    assert strategy.stoploss == -0.03
    assert strategy.timeframe == "15m"


def test_loader_error_lists_paths_and_known_strategies(tmp_path: Path) -> None:
    with pytest.raises(StrategyError) as info:
        load_strategy("Missing", [tmp_path, builtin_strategy_dir()])
    assert str(tmp_path) in str(info.value)
    assert "SampleStrategy" in str(info.value)


def test_broken_file_is_named_and_does_not_block_others(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "broken.py").write_text("import nonexistent_module_xyz\n", encoding="utf-8")
    write_strategy(tmp_path, "GoodOne")
    with caplog.at_level(logging.WARNING):
        assert load_strategy("GoodOne", [tmp_path]).name == "GoodOne"
    assert "broken.py" in caplog.text
    with pytest.raises(StrategyError, match=r"broken\.py"):
        load_strategy("Broken", [tmp_path])


def test_list_strategies_and_file(tmp_path: Path) -> None:
    write_strategy(tmp_path, "Alpha")
    assert list_strategies([tmp_path, builtin_strategy_dir()]) == ["Alpha", "SampleStrategy"]
    assert strategy_file("Alpha", [tmp_path]).name == "alpha.py"


async def test_safe_strategy_names_strategy_and_pair_on_error() -> None:
    with pytest.raises(StrategyError, match=r"Raises failed while analyzing BTC/USDT: ZeroDivisionError"):
        await SafeStrategy(Raises()).analyze(random_walk(5), "BTC/USDT")


def test_safe_strategy_warns_when_slow(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        SafeStrategy(SampleStrategy(), slow_warning_seconds=0.0).analyze_sync(random_walk(50), "BTC/USDT")
    assert "took" in caplog.text
