import logging
import threading
import time
from typing import Any

import pandas as pd
import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.safe import SafeStrategy
from tests.unit.strategy.candles import random_walk


class Raises(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        raise KeyError("rsi_14")


class Slow(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        time.sleep(0.02)
        return dataframe


class RecordsThread(Strategy):
    def __init__(self) -> None:
        super().__init__()
        self.thread_ids: list[int] = []

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        self.thread_ids.append(threading.get_ident())
        return dataframe


class DropsRows(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe.iloc[1:]


async def test_exception_in_user_code_names_strategy_pair_and_error() -> None:
    safe = SafeStrategy(Raises())
    with pytest.raises(StrategyError) as info:
        await safe.analyze(random_walk(5), "BTC/USDT")
    assert str(info.value) == "Strategy Raises failed while analyzing BTC/USDT: KeyError: 'rsi_14'"
    assert isinstance(info.value.__cause__, KeyError)


def test_sync_analysis_wraps_errors_the_same_way() -> None:
    with pytest.raises(StrategyError, match=r"^Strategy Raises failed while analyzing ETH/USDT: KeyError"):
        SafeStrategy(Raises()).analyze_sync(random_walk(5), "ETH/USDT")


def test_strategy_errors_from_the_checks_pass_through_unchanged() -> None:
    with pytest.raises(StrategyError, match=r"^Strategy DropsRows changed the candles of SOL/USDT"):
        SafeStrategy(DropsRows()).analyze_sync(random_walk(5), "SOL/USDT")


async def test_analysis_runs_off_the_event_loop_thread() -> None:
    strategy = RecordsThread()
    safe = SafeStrategy(strategy)
    df = await safe.analyze(random_walk(5), "BTC/USDT")
    assert "enter_long" in df.columns
    assert safe.name == "RecordsThread" and safe.strategy is strategy
    assert strategy.thread_ids and strategy.thread_ids[0] != threading.get_ident()


def test_slow_analysis_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ftserver.strategy.safe"):
        SafeStrategy(Slow(), slow_warning_seconds=0.001).analyze_sync(random_walk(5), "BTC/USDT")
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "Strategy Slow took" in record.getMessage() and "BTC/USDT" in record.getMessage()


def test_fast_analysis_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ftserver.strategy.safe"):
        SafeStrategy(Slow(), slow_warning_seconds=30.0).analyze_sync(random_walk(5), "BTC/USDT")
    assert caplog.records == []
