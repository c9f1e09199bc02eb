"""``/profit`` and ``/profit_all`` over hand-computed trades, the empty answer, and the freqtrade key set."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

import pytest

from ftserver.models import OrderSide, OrderStatus, Trade, TradingMode
from ftserver.rpc import profit as _profit
from ftserver.rpc.fiat import fiat_rate
from tests.support.wire import as_wire
from tests.unit.rpc.factories import NOW, make_trade, order, sample


# The answers as their clients read them (JSON), so they compare with freqtrade's samples.
def profit_all(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_profit.profit_all(*args, **kwargs))


def profit_summary(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_profit.profit_summary(*args, **kwargs))


DAY = timedelta(days=1)
T1_CLOSE = NOW - 3 * DAY + timedelta(hours=2)
T2_CLOSE = NOW - 2 * DAY + timedelta(hours=2)

# Each trade stakes 100 USDT with 0.1 % fees: open value 100.1.
WIN_1 = 50 * 2.2 * 0.999 - 100.1  # BTC 2.0 -> 2.2: +9.79
LOSS = 25 * 3.6 * 0.999 - 100.1  # ETH 4.0 -> 3.6: -10.19
WIN_2 = 100 * 1.05 * 0.999 - 100.1  # BTC 1.0 -> 1.05: +4.795
RATIOS = [109.89 / 100.1 - 1, 89.91 / 100.1 - 1, 104.895 / 100.1 - 1]


def three_trades(*, with_orders: bool = True) -> list[Trade]:
    """Two wins and a loss on three consecutive days, each held two hours from noon."""
    return [
        make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - 3 * DAY, trade_id=1, with_orders=with_orders),
        make_trade("ETH/USDT", 4.0, 3.6, opened=NOW - 2 * DAY, trade_id=2, reason="stop_loss", with_orders=with_orders),
        make_trade("BTC/USDT", 1.0, 1.05, opened=NOW - DAY, trade_id=3, with_orders=with_orders),
    ]


def summary_of(trades: list[Trade], **kwargs: object) -> dict:
    options: dict = {"current_rates": {}, "starting_balance": 1000.0, "bot_start": None, "now": NOW} | kwargs
    return profit_summary(trades, **options)


def test_profit_body_has_freqtrades_keys_in_order() -> None:
    assert list(summary_of(three_trades())) == list(sample("profit.json"))


def test_closed_profit_win_rate_and_best_pair_by_hand() -> None:
    body = summary_of(three_trades())
    closed = WIN_1 + LOSS + WIN_2  # 4.395
    assert body["profit_closed_coin"] == pytest.approx(closed)
    assert body["profit_closed_ratio"] == pytest.approx(closed / 1000)
    assert body["profit_closed_percent"] == 0.44
    assert body["profit_closed_ratio_sum"] == pytest.approx(sum(RATIOS))
    assert body["profit_closed_ratio_mean"] == pytest.approx(sum(RATIOS) / 3)
    assert body["profit_closed_percent_mean"] == round(sum(RATIOS) / 3 * 100, 2)
    assert body["profit_closed_fiat"] == 0.0  # no fiat display currency: 0, as freqtrade
    assert body["trade_count"] == body["closed_trade_count"] == 3
    assert body["winning_trades"] == 2 and body["losing_trades"] == 1
    assert body["winrate"] == pytest.approx(2 / 3)
    assert body["profit_factor"] == pytest.approx((WIN_1 + WIN_2) / -LOSS)
    # expectancy: 2/3 * mean win - 1/3 * mean loss = the mean profit here
    mean_win, mean_loss = (WIN_1 + WIN_2) / 2, -LOSS
    assert body["expectancy"] == pytest.approx(2 / 3 * mean_win - 1 / 3 * mean_loss)
    assert body["expectancy_ratio"] == pytest.approx((1 + mean_win / mean_loss) * 2 / 3 - 1)
    # SQN: sqrt(3) * mean / sample std of the three profits
    mean = closed / 3
    std = math.sqrt(((WIN_1 - mean) ** 2 + (LOSS - mean) ** 2 + (WIN_2 - mean) ** 2) / 2)
    assert body["sqn"] == round(math.sqrt(3) * mean / std, 4)
    assert body["best_pair"] == "BTC/USDT"
    assert body["best_pair_profit_abs"] == pytest.approx(WIN_1 + WIN_2)
    assert body["best_pair_profit_ratio"] == pytest.approx((WIN_1 + WIN_2) / 200)  # over the two entries
    assert body["best_rate"] == round((WIN_1 + WIN_2) / 200 * 100, 2)
    assert body["avg_duration"] == "2:00:00"
    # volume: entries 3 x 100, exits 50 * 2.2 + 25 * 3.6 + 100 * 1.05
    assert body["trading_volume"] == pytest.approx(300 + 110 + 90 + 105)


def test_volume_counts_closed_orders_only_and_nothing_for_trades_without_orders() -> None:
    """As freqtrade: the cost of each closed order with a fill date; a cancelled order that filled
    part of its amount, an order without a fill date and a trade stored without orders add nothing."""
    trades = three_trades()
    partial = order(
        1, "BTC/USDT", OrderSide.BUY, amount=10, price=2.0, placed=NOW, status=OrderStatus.CANCELED, filled=4
    )
    undated = order(1, "BTC/USDT", OrderSide.BUY, amount=10, price=2.0, placed=NOW)
    undated.order_filled_date = None
    trades[0].orders += [partial, undated]
    trades.append(make_trade("SOL/USDT", 10.0, 10.4, opened=NOW - DAY, trade_id=4, with_orders=False))
    assert summary_of(trades)["trading_volume"] == pytest.approx(300 + 110 + 90 + 105)


def test_drawdown_by_hand() -> None:
    body = summary_of(three_trades())
    # balance 1000 -> 1009.79 (peak, day 1) -> 999.6 (day 2) -> 1004.395 (day 3)
    assert body["max_drawdown_abs"] == pytest.approx(-LOSS)
    assert body["max_drawdown"] == pytest.approx(-LOSS / (1000 + WIN_1))
    assert body["max_drawdown_start"] == T1_CLOSE.strftime("%Y-%m-%d %H:%M:%S")
    assert body["max_drawdown_end_timestamp"] == int(T2_CLOSE.timestamp() * 1000)
    assert body["current_drawdown_abs"] == pytest.approx(-(LOSS + WIN_2))
    assert body["current_drawdown"] == pytest.approx(-(LOSS + WIN_2) / (1000 + WIN_1))
    assert body["current_drawdown_high"] == pytest.approx(WIN_1)
    assert body["current_drawdown_start_timestamp"] == int(T1_CLOSE.timestamp() * 1000)


def test_a_first_losing_trade_is_a_drawdown_from_the_starting_balance() -> None:
    body = summary_of([make_trade("ETH/USDT", 4.0, 3.6, opened=NOW - DAY)])
    assert body["max_drawdown_abs"] == pytest.approx(-LOSS)
    assert body["max_drawdown"] == pytest.approx(-LOSS / 1000)
    assert body["max_drawdown_start"] == (NOW - DAY).strftime("%Y-%m-%d %H:%M:%S")  # the trade's open
    assert body["current_drawdown_high"] == 0.0


def test_risk_ratios_over_per_trade_returns_by_hand() -> None:
    """freqtrade's formulas: each closed trade's profit over the starting balance, their sum spread
    over the whole days between the first and the latest trade's open date (here 2)."""
    body = summary_of(three_trades())
    returns = [WIN_1 / 1000, LOSS / 1000, WIN_2 / 1000]
    per_day = sum(returns) / 2
    mean = sum(returns) / 3
    std = math.sqrt(sum((r - mean) ** 2 for r in returns) / 3)  # population std
    max_drawdown = -LOSS / (1000 + WIN_1)
    assert body["sharpe"] == pytest.approx(per_day / std * math.sqrt(365))
    assert body["sortino"] == -100.0  # one losing trade: no spread of losses
    assert body["calmar"] == pytest.approx(per_day * 100 / max_drawdown * math.sqrt(365))
    assert body["cagr"] == pytest.approx((1004.395 / 1000) ** (365 / 2) - 1)


