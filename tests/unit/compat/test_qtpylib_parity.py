"""ftserver's qtpylib gives the columns technical's (the copy freqtrade re-exports) gives, on simulated candles."""

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ftserver.compat.freqtrade.vendor.qtpylib import indicators as ours
from ftserver.exchange.simulated import SimulatedMarket

reference = pytest.importorskip("technical.qtpylib")
# technical's heikinashi grows its frame through .at, which this pandas deprecates: its warning, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:Setting a value on a DataFrame via .at")

ROWS = SimulatedMarket(pairs=["BTC/USDT"], seed=3).candles("BTC/USDT", "5m", limit=500)
BARS = pd.DataFrame([tuple(c) for c in ROWS], columns=["date", "open", "high", "low", "close", "volume"])
CLOSE = BARS["close"]

CALLS: dict[str, Callable[[ModuleType], Any]] = {
    "crossed": lambda q: q.crossed(CLOSE, q.sma(CLOSE, 10)),
    "bollinger_bands": lambda q: q.bollinger_bands(q.typical_price(BARS), window=20, stds=2),
    "weighted_bollinger_bands": lambda q: q.weighted_bollinger_bands(CLOSE, 20, 2),
    "sma": lambda q: q.sma(CLOSE, 20),
    "wma": lambda q: q.wma(CLOSE, 20),
    "hma": lambda q: q.hma(CLOSE, 16),
    "rolling_std": lambda q: q.rolling_std(CLOSE, 20),
    "atr": lambda q: q.atr(BARS, 14),
    "atr_exp": lambda q: q.atr(BARS, 14, exp=True),
    "keltner_channel": lambda q: q.keltner_channel(BARS, 14, 2),
    "heikinashi": lambda q: q.heikinashi(BARS),
    "zscore": lambda q: q.zscore(BARS, 20),
    "rolling_vwap": lambda q: q.rolling_vwap(BARS, 20),
    "awesome_oscillator": lambda q: q.awesome_oscillator(BARS),
    "awesome_oscillator_weighted": lambda q: q.awesome_oscillator(BARS, weighted=True),
    "pvt": lambda q: q.pvt(BARS),
    "chopiness": lambda q: q.chopiness(BARS, 14),
    "ibs": lambda q: q.ibs(BARS),
    "roc": lambda q: q.roc(CLOSE, 5),
    "log_returns": lambda q: q.log_returns(CLOSE),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_same_values_as_technicals_qtpylib(name: str) -> None:
    expected = np.asarray(CALLS[name](reference), dtype=float)
    got = np.asarray(CALLS[name](ours), dtype=float)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)
