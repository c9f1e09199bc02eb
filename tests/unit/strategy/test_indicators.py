import numpy as np
import pandas as pd
import pytest

from ftserver.strategy.indicators import bollinger_bands, crossed_above, crossed_below, ema, macd, rsi, sma


def series(*values: float) -> pd.Series:
    return pd.Series(values, dtype="float64")


def test_sma_is_the_mean_of_the_last_period_values() -> None:
    assert sma(series(1, 2, 3, 4), 2).tolist()[1:] == [1.5, 2.5, 3.5]
    assert np.isnan(sma(series(1, 2, 3, 4), 2).iloc[0])


def test_ema_weights_recent_values_with_alpha_two_over_span_plus_one() -> None:
    values = ema(series(10, 10, 10, 16), 3)  # alpha 0.5
    assert np.isnan(values.iloc[1])
    assert values.iloc[2] == 10
    assert values.iloc[3] == pytest.approx(13.0)


def test_rsi_is_100_when_only_rising_and_0_when_only_falling() -> None:
    rising = series(*range(1, 31))
    assert rsi(rising, 14).dropna().eq(100).all()
    assert rsi(rising[::-1].reset_index(drop=True), 14).dropna().eq(0).all()


def test_rsi_uses_wilder_smoothing() -> None:
    closes = series(44.0, 45.0, 44.0, 46.0)
    # gains 1, 0, 2 and losses 0, 1, 0 with alpha 1/2: gain 1 -> 0.5 -> 1.25; loss 0 -> 0.5 -> 0.25.
    assert rsi(closes, 2).iloc[-1] == pytest.approx(100 - 100 / (1 + 1.25 / 0.25))
    assert rsi(closes, 2).isna().tolist()[:2] == [True, True]


def test_bollinger_bands_surround_the_moving_average() -> None:
    closes = pd.Series(np.random.default_rng(1).normal(100, 2, 60))
    bands = bollinger_bands(closes, 20, 2.0).dropna()
    assert len(bands) == 41
    assert (bands["lower"] < bands["middle"]).all() and (bands["middle"] < bands["upper"]).all()
    width = (bands["upper"] - bands["middle"]).iloc[-1]
    assert width == pytest.approx(2 * closes.iloc[-20:].std(ddof=0))


def test_macd_histogram_is_line_minus_signal() -> None:
    closes = pd.Series(np.linspace(100, 120, 60))
    out = macd(closes).dropna()
    assert list(out.columns) == ["macd", "macdsignal", "macdhist"]
    assert (out["macdhist"] == out["macd"] - out["macdsignal"]).all()
    assert (out["macd"] > 0).all()  # a steady rise keeps the fast average above the slow one


def test_crosses_fire_only_on_the_candle_that_crosses() -> None:
    a, b = series(1, 2, 3, 2, 1), series(2, 2, 2, 2, 2)
    assert crossed_above(a, b).tolist() == [False, False, True, False, False]
    assert crossed_below(a, b).tolist() == [False, False, False, False, True]


def _rsi_reference(series: pd.Series, period: int) -> pd.Series:
    delta = series.diff()
    gain = delta.clip(lower=0).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
    loss = (-delta.clip(upper=0)).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
    return 100 - 100 / (1 + gain / loss)


def _walk(seed: int) -> pd.Series:
    values = 100 + np.random.default_rng(seed).normal(0, 1, 400).cumsum()
    values[50:60] = values[50]  # a flat run: zero moves
    values[200:203] = np.nan  # a gap
    return pd.Series(values, index=pd.RangeIndex(1000, 1400), name="close")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rsi_equals_the_plain_pandas_formula_to_the_bit(seed: int) -> None:
    closes = _walk(seed)
    pd.testing.assert_series_equal(rsi(closes, 14), _rsi_reference(closes, 14), check_exact=True)
    ints = pd.Series(np.arange(60) % 7, name="close")  # other dtypes take the pandas formula itself
    pd.testing.assert_series_equal(rsi(ints, 5), _rsi_reference(ints, 5), check_exact=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_crosses_equal_the_plain_pandas_expressions(seed: int) -> None:
    fast, slow = ema(_walk(seed), 5), ema(_walk(seed), 20)
    above = (fast > slow) & (fast.shift(1) <= slow.shift(1))
    below = (fast < slow) & (fast.shift(1) >= slow.shift(1))
    pd.testing.assert_series_equal(crossed_above(fast, slow), above, check_exact=True)
    pd.testing.assert_series_equal(crossed_below(fast, slow), below, check_exact=True)
    assert crossed_above(fast.rename("a"), slow.rename("b")).name is None


def test_crosses_of_unaligned_series_fail_as_pandas_does() -> None:
    a, b = series(1, 2, 3), pd.Series([2.0, 2.0, 2.0], index=[5, 6, 7])
    with pytest.raises(ValueError, match="identically-labeled"):
        crossed_above(a, b)
