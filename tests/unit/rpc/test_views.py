"""Trade serialization, profit summary, periods and performance against hand-computed values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ftserver.models import Order, OrderSide, OrderStatus, OrderType, PairLock, Trade
from ftserver.rpc.performance import (
    count_summary,
    enter_tag_performance,
    exit_reason_performance,
    mix_tag_performance,
    pair_performance,
    trade_stats,
)
from ftserver.rpc.periods import timeunit_profit
from ftserver.rpc.profit import profit_all, profit_summary
from ftserver.rpc.trade_view import lock_to_dict, trade_to_dict

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "freqtrade-samples" / "rest"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def sample(name: str) -> dict:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("freqtrade samples not available")
    return json.loads(path.read_text())["body"]


def trade(
    pair: str,
    open_rate: float,
    close_rate: float | None,
    *,
    days_ago: float,
    hours: float = 2,
    tag: str = "t",
    reason: str = "roi",
    trade_id: int = 1,
) -> Trade:
    t = Trade(
        id=trade_id,
        pair=pair,
        exchange="sim",
        strategy="S",
        timeframe=5,
        open_rate=open_rate,
        open_date=NOW - timedelta(days=days_ago),
        amount=100 / open_rate,
        stake_amount=100.0,
        fee_open=0.001,
        fee_close=0.001,
        enter_tag=tag,
    )
    t.set_initial_stoploss(-0.1, t.open_date)
    t.orders.append(
        Order(
            ft_trade_id=trade_id,
            ft_order_side=OrderSide.BUY,
            ft_pair=pair,
            order_id=f"b{trade_id}",
            order_type=OrderType.LIMIT,
            side=OrderSide.BUY,
            amount=t.amount,
            price=open_rate,
            status=OrderStatus.CLOSED,
            filled=t.amount,
            average=open_rate,
            cost=100.0,
            order_date=t.open_date,
            order_filled_date=t.open_date,
        )
    )
    if close_rate is not None:
        t.is_open = False
        t.close_rate = close_rate
        t.close_date = t.open_date + timedelta(hours=hours)
        t.close_profit_abs = t.calc_profit(close_rate)
        t.close_profit = t.calc_profit_ratio(close_rate)
        t.realized_profit = t.close_profit_abs
        t.exit_reason = reason
    return t


def test_closed_trade_profit_by_hand() -> None:
    t = trade("BTC/USDT", 2.0, 2.2, days_ago=1)
    # 50 coins: open 100 * 1.001 = 100.1 ; close 50 * 2.2 * 0.999 = 109.89 ; profit 9.79
    assert t.close_profit_abs == pytest.approx(9.79)
    assert t.close_profit == pytest.approx(109.89 / 100.1 - 1)
    body = trade_to_dict(t)
    assert body["profit_abs"] == pytest.approx(9.79)
    assert body["profit_pct"] == round((109.89 / 100.1 - 1) * 100, 2)
    assert body["trade_duration_s"] == 7200
    assert body["open_date"] == (NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")


def test_trade_dict_has_every_key_freqtrade_sends() -> None:
    closed = trade_to_dict(trade("BTC/USDT", 2.0, 2.2, days_ago=1))
    open_ = trade_to_dict(trade("BTC/USDT", 2.0, None, days_ago=1), current_rate=2.1)
    assert set(sample("trade_1.json")) <= set(closed)
    assert set(sample("trades_limit_2.json")["trades"][0]) <= set(closed)
    assert set(sample("status.json")[0]) <= set(open_)
    assert set(sample("trade_1.json")["orders"][0]) <= set(closed["orders"][0])


def test_open_trade_shows_current_profit_and_stop_distance() -> None:
    body = trade_to_dict(trade("BTC/USDT", 2.0, None, days_ago=1), current_rate=2.1)
    # 50 * 2.1 * 0.999 - 100.1 = 4.795
    assert body["profit_abs"] == pytest.approx(4.795)
    assert body["total_profit_abs"] == pytest.approx(4.795)
    assert body["stop_loss_abs"] == pytest.approx(1.8)
    assert body["stoploss_current_dist"] == pytest.approx(1.8 - 2.1)
    assert body["is_open"] is True and body["close_date"] is None


def three_trades() -> list[Trade]:
    return [
        trade("BTC/USDT", 2.0, 2.2, days_ago=3, tag="a", reason="roi", trade_id=1),  # +9.79
        trade("ETH/USDT", 4.0, 3.6, days_ago=2, tag="b", reason="stop_loss", trade_id=2),  # -10.19
        trade("BTC/USDT", 1.0, 1.05, days_ago=1, tag="a", reason="roi", trade_id=3),  # +4.795
    ]


def test_profit_summary_by_hand() -> None:
    trades = three_trades()
    # ETH: 25 coins, close 25 * 3.6 * 0.999 = 89.91 ; profit 89.91 - 100.1 = -10.19
    # BTC #3: 100 coins, close 100 * 1.05 * 0.999 = 104.895 ; profit 4.795
    summary = profit_summary(trades, current_rates={}, starting_balance=1000, bot_start=None, now=NOW)
    assert set(sample("profit.json")) <= set(summary)
    assert summary["profit_closed_coin"] == pytest.approx(9.79 - 10.19 + 4.795)
    assert summary["profit_closed_ratio"] == pytest.approx((9.79 - 10.19 + 4.795) / 1000)
    assert summary["winning_trades"] == 2 and summary["losing_trades"] == 1
    assert summary["winrate"] == pytest.approx(2 / 3)
    assert summary["profit_factor"] == pytest.approx((9.79 + 4.795) / 10.19)
    assert summary["best_pair"] == "BTC/USDT"
    assert summary["best_pair_profit_abs"] == pytest.approx(9.79 + 4.795)
    # balance 1000 -> 1009.79 (peak) -> 999.6 -> 1004.395: max drawdown 10.19 from the peak
    assert summary["max_drawdown_abs"] == pytest.approx(10.19)
    assert summary["max_drawdown"] == pytest.approx(10.19 / 1009.79)
    assert summary["avg_duration"] == "2:00:00"
    assert summary["trade_count"] == 3


def test_profit_all_includes_open_trades_at_current_rate() -> None:
    trades = [*three_trades(), trade("SOL/USDT", 10.0, None, days_ago=0.5, trade_id=4)]
    result = profit_all(trades, current_rates={"SOL/USDT": 11.0}, starting_balance=1000, bot_start=NOW, now=NOW)
    assert set(result) == {"all", "long"}
    # open SOL: 10 coins * 11 * 0.999 - 100.1 = 9.79
    assert result["all"]["profit_all_coin"] == pytest.approx(9.79 - 10.19 + 4.795 + 9.79)
    assert result["all"]["closed_trade_count"] == 3


def test_empty_profit_summary_is_valid() -> None:
    summary = profit_summary([], current_rates={}, starting_balance=1000, bot_start=None, now=NOW)
    assert summary["trade_count"] == 0
    assert summary["first_trade_timestamp"] == 0
    assert summary["profit_all_coin"] == 0


def test_daily_groups_newest_first_with_running_balance() -> None:
    daily = timeunit_profit(
        three_trades(),
        unit="days",
        timescale=4,
        now=NOW,
        starting_balance=1000,
        stake_currency="USDT",
        fiat_display_currency="USD",
    )
    assert [d["date"] for d in daily["data"]] == ["2026-03-10", "2026-03-09", "2026-03-08", "2026-03-07"]
    assert [d["trade_count"] for d in daily["data"]] == [0, 1, 1, 1]
    assert daily["data"][1]["abs_profit"] == pytest.approx(4.795)
    assert daily["data"][1]["starting_balance"] == pytest.approx(1000 + 9.79 - 10.19)
    weekly = timeunit_profit(
        three_trades(),
        unit="weeks",
        timescale=2,
        now=NOW,
        starting_balance=1000,
        stake_currency="USDT",
        fiat_display_currency="",
    )
    assert weekly["data"][0]["date"] == "2026-03-09"  # a Monday
    monthly = timeunit_profit(
        three_trades(),
        unit="months",
        timescale=2,
        now=NOW,
        starting_balance=1000,
        stake_currency="USDT",
        fiat_display_currency="",
    )
    assert [m["date"] for m in monthly["data"]] == ["2026-03-01", "2026-02-01"]
    assert monthly["data"][0]["trade_count"] == 3


def test_performance_tags_and_stats() -> None:
    trades = three_trades()
    perf = pair_performance(trades)
    assert [p["pair"] for p in perf] == ["BTC/USDT", "ETH/USDT"]
    assert perf[0]["count"] == 2
    assert set(sample("performance.json")[0]) == set(perf[0])
    assert [e["enter_tag"] for e in enter_tag_performance(trades)] == ["a", "b"]
    assert {e["exit_reason"] for e in exit_reason_performance(trades, "ETH/USDT")} == {"stop_loss"}
    assert mix_tag_performance(trades)[0]["mix_tag"] == "a roi"
    stats = trade_stats(trades)
    assert stats["exit_reasons"]["roi"] == {"wins": 2, "losses": 0, "draws": 0}
    assert stats["durations"]["wins"] == pytest.approx(7200)
    assert stats["durations"]["draws"] is None
    count = count_summary([trade("SOL/USDT", 10.0, None, days_ago=1)], 5)
    assert count == {"current": 1, "max": 5, "total_stake": 100.0}


def test_lock_dict_shape() -> None:
    lock = PairLock(pair="BTC/USDT", lock_time=NOW, lock_end_time=NOW + timedelta(hours=1), reason="r", id=3)
    body = lock_to_dict(lock)
    assert set(body) == set(sample("locks.json")["locks"][0])
    assert body["lock_end_timestamp"] == int((NOW + timedelta(hours=1)).timestamp() * 1000)
