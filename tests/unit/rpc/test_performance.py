"""``/performance``, ``/entries``, ``/exits``, ``/mix_tags``, ``/stats`` and ``/count`` by hand."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest

from ftserver.models import OrderSide, OrderStatus, Trade
from ftserver.rpc import performance as _performance
from tests.support.wire import as_wire
from tests.unit.rpc.factories import NOW, make_trade, order, sample


# The answers as their clients read them (JSON), so they compare with freqtrade's samples.
def count_summary(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_performance.count_summary(*args, **kwargs))


def enter_tag_performance(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_performance.enter_tag_performance(*args, **kwargs))


def exit_reason_performance(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_performance.exit_reason_performance(*args, **kwargs))


def mix_tag_performance(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_performance.mix_tag_performance(*args, **kwargs))


def pair_performance(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_performance.pair_performance(*args, **kwargs))


def trade_stats(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_performance.trade_stats(*args, **kwargs))


DAY = timedelta(days=1)
# 100 USDT stakes with 0.1 % fees: open value 100.1.
BTC_1 = 50 * 2.2 * 0.999 - 100.1  # +9.79
ETH = 25 * 3.6 * 0.999 - 100.1  # -10.19
BTC_2 = 100 * 1.05 * 0.999 - 100.1  # +4.795
SOL = 10 * 10.4 * 0.999 - 100.1  # +3.796
R_BTC_1, R_ETH, R_BTC_2, R_SOL = 109.89 / 100.1 - 1, 89.91 / 100.1 - 1, 104.895 / 100.1 - 1, 103.896 / 100.1 - 1


def history() -> list[Trade]:
    draw = make_trade("XRP/USDT", 0.5, 0.5, opened=NOW - DAY, hours=1, trade_id=6, tag="b", reason="exit_signal")
    draw.close_profit = draw.close_profit_abs = 0.0
    return [
        make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - 4 * DAY, trade_id=1, tag="a", reason="roi"),
        make_trade("ETH/USDT", 4.0, 3.6, opened=NOW - 3 * DAY, trade_id=2, tag="b", reason="stop_loss"),
        make_trade("BTC/USDT", 1.0, 1.05, opened=NOW - 2 * DAY, trade_id=3, tag="a", reason="roi"),
        make_trade("SOL/USDT", 10.0, 10.4, opened=NOW - 2 * DAY, hours=4, trade_id=4, tag=None, reason=None),
        make_trade("ETH/USDT", 4.0, opened=NOW - DAY, trade_id=5, tag="a"),  # open: ignored everywhere
        draw,
    ]


def json_types(row: dict[str, Any]) -> str:
    return json.dumps({k: type(v).__name__ for k, v in row.items()})


def test_pairs_sorted_by_absolute_profit_with_profit_over_entry_cost() -> None:
    rows = pair_performance(history())
    assert [(r["pair"], r["count"]) for r in rows] == [
        ("BTC/USDT", 2),
        ("SOL/USDT", 1),
        ("XRP/USDT", 1),
        ("ETH/USDT", 1),
    ]
    btc = rows[0]
    assert btc["profit_abs"] == pytest.approx(BTC_1 + BTC_2)
    # summed profit over the two 100 USDT entries (fees are not part of the entry cost)
    assert btc["profit_ratio"] == pytest.approx((BTC_1 + BTC_2) / 200)
    assert btc["profit_pct"] == btc["profit"] == round((BTC_1 + BTC_2) / 200 * 100, 2)
    assert rows[-1]["profit_abs"] == pytest.approx(ETH)
    assert json_types(btc) == json_types(sample("performance.json")[0])


def test_entry_tags_with_missing_tag_as_other() -> None:
    rows = enter_tag_performance(history())
    assert [(r["enter_tag"], r["count"]) for r in rows] == [("a", 2), ("Other", 1), ("b", 2)]
    assert rows[0]["profit_ratio"] == pytest.approx((BTC_1 + BTC_2) / 200)
    assert rows[2]["profit_abs"] == pytest.approx(ETH)
    assert rows[2]["profit_ratio"] == pytest.approx(ETH / 200)  # with the 0.0 draw's 100 USDT entry
    assert json_types(rows[0]) == json_types(sample("entries.json")[0])


def test_exit_reasons_of_one_pair() -> None:
    rows = exit_reason_performance(history(), "BTC/USDT")
    assert rows == [
        {
            "profit_ratio": pytest.approx((BTC_1 + BTC_2) / 200),
            "profit_pct": round((BTC_1 + BTC_2) / 200 * 100, 2),
            "profit_abs": pytest.approx(BTC_1 + BTC_2),
            "count": 2,
            "exit_reason": "roi",
        }
    ]
    all_rows = exit_reason_performance(history())
    assert [r["exit_reason"] for r in all_rows] == ["roi", "Other", "exit_signal", "stop_loss"]
    assert list(all_rows[0]) == list(sample("exits.json")[0])


def test_entry_cost_counts_every_filled_entry_order_over_leverage() -> None:
    """A second (DCA) entry and a cancelled entry that filled part of its amount both count, at their
    average price and divided by the trade's leverage; exit orders and an entry that filled nothing do not."""
    trade = make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - 4 * DAY, trade_id=1)
    trade.leverage = 2.0
    placed = NOW - 3 * DAY
    trade.orders.append(order(1, "BTC/USDT", OrderSide.BUY, amount=30, price=1.9, placed=placed))
    trade.orders.append(
        order(
            1,
            "BTC/USDT",
            OrderSide.BUY,
            amount=20,
            price=1.8,
            placed=NOW - 3 * DAY,
            status=OrderStatus.CANCELED,
            filled=5,
        )
    )
    trade.orders.append(
        order(
            1,
            "BTC/USDT",
            OrderSide.BUY,
            amount=20,
            price=1.7,
            placed=NOW - 3 * DAY,
            status=OrderStatus.CANCELED,
            filled=0,
        )
    )
    (row,) = pair_performance([trade])
    cost = (50 * 2.0 + 30 * 1.9 + 5 * 1.8) / 2  # 83.0
    assert row["profit_ratio"] == pytest.approx(BTC_1 / cost)


