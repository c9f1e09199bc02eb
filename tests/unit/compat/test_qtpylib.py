import pandas as pd
import pytest

from ftserver.compat.freqtrade.vendor.qtpylib import indicators as qtpylib

BARS = pd.DataFrame(
    {
        "open": [10.0, 11.0, 12.0, 11.0],
        "high": [12.0, 13.0, 13.0, 12.0],
        "low": [9.0, 10.0, 11.0, 10.0],
        "close": [11.0, 12.0, 11.0, 10.0],
        "volume": [1.0, 2.0, 3.0, 4.0],
    }
)


def test_crossed_above_and_below_mark_only_the_crossing_candle() -> None:
    a = pd.Series([1.0, 3.0, 4.0, 1.0])
    b = pd.Series([2.0, 2.0, 2.0, 2.0])
    assert qtpylib.crossed_above(a, b).tolist() == [False, True, False, False]
    assert qtpylib.crossed_below(a, b).tolist() == [False, False, False, True]
    assert qtpylib.crossed(a, 2.0).tolist() == [False, True, False, True]


def test_typical_price() -> None:
    assert qtpylib.typical_price(BARS).tolist() == pytest.approx([32 / 3, 35 / 3, 35 / 3, 32 / 3])


def test_bollinger_bands_use_the_sample_standard_deviation() -> None:
    bands = qtpylib.bollinger_bands(pd.Series([1.0, 2.0, 3.0, 4.0]), window=3, stds=2)
    # last window 2,3,4: mean 3, sample std 1
    assert bands["mid"].tolist()[2:] == [2.0, 3.0]
    assert bands["upper"].iloc[3] == pytest.approx(5.0)
    assert bands["lower"].iloc[3] == pytest.approx(1.0)
    assert bands["mid"].iloc[:2].isna().all()


def test_weighted_mean_is_exponential_with_the_window_as_span() -> None:
    # span 3: alpha 0.5, weights newest first 1, 0.5, 0.25: (4 + 1 + 0.25) / 1.75 = 3
    mean = qtpylib.rolling_weighted_mean(pd.Series([1.0, 2.0, 4.0]), window=3)
    assert mean.iloc[:2].isna().all()
    assert mean.iloc[2] == pytest.approx(3.0)


def test_true_range_and_atr() -> None:
    # ranges: 3; max(3, |13-11|, |10-11|)=3; max(2, 1, 1)=2; max(2, |12-11|, |10-11|)=2
    assert qtpylib.true_range(BARS).tolist() == [3.0, 3.0, 2.0, 2.0]
    assert qtpylib.atr(BARS, window=2).tolist()[1:] == [3.0, 2.5, 2.0]


def test_keltner_channel_is_typical_price_mean_plus_minus_atrs() -> None:
    kc = qtpylib.keltner_channel(BARS, window=2, atrs=2)
    # last: mean typical (35/3 + 32/3)/2 = 67/6, atr 2 -> +-4
    assert kc["mid"].iloc[3] == pytest.approx(67 / 6)
    assert kc["upper"].iloc[3] == pytest.approx(67 / 6 + 4)
    assert kc["lower"].iloc[3] == pytest.approx(67 / 6 - 4)


def test_heikinashi_opens_at_the_midpoint_of_the_previous_candle() -> None:
    ha = qtpylib.heikinashi(BARS)
    # close = ohlc/4: 10.5, 11.5, 11.75, 10.75; open: 10.5, (10.5+10.5)/2=10.5, (10.5+11.5)/2=11, (11+11.75)/2=11.375
    assert ha["close"].tolist() == [10.5, 11.5, 11.75, 10.75]
    assert ha["open"].tolist() == [10.5, 10.5, 11.0, 11.375]
    assert ha["high"].tolist() == [12.0, 13.0, 13.0, 12.0]
    assert ha["low"].tolist() == [9.0, 10.0, 11.0, 10.0]


def test_awesome_oscillator_is_fast_minus_slow_mean_of_midprice() -> None:
    # midprice: 10.5, 11.5, 12, 11; fast 2 at last: 11.5, slow 4: 45/4
    assert qtpylib.awesome_oscillator(BARS, fast=2, slow=4).iloc[3] == pytest.approx(11.5 - 45 / 4)


def test_a_function_ftserver_lacks_fails_with_its_name() -> None:
    with pytest.raises(ImportError, match="zlma"):
        qtpylib.zlma  # noqa: B018