def test_an_open_trade_opened_later_widens_the_risk_ratios_window() -> None:
    trades = [*three_trades(), make_trade("SOL/USDT", 10.0, opened=NOW + DAY, trade_id=4)]  # 4 days from the first
    body = summary_of(trades)
    returns = [WIN_1 / 1000, LOSS / 1000, WIN_2 / 1000]
    mean = sum(returns) / 3
    std = math.sqrt(sum((r - mean) ** 2 for r in returns) / 3)
    assert body["sharpe"] == pytest.approx(sum(returns) / 4 / std * math.sqrt(365))
    assert body["cagr"] == pytest.approx((1004.395 / 1000) ** (365 / 4) - 1)


def test_risk_ratios_without_a_divisor_are_minus_100_and_without_a_window_zero() -> None:
    one_win = make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - 2 * DAY)
    # first and latest trade opened at the same instant: no window
    body = summary_of([one_win])
    assert (body["sharpe"], body["sortino"], body["calmar"]) == (0.0, 0.0, 0.0)
    assert body["cagr"] == pytest.approx(((1000 + WIN_1) / 1000) ** 365 - 1)  # over at least one day
    # a later open trade gives a window; one win has no spread, no loss and no drawdown
    later = make_trade("ETH/USDT", 4.0, opened=NOW, trade_id=2)
    body = summary_of([one_win, later])
    assert (body["sharpe"], body["sortino"], body["calmar"]) == (-100.0, -100.0, -100.0)
    assert body["sqn"] == -100.0  # one closed trade: no sample std
    assert summary_of([later])["sqn"] == 0.0  # no closed trade
    assert body["profit_factor"] is None  # no loss to divide by
    assert body["expectancy_ratio"] == 100.0


