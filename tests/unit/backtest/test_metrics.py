"""The key metrics on a tiny trade list, against numbers worked out by hand.

Four trades, starting balance 1000, backtest 2024-01-01 .. 2024-03-01 (60 days):
+30 (Jan 5), -20 (Jan 20), -10 (Feb 3), +40 (Feb 10). Per-trade returns r = .03, -.02, -.01, .04.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from ftserver.backtest import metrics, stats
from ftserver.backtest.records import BacktestTrade, trades_frame
from ftserver.backtest.significance import regularized_beta, t_test_p_value

START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2024, 3, 1, tzinfo=UTC)
BALANCE = 1000.0
CLOSES = (
    datetime(2024, 1, 5, 12, tzinfo=UTC),
    datetime(2024, 1, 20, 12, tzinfo=UTC),
    datetime(2024, 2, 3, 12, tzinfo=UTC),
    datetime(2024, 2, 10, 12, tzinfo=UTC),
)
PROFITS = (30.0, -20.0, -10.0, 40.0)


def _trade(closed: datetime, profit: float, minutes: int = 90, pair: str = "BTC/USDT") -> BacktestTrade:
    return BacktestTrade(
        pair=pair,
        open_date=closed - timedelta(minutes=minutes),
        close_date=closed,
        open_rate=100.0,
        close_rate=100.0 + profit / 10,
        amount=10.0,
        stake_amount=1000.0,
        profit_ratio=profit / 1000,
        profit_abs=profit,
        exit_reason="roi" if profit > 0 else "stop_loss",
        fee_open=0.0,
        fee_close=0.0,
    )


@pytest.fixture
def trades() -> pd.DataFrame:
    return trades_frame([_trade(closed, profit) for closed, profit in zip(CLOSES, PROFITS, strict=True)])


def test_profit_factor_is_gross_profit_over_gross_loss(trades: pd.DataFrame) -> None:
    assert metrics.profit_factor(trades) == pytest.approx(70 / 30)


def test_profit_factor_without_losses_is_zero(trades: pd.DataFrame) -> None:
    assert metrics.profit_factor(trades[trades["profit_abs"] > 0]) == 0.0


def test_expectancy_is_expected_profit_per_trade_and_its_ratio(trades: pd.DataFrame) -> None:
    value, ratio = metrics.expectancy(trades)
    # win rate .5 * average win 35 - loss rate .5 * average loss 15
    assert value == pytest.approx(10.0)
    # (1 + 35 / 15) * .5 - 1
    assert ratio == pytest.approx(2 / 3)


def test_expectancy_ratio_without_losses_is_100(trades: pd.DataFrame) -> None:
    assert metrics.expectancy(trades[trades["profit_abs"] > 0]) == (pytest.approx(35.0), 100.0)


def test_max_drawdown_runs_from_the_first_peak_to_the_trough(trades: pd.DataFrame) -> None:
    drawdown = metrics.max_drawdown(trades, starting_balance=BALANCE)
    assert drawdown is not None
    # cumulative 30, 10, 0, 40: peak 30 after trade 1, trough 0 after trade 3
    assert drawdown.drawdown_abs == pytest.approx(30.0)
    assert drawdown.high_value == pytest.approx(30.0)
    assert drawdown.low_value == pytest.approx(0.0)
    assert drawdown.relative == pytest.approx(30 / 1030)
    assert drawdown.high_date == pd.Timestamp(CLOSES[0])
    assert drawdown.low_date == pd.Timestamp(CLOSES[2])


def test_max_drawdown_of_a_run_that_only_loses_starts_at_the_starting_balance() -> None:
    frame = trades_frame([_trade(CLOSES[0], -10.0), _trade(CLOSES[1], -5.0)])
    drawdown = metrics.max_drawdown(frame, starting_balance=BALANCE)
    assert drawdown is not None
    assert drawdown.drawdown_abs == pytest.approx(15.0)
    assert drawdown.high_value == 0.0
    assert drawdown.relative == pytest.approx(15 / 1000)


def test_max_drawdown_without_trades_is_none() -> None:
    assert metrics.max_drawdown(trades_frame([]), starting_balance=BALANCE) is None


def test_cagr_compounds_the_growth_over_a_year() -> None:
    # 1000 -> 1040 in 60 days
    assert metrics.cagr(60, BALANCE, 1040.0) == pytest.approx(math.exp(math.log(1.04) * 365 / 60) - 1)
    assert metrics.cagr(365, BALANCE, 1100.0) == pytest.approx(0.1)


def test_cagr_of_a_negative_final_balance_or_no_days_is_zero() -> None:
    assert metrics.cagr(60, BALANCE, -5.0) == 0
    assert metrics.cagr(0, BALANCE, 1040.0) == 0


def test_sharpe_sortino_calmar_and_sqn_on_the_tiny_list(trades: pd.DataFrame) -> None:
    daily_mean = 0.04 / 60
    population_spread = math.sqrt((0.02**2 + 0.03**2 + 0.02**2 + 0.03**2) / 4)  # around mean .01
    losing_spread = 0.005  # of -.02 and -.01
    sample_spread = math.sqrt((0.02**2 + 0.03**2 + 0.02**2 + 0.03**2) / 3)
    assert metrics.sharpe(trades, START, END, BALANCE) == pytest.approx(daily_mean / population_spread * math.sqrt(365))
    assert metrics.sortino(trades, START, END, BALANCE) == pytest.approx(daily_mean / losing_spread * math.sqrt(365))
    assert metrics.calmar(trades, START, END, BALANCE) == pytest.approx(daily_mean * 100 / (30 / 1030) * math.sqrt(365))
    assert metrics.sqn(trades, BALANCE) == round(2 * 0.01 / sample_spread, 4) == 0.6794


def test_ratios_without_spread_are_minus_100() -> None:
    same = trades_frame([_trade(CLOSES[0], 10.0), _trade(CLOSES[1], 10.0)])
    assert metrics.sharpe(same, START, END, BALANCE) == -100.0
    assert metrics.sortino(same, START, END, BALANCE) == -100.0  # no losing trade
    assert metrics.sqn(same, BALANCE) == -100.0
    assert metrics.p_value(same, BALANCE) == 1.0


def test_p_value_of_two_trades_is_the_cauchy_tail() -> None:
    # n = 2 (one degree of freedom): t = mean / (sd / sqrt 2) = 2 / (sqrt 2 / sqrt 2) = 2
    assert t_test_p_value([1.0, 3.0]) == pytest.approx(1 - 2 / math.pi * math.atan(2.0), rel=1e-12)


def test_regularized_beta_matches_its_closed_forms() -> None:
    assert regularized_beta(1.0, 1.0, 0.3) == pytest.approx(0.3, rel=1e-13)
    assert regularized_beta(3.0, 1.0, 0.6) == pytest.approx(0.6**3, rel=1e-13)
    assert regularized_beta(1.0, 4.0, 0.2) == pytest.approx(1 - 0.8**4, rel=1e-13)
    assert regularized_beta(7.5, 7.5, 0.5) == pytest.approx(0.5, rel=1e-13)


def test_streaks_count_draws_as_losses() -> None:
    profits = (5.0, -1.0, 0.0, -2.0, 3.0, 4.0)
    frame = trades_frame([_trade(CLOSES[0] + timedelta(hours=i), p) for i, p in enumerate(profits)])
    traded = stats.trading_stats(frame)
    assert (traded["max_consecutive_wins"], traded["max_consecutive_losses"]) == (2, 3)
    assert (traded["wins"], traded["draws"], traded["losses"]) == (3, 1, 2)


def test_monthly_and_weekly_breakdown_label_the_period_end(trades: pd.DataFrame) -> None:
    months = stats.periodic_breakdown(trades, "month")
    assert [(m["date"], m["profit_abs"], m["wins"], m["losses"]) for m in months] == [
        ("31/01/2024", 10.0, 1, 1),
        ("29/02/2024", 30.0, 1, 1),
    ]
    weeks = stats.periodic_breakdown(trades, "week")
    # 2024-01-05 is a Friday: its week ends on Monday 2024-01-08
    assert weeks[0]["date"] == "08/01/2024"
    assert weeks[0]["date_ts"] == int(datetime(2024, 1, 8, tzinfo=UTC).timestamp() * 1000)
    assert len(weeks) == 6


def test_weekday_breakdown_lists_only_weekdays_with_trades(trades: pd.DataFrame) -> None:
    # Fri Jan 5, Sat Jan 20, Sat Feb 3, Sat Feb 10
    days = stats.periodic_breakdown(trades, "weekday")
    assert [(d["date"], d["trades"], d["profit_abs"]) for d in days] == [("Friday", 1, 30.0), ("Saturday", 3, 10.0)]


def test_daily_stats_count_days_without_trades_as_draws(trades: pd.DataFrame) -> None:
    daily = stats.daily_stats(trades)
    # Jan 5 .. Feb 10 is 37 calendar days: 2 winning, 2 losing
    assert (daily["winning_days"], daily["losing_days"], daily["draw_days"]) == (2, 2, 33)
    assert daily["backtest_best_day_abs"] == 40.0
    assert daily["backtest_worst_day_abs"] == -20.0
    assert daily["daily_profit"][0] == ("2024-01-05", 30.0)


def test_pair_lines_rank_pairs_by_profit_and_end_with_total() -> None:
    frame = trades_frame(
        [
            _trade(CLOSES[0], -5.0, pair="ETH/USDT"),
            _trade(CLOSES[1], 12.0, pair="BTC/USDT"),
            _trade(CLOSES[2], 3.0, pair="ETH/USDT"),
        ]
    )
    lines = stats.pair_results(frame, ["ETH/USDT", "XRP/USDT", "BTC/USDT"], stats.Window(START, END, BALANCE))
    assert [(line["key"], line["trades"], line["profit_total_abs"]) for line in lines] == [
        ("BTC/USDT", 1, 12.0),
        ("XRP/USDT", 0, 0.0),
        ("ETH/USDT", 2, -2.0),
        ("TOTAL", 3, 10.0),
    ]
    assert lines[-1]["profit_total_pct"] == 1.0
    assert lines[-1]["duration_avg"] == "1:30:00"
    assert lines[-1]["winrate"] == pytest.approx(2 / 3)
