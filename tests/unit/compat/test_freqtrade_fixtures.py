"""freqtrade's own strategies, stored unchanged, load with ftserver's loader and analyze simulated candles."""

from pathlib import Path

import pandas as pd
import pytest

from ftserver.bot.dataprovider import DataProvider
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import RunMode
from ftserver.strategy.loader import load_strategy

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "freqtrade" / "strategies"
PAIR = "BTC/USDT"


def _candles(timeframe: str) -> pd.DataFrame:
    rows = SimulatedMarket(pairs=[PAIR], seed=3).candles(PAIR, timeframe, limit=500)
    frame = pd.DataFrame([tuple(c) for c in rows], columns=["date", "open", "high", "low", "close", "volume"])
    frame["date"] = pd.to_datetime(frame["date"], unit="ms", utc=True)
    return frame


# InformativeSample needs BTC/USDT 15m candles from a running bot: tests/unit/bot/test_dataprovider.py runs it.
@pytest.mark.parametrize(
    "name",
    [
        "SampleStrategy",
        "CustomStoplossWithPSAR",
        "Bandtastic",
        "Strategy001_custom_exit",
    ],
)
def test_freqtrade_strategy_loads_and_analyzes_simulated_candles(name: str) -> None:
    strategy = load_strategy(name, [FIXTURES])
    candles = _candles(strategy.timeframe)
    # As the research page does: a DataProvider without live candles (informative pairs come back empty).
    strategy.dp = DataProvider(runmode=RunMode.WEBSERVER, timeframe=strategy.timeframe)
    frame = strategy.analyze(candles, {"pair": PAIR})
    assert len(frame) == len(candles)
    assert set(frame["enter_long"].fillna(0).unique()) <= {0, 1}