def test_a_zero_profit_trade_counts_as_a_win() -> None:
    trade = make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - DAY)
    trade.close_profit = trade.close_profit_abs = 0.0
    body = summary_of([trade])
    assert body["winning_trades"] == 1 and body["losing_trades"] == 0
    assert body["winrate"] == 1.0


def test_values_have_freqtrades_json_types() -> None:
    expected = sample("profit.json")
    for body in (summary_of(three_trades()), summary_of([])):
        wrong = {k: type(v).__name__ for k, v in body.items() if v is not None and type(v) is not type(expected[k])}
        assert wrong == {}


def test_empty_database_answer() -> None:
    body = summary_of([])
    profits = [k for k in body if k.startswith("profit_") and k != "profit_factor"]
    assert body == {
        **dict.fromkeys(profits, 0.0),
        "trade_count": 0,
        "closed_trade_count": 0,
        "first_trade_date": "",
        "first_trade_humanized": "",
        "first_trade_timestamp": 0,
        "latest_trade_date": "",
        "latest_trade_humanized": "",
        "latest_trade_timestamp": 0,
        "avg_duration": "0:00:00",
        "best_pair": "",
        "best_rate": 0.0,
        "best_pair_profit_ratio": 0.0,
        "best_pair_profit_abs": 0.0,
        "winning_trades": 0,
        "losing_trades": 0,
        "profit_factor": None,
        "winrate": 0.0,
        "expectancy": 0.0,
        "expectancy_ratio": 100.0,
        "sharpe": 0.0,
        "sortino": 0.0,
        "sqn": 0.0,
        "calmar": 0.0,
        "cagr": 0.0,
        "max_drawdown": 0.0,
        "max_drawdown_abs": 0.0,
        "max_drawdown_start": "",
        "max_drawdown_start_timestamp": 0,
        "max_drawdown_end": "",
        "max_drawdown_end_timestamp": 0,
        "current_drawdown": 0.0,
        "current_drawdown_abs": 0.0,
        "current_drawdown_high": 0.0,
        "current_drawdown_start": "",
        "current_drawdown_start_timestamp": 0,
        "trading_volume": 0.0,
        "bot_start_timestamp": 0,
        "bot_start_date": "",
    }
    assert len(profits) == 16


def test_open_trades_count_at_their_current_rate() -> None:
    unfilled = make_trade("ADA/USDT", 0.5, opened=NOW, trade_id=6, with_orders=False)
    unfilled.orders.append(
        order(6, "ADA/USDT", OrderSide.BUY, amount=200.0, price=0.5, placed=NOW, status=OrderStatus.OPEN, filled=0.0)
    )
    trades = [
        *three_trades(),
        make_trade("SOL/USDT", 10.0, opened=NOW - timedelta(hours=5), trade_id=4),
        make_trade("XRP/USDT", 0.5, opened=NOW - timedelta(hours=4), trade_id=5),  # no rate known
        unfilled,
    ]
    body = summary_of(trades, current_rates={"SOL/USDT": 11.0, "ADA/USDT": 0.6}, fiat_rate=0.5)
    sol = 10 * 11 * 0.999 - 100.1  # +9.79
    assert body["profit_all_coin"] == pytest.approx(WIN_1 + LOSS + WIN_2 + sol)
    assert body["profit_all_ratio_mean"] == pytest.approx((sum(RATIOS) + 109.89 / 100.1 - 1) / 4)
    assert body["profit_all_fiat"] == pytest.approx((WIN_1 + LOSS + WIN_2 + sol) * 0.5)
    assert body["profit_closed_coin"] == pytest.approx(WIN_1 + LOSS + WIN_2)
    assert body["trade_count"] == 6 and body["closed_trade_count"] == 3
    assert body["trading_volume"] == pytest.approx(605 + 100 + 100)  # filled entries of SOL and XRP


