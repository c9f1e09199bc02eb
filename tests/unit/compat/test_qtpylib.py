"""qtpylib's indicators against series worked out by hand."""

import math

import numpy as np
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
NAN = float("nan")


def values(series: pd.Series) -> list[float]:
    return series.tolist()


def test_crossed_above_and_below_mark_only_the_crossing_candle() -> None:
    a = pd.Series([1.0, 3.0, 4.0, 1.0])
    b = pd.Series([2.0, 2.0, 2.0, 2.0])
    assert qtpylib.crossed_above(a, b).tolist() == [False, True, False, False]
    assert qtpylib.crossed_below(a, b).tolist() == [False, False, False, True]
    assert qtpylib.crossed(a, 2.0).tolist() == [False, True, False, True]


def test_crossing_from_equal_counts_and_numpy_input_works() -> None:
    # 2 -> 3 crosses above 2 (it was "at or below"); an ndarray and an int are accepted
    assert qtpylib.crossed_above(np.array([2.0, 3.0, 3.0]), 2).tolist() == [False, True, False]


def test_typical_and_mid_price() -> None:
    assert values(qtpylib.typical_price(BARS)) == pytest.approx([32 / 3, 35 / 3, 35 / 3, 32 / 3])
    assert values(qtpylib.mid_price(BARS)) == [10.5, 11.5, 12.0, 11.0]


def test_rolling_mean_needs_a_full_window_unless_told_otherwise() -> None:
    series = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert values(qtpylib.rolling_mean(series, 2)) == pytest.approx([NAN, 1.5, 2.5, 3.5], nan_ok=True)
    assert values(qtpylib.sma(series, 2, min_periods=1)) == [1.0, 1.5, 2.5, 3.5]
    assert values(qtpylib.rolling_min(series, 2))[1:] == [1.0, 2.0, 3.0]
    assert values(qtpylib.rolling_max(series, 2))[1:] == [2.0, 3.0, 4.0]


def test_rolling_std_is_the_sample_deviation() -> None:
    # 1, 2, 4: mean 7/3, squared deviations 16/9 + 1/9 + 25/9 = 42/9, over n-1=2: 7/3
    assert qtpylib.rolling_std(pd.Series([1.0, 2.0, 4.0]), 3).iloc[2] == pytest.approx(math.sqrt(7 / 3))


def test_weighted_means_are_exponential_with_the_window_as_span() -> None:
    # span 3: alpha 0.5, weights newest first 1, 0.5, 0.25: (4 + 1 + 0.25) / 1.75 = 3
    series = pd.Series([1.0, 2.0, 4.0])
    for mean in (qtpylib.rolling_weighted_mean(series, 3), qtpylib.wma(series, 3), qtpylib.ema(series, 3)):
        assert mean.iloc[:2].isna().all()
        assert mean.iloc[2] == pytest.approx(3.0)


def test_hull_average_doubles_the_half_window_mean_minus_the_full_one_then_smooths() -> None:
    # window 4 on 0, 4: half-window mean (span 2, alpha 2/3): 4 / (1 + 1/3) = 3; full (span 4, alpha 0.4):
    # 4 / 1.6 = 2.5; 2*3 - 2.5 = 3.5 after 0; smoothed with span sqrt(4)=2: 3.5 / (4/3) = 2.625
    assert values(qtpylib.hma(pd.Series([0.0, 4.0]), 4, min_periods=1)) == pytest.approx([0.0, 2.625])


def test_hull_average_waits_for_the_window_at_every_stage() -> None:
    # the first two stages give a value from the 4th candle, the smoothing needs 4 of those: 7th candle
    hull = qtpylib.hull_moving_average(pd.Series([5.0] * 7), 4)
    assert hull.iloc[:6].isna().all()
    assert hull.iloc[6] == pytest.approx(5.0)


def test_bollinger_bands_start_from_the_first_candle_with_the_sample_deviation() -> None:
    bands = qtpylib.bollinger_bands(pd.Series([1.0, 2.0, 3.0, 4.0]), window=3, stds=2)
    assert values(bands["mid"]) == [1.0, 1.5, 2.0, 3.0]
    # second candle: std of 1, 2 is sqrt(0.5); last window 2, 3, 4: mean 3, std 1
    assert values(bands["upper"]) == pytest.approx([NAN, 1.5 + 2 * math.sqrt(0.5), 4.0, 5.0], nan_ok=True)
    assert values(bands["lower"]) == pytest.approx([NAN, 1.5 - 2 * math.sqrt(0.5), 0.0, 1.0], nan_ok=True)


def test_weighted_bollinger_bands_centre_on_the_exponential_mean() -> None:
    bands = qtpylib.weighted_bollinger_bands(pd.Series([1.0, 2.0, 4.0]), window=3, stds=1)
    assert bands["mid"].iloc[2] == pytest.approx(3.0)
    assert bands["upper"].iloc[2] == pytest.approx(3.0 + math.sqrt(7 / 3))


def test_true_range_and_atr() -> None:
    # ranges: 3; max(3, |13-11|, |10-11|)=3; max(2, 1, 1)=2; max(2, |12-11|, |10-11|)=2
    assert values(qtpylib.true_range(BARS)) == [3.0, 3.0, 2.0, 2.0]
    assert values(qtpylib.atr(BARS, window=2))[1:] == [3.0, 2.5, 2.0]