def test_a_group_without_any_filled_entry_order_is_left_out() -> None:
    """As freqtrade, whose ratio divides by the entry orders' cost: trades stored without orders have none."""
    bare = make_trade("ADA/USDT", 0.5, 0.6, opened=NOW - 2 * DAY, trade_id=7, tag="c", with_orders=False)
    rows = pair_performance([*history(), bare])
    assert "ADA/USDT" not in [r["pair"] for r in rows]
    assert "c" not in [r["enter_tag"] for r in enter_tag_performance([*history(), bare])]
    # Within a group, such a trade still adds its profit (over the others' entry cost).
    bare.pair = "SOL/USDT"
    sol = next(r for r in pair_performance([*history(), bare]) if r["pair"] == "SOL/USDT")
    assert sol["count"] == 2
    assert sol["profit_ratio"] == pytest.approx((SOL + bare.close_profit_abs) / 100)


def test_mix_tags_sum_their_ratios() -> None:
    rows = mix_tag_performance(history())
    assert [r["mix_tag"] for r in rows] == ["a roi", "Other Other", "b exit_signal", "b stop_loss"]
    assert rows[0]["profit_ratio"] == pytest.approx(R_BTC_1 + R_BTC_2)
    assert rows[0]["profit_pct"] == round((R_BTC_1 + R_BTC_2) * 100, 2)
    assert rows[1]["profit_abs"] == pytest.approx(SOL) and rows[1]["profit_ratio"] == pytest.approx(R_SOL)
    assert json_types(rows[0]) == json_types(sample("mix_tags.json")[0])
    assert mix_tag_performance(history(), "SOL/USDT")[0]["mix_tag"] == "Other Other"


def test_no_closed_trades_give_empty_lists() -> None:
    open_only = [t for t in history() if t.is_open]
    assert pair_performance(open_only) == []
    assert enter_tag_performance([]) == exit_reason_performance([]) == mix_tag_performance([]) == []


def test_stats_count_outcomes_per_reason_and_mean_durations() -> None:
    stats = trade_stats(history())
    assert stats["exit_reasons"] == {
        "roi": {"wins": 2, "losses": 0, "draws": 0},
        "stop_loss": {"wins": 0, "losses": 1, "draws": 0},
        "Other": {"wins": 1, "losses": 0, "draws": 0},
        "exit_signal": {"wins": 0, "losses": 0, "draws": 1},
    }
    # wins held 2 h, 2 h and 4 h; the loss 2 h; the draw 1 h
    assert stats["durations"] == {"wins": pytest.approx(8 / 3 * 3600), "draws": 3600.0, "losses": 7200.0}
    expected = sample("stats.json")
    assert list(stats) == list(expected) and list(stats["durations"]) == list(expected["durations"])
    assert trade_stats([])["durations"] == {"wins": None, "draws": None, "losses": None}


def test_count_of_open_trades_and_their_stake() -> None:
    open_trades = [
        make_trade("ETH/USDT", 4.0, opened=NOW, trade_id=1),
        make_trade("SOL/USDT", 10.0, opened=NOW, trade_id=2, stake=50.0),
    ]
    body = count_summary(open_trades, 5)
    assert body == {"current": 2, "max": 5, "total_stake": 150.0}
    assert json_types(body) == json_types(sample("count.json"))
    assert count_summary([], 3) == {"current": 0, "max": 3, "total_stake": 0.0}


def test_ten_thousand_trades_group_quickly() -> None:
    trades = [
        make_trade(f"P{i % 20}/USDT", 2.0, 2.1, opened=NOW - timedelta(hours=i), trade_id=i, tag=f"t{i % 3}")
        for i in range(1, 10_001)
    ]
    started = time.perf_counter()
    rows = pair_performance(trades)
    elapsed = time.perf_counter() - started
    assert len(rows) == 20
    assert elapsed < 0.1, f"pair performance of 10k trades took {elapsed * 1000:.0f} ms (target 20 ms)"