def test_first_and_latest_trade_follow_trade_ids() -> None:
    early = make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - 5 * DAY, trade_id=7)
    late = make_trade("ETH/USDT", 4.0, opened=NOW - timedelta(hours=3), trade_id=2)
    body = summary_of([early, late], bot_start=NOW - 10 * DAY)
    # freqtrade orders by id: the lowest id is "first" even though it opened later
    assert body["first_trade_timestamp"] == int(late.open_date.timestamp() * 1000)
    assert body["first_trade_humanized"] == "3 hours ago"
    assert body["latest_trade_date"] == early.open_date.strftime("%Y-%m-%d %H:%M:%S")
    assert body["latest_trade_humanized"] == "5 days ago"
    assert body["bot_start_date"] == (NOW - 10 * DAY).strftime("%Y-%m-%d %H:%M:%S")


def test_direction_filter_keeps_only_that_side() -> None:
    trades = [*three_trades(), make_trade("BTC/USDT", 2.0, 1.8, opened=NOW - DAY, trade_id=9, is_short=True)]
    short = summary_of(trades, direction="short")
    # short 50 coins: open value 100 * 0.999 = 99.9 ; buy back 50 * 1.8 * 1.001 = 90.09 ; profit 9.81
    assert short["trade_count"] == 1
    assert short["profit_closed_coin"] == pytest.approx(99.9 - 90.09)
    assert summary_of(trades, direction="long")["trade_count"] == 3


def test_profit_all_has_no_sides_in_spot_mode() -> None:
    trades = three_trades()
    body = profit_all(trades, current_rates={}, starting_balance=1000.0, bot_start=None, now=NOW)
    assert set(body) == set(sample("profit_all.json"))
    assert body["long"] is None and body["short"] is None
    assert body["all"] == summary_of(trades)


def test_profit_all_splits_sides_outside_spot() -> None:
    futures = TradingMode.FUTURES
    trades = [
        make_trade("BTC/USDT:USDT", 2.0, 2.2, opened=NOW - 2 * DAY, trade_id=1, trading_mode=futures),
        make_trade("BTC/USDT:USDT", 2.0, 1.8, opened=NOW - DAY, trade_id=2, is_short=True, trading_mode=futures),
    ]
    body = profit_all(trades, current_rates={}, starting_balance=1000.0, bot_start=None, now=NOW)
    assert body["long"]["profit_closed_coin"] == pytest.approx(9.79)
    assert body["short"]["profit_closed_coin"] == pytest.approx(9.81)
    assert body["all"]["closed_trade_count"] == 2
    spot_config = profit_all(
        trades, current_rates={}, starting_balance=1000.0, bot_start=None, now=NOW, trading_mode=TradingMode.SPOT
    )
    assert spot_config["short"] is None


def test_ten_thousand_trades_summarise_quickly() -> None:
    trades = [
        make_trade(
            "BTC/USDT", 2.0, 2.0 + (i % 7 - 3) / 50, opened=NOW - timedelta(hours=i), trade_id=i, with_orders=False
        )
        for i in range(1, 10_001)
    ]
    started = time.perf_counter()
    body = summary_of(trades)
    elapsed = time.perf_counter() - started
    assert body["closed_trade_count"] == 10_000
    assert elapsed < 0.25, f"profit summary of 10k trades took {elapsed * 1000:.0f} ms (target 50 ms)"


def test_fiat_figures_of_a_loss_without_a_display_currency_are_plain_zero() -> None:
    """freqtrade answers 0.0; a loss times a zero rate would be -0.0, which FreqUI shows as "-0"."""
    loss = [make_trade("ETH/USDT", 4.0, 3.6, opened=NOW - 2 * DAY, trade_id=2, reason="stop_loss")]
    body = summary_of(loss, fiat_rate=fiat_rate(""))
    assert body["profit_closed_coin"] == pytest.approx(LOSS)
    assert (math.copysign(1.0, body["profit_closed_fiat"]), math.copysign(1.0, body["profit_all_fiat"])) == (1.0, 1.0)


def test_fiat_figures_are_zero_without_a_display_currency_and_the_stake_value_without_a_rate() -> None:
    assert (fiat_rate(""), fiat_rate(None), fiat_rate("USD"), fiat_rate("EUR", 0.9)) == (0.0, 0.0, 1.0, 0.9)
    body = summary_of(three_trades(), fiat_rate=fiat_rate("USD"))
    assert body["profit_closed_fiat"] == body["profit_closed_coin"] == pytest.approx(WIN_1 + LOSS + WIN_2)
    assert body["profit_all_fiat"] == body["profit_all_coin"]