def test_exponential_atr_uses_the_window_as_span() -> None:
    # true ranges 3, 3, 2, 2; span 2, alpha 2/3, weights newest first 1, 1/3, 1/9, 1/27:
    # (3 + 3/3) / (4/3) = 3; (2 + 3/3 + 3/9) / (13/9) = 30/13; (2 + 2/3 + 3/9 + 3/27) / (40/27) = 84/40
    exp_atr = qtpylib.atr(BARS, window=2, exp=True)
    assert values(exp_atr) == pytest.approx([NAN, 3.0, 30 / 13, 2.1], nan_ok=True)


def test_keltner_channel_is_typical_price_mean_plus_minus_atrs() -> None:
    kc = qtpylib.keltner_channel(BARS, window=2, atrs=2)
    # last: mean typical (35/3 + 32/3)/2 = 67/6, atr 2 -> +-4
    assert kc["mid"].iloc[3] == pytest.approx(67 / 6)
    assert kc["upper"].iloc[3] == pytest.approx(67 / 6 + 4)
    assert kc["lower"].iloc[3] == pytest.approx(67 / 6 - 4)


def test_heikinashi_opens_at_the_midpoint_of_the_previous_candle() -> None:
    ha = qtpylib.heikinashi(BARS)
    # close = ohlc/4: 10.5, 11.5, 11.75, 10.75; open: 10.5, (10.5+10.5)/2=10.5, (10.5+11.5)/2=11, (11+11.75)/2=11.375
    assert list(ha.columns) == ["open", "high", "low", "close"]
    assert values(ha["close"]) == [10.5, 11.5, 11.75, 10.75]
    assert values(ha["open"]) == [10.5, 10.5, 11.0, 11.375]
    assert values(ha["high"]) == [12.0, 13.0, 13.0, 12.0]
    assert values(ha["low"]) == [9.0, 10.0, 11.0, 10.0]


def test_zscore_is_the_distance_from_the_rolling_mean_in_sample_deviations() -> None:
    # closes 11, 12, 11: mean 34/3, std sqrt(1/3): (11 - 34/3) / sqrt(1/3) = -1/sqrt(3); then 12, 11, 10: -1
    z = qtpylib.zscore(BARS, window=3)
    assert values(z) == pytest.approx([NAN, NAN, -1 / math.sqrt(3), -1.0], nan_ok=True)
    assert qtpylib.zscore(BARS, window=3, stds=2).iloc[3] == pytest.approx(-0.5)


def test_whole_frame_vwap_is_refused_for_its_lookahead() -> None:
    with pytest.raises(ValueError, match="rolling_vwap"):
        qtpylib.vwap(BARS)


def test_rolling_vwap_weights_the_typical_price_by_volume() -> None:
    # window 2: (32/3*1 + 35/3*2)/3 = 102/9; (35/3*2 + 35/3*3)/5 = 35/3; (35/3*3 + 32/3*4)/7 = 233/21
    assert values(qtpylib.rolling_vwap(BARS, window=2)) == pytest.approx([NAN, 102 / 9, 35 / 3, 233 / 21], nan_ok=True)


def test_rolling_vwap_carries_the_last_value_through_a_window_without_volume() -> None:
    bars = BARS.assign(volume=[1.0, 1.0, 0.0, 0.0])
    # third: (35/3*1 + 35/3*0)/1 = 35/3; fourth: 0/0, so the third's value again
    assert values(qtpylib.rolling_vwap(bars, window=2))[2:] == pytest.approx([35 / 3, 35 / 3])


def test_awesome_oscillator_is_fast_minus_slow_mean_of_midprice() -> None:
    # midprice: 10.5, 11.5, 12, 11; fast 2 at last: 11.5, slow 4: 45/4
    assert qtpylib.awesome_oscillator(BARS, fast=2, slow=4).iloc[3] == pytest.approx(11.5 - 45 / 4)


def test_weighted_awesome_oscillator_uses_fast_and_slow_as_centre_of_mass() -> None:
    # com 1: alpha 1/2 -> (11.5 + 10.5/2)/1.5 = 67/6; com 3: alpha 1/4 -> (11.5 + 10.5*3/4)/1.75 = 155/14
    ao = qtpylib.awesome_oscillator(BARS, weighted=True, fast=1, slow=3)
    assert values(ao)[:2] == pytest.approx([0.0, 67 / 6 - 155 / 14])


def test_returns_rate_of_change_and_price_volume_trend() -> None:
    series = pd.Series([1.0, 2.0, 4.0, 8.0])
    assert values(qtpylib.returns(series)) == pytest.approx([NAN, 1.0, 1.0, 1.0], nan_ok=True)
    assert values(qtpylib.log_returns(series))[1:] == pytest.approx([math.log(2)] * 3)
    assert values(qtpylib.roc(series, 2)) == pytest.approx([NAN, NAN, 3.0, 3.0], nan_ok=True)
    # closes 11, 12, 11, 10 with volumes 2, 3, 4 on the changes: 2/11, then -3/12, then -4/11
    assert values(qtpylib.pvt(BARS)) == pytest.approx(
        [NAN, 2 / 11, 2 / 11 - 1 / 4, 2 / 11 - 1 / 4 - 4 / 11], nan_ok=True
    )


def test_internal_bar_strength_and_choppiness() -> None:
    assert values(qtpylib.ibs(BARS)) == [0.67, 0.67, 0.0, 0.0]
    # window 2 at the second candle: true ranges 3 + 3 over highest 13 - lowest 9: 100 * log10(1.5) / log10(2)
    assert qtpylib.chopiness(BARS, 2).iloc[1] == pytest.approx(100 * math.log10(1.5) / math.log10(2))


def test_a_function_ftserver_lacks_fails_with_its_name() -> None:
    with pytest.raises(ImportError, match="zlma"):
        qtpylib.zlma  # noqa: B018
