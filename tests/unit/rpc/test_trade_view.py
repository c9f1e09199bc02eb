"""Trade, order and lock shapes against freqtrade's captured answers and hand-computed profits; date helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from ftserver.models import OrderSide, OrderStatus, PairLock
from ftserver.rpc import trade_view
from ftserver.rpc.dates import format_date, format_duration, humanize_ago, to_ms
from ftserver.rpc.trade_view import lock_view
from tests.support.wire import as_wire
from tests.unit.rpc.factories import NOW, from_ms, make_trade, order, sample, trade_from_sample


# The answers as their clients read them (JSON), so they compare with freqtrade's samples.
def open_trade_view(*args: Any, **kwargs: Any) -> Any:
    return as_wire(trade_view.open_trade_view(*args, **kwargs))


def trade_history_view(*args: Any, **kwargs: Any) -> Any:
    return as_wire(trade_view.trade_history_view(*args, **kwargs))


# ---- dates ------------------------------------------------------------------------------------


def test_dates_are_utc_strings_and_exact_epoch_milliseconds() -> None:
    moment = datetime(2026, 7, 28, 7, 25, 1, 649000, tzinfo=UTC)
    assert format_date(moment) == "2026-07-28 07:25:01"
    assert format_date(moment.astimezone(timezone(timedelta(hours=2)))) == "2026-07-28 07:25:01"
    assert format_date(moment.replace(tzinfo=None)) == "2026-07-28 07:25:01"
    assert to_ms(moment) == 1785223501649  # freqtrade's open_timestamp of this moment
    assert to_ms(moment.replace(tzinfo=None)) == 1785223501649
    assert format_date(None) is None and to_ms(None) is None


def test_durations_drop_the_fraction_of_a_second() -> None:
    assert format_duration(timedelta(seconds=27347.9)) == "7:35:47"
    assert format_duration(timedelta(days=2, hours=3, minutes=4, seconds=5)) == "2 days, 3:04:05"
    assert format_duration(timedelta()) == "0:00:00"


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(milliseconds=300), "now"),
        (timedelta(seconds=30), "30 seconds ago"),
        (timedelta(seconds=70), "a minute ago"),
        (timedelta(minutes=5, seconds=10), "5 minutes ago"),
        (timedelta(minutes=59, seconds=50), "an hour ago"),
        (timedelta(hours=2, minutes=57), "3 hours ago"),  # freqtrade's sample: 03:39:40 seen at 06:36
        (timedelta(hours=23, minutes=40), "a day ago"),
        (timedelta(days=4, hours=2), "4 days ago"),
        (timedelta(days=33), "a month ago"),
        (timedelta(days=119, hours=23), "4 months ago"),  # freqtrade's sample: 07-28 seen on 11-25
        (timedelta(days=365), "a year ago"),
        (timedelta(days=366), "1 year, 1 day ago"),
        (timedelta(days=365 + 61), "1 year, 2 months ago"),
        (timedelta(days=800), "2 years ago"),
        (-timedelta(minutes=5, seconds=1), "5 minutes from now"),
    ],
)
def test_humanized_distance(ago: timedelta, text: str) -> None:
    assert humanize_ago(NOW - ago, NOW) == text


# ---- shapes: whole bodies against freqtrade's answers -----------------------------------------


def same_json(body: Any, expected: Any) -> bool:
    """Same keys in the same order, same values and same JSON types (1 and 1.0 differ)."""
    return json.dumps(body) == json.dumps(expected)


def test_closed_trade_body_is_freqtrades_trade_answer() -> None:
    expected = sample("trade_1.json")
    # /trades row 0 is the same stored trade, with every stored field (order prices, dates).
    stored = trade_from_sample(sample("trades_limit_2.json")["trades"][0])
    body = open_trade_view(stored)
    assert body.pop("open_order") is None
    assert same_json(body, expected)


def test_open_trade_bodies_are_freqtrades_status_answer() -> None:
    for expected in sample("status.json"):
        body = open_trade_view(trade_from_sample(expected), current_rate=expected["current_rate"])
        assert body.pop("open_order") is None
        assert same_json(body, expected)


def test_history_rows_are_freqtrades_trades_answer() -> None:
    for expected in sample("trades_limit_2.json")["trades"]:
        assert same_json(trade_history_view(trade_from_sample(expected)), expected)


def test_lock_body_is_freqtrades_lock_answer() -> None:
    expected = sample("locks.json")["locks"][0]
    lock = PairLock(
        id=expected["id"],
        pair=expected["pair"],
        lock_time=from_ms(expected["lock_timestamp"]),  # type: ignore[arg-type]
        lock_end_time=from_ms(expected["lock_end_timestamp"]),  # type: ignore[arg-type]
        reason=expected["reason"],
        side=expected["side"],
        active=expected["active"],
    )
    assert same_json(as_wire(lock_view(lock)), expected)


# ---- hand-computed values ---------------------------------------------------------------------


def test_closed_trade_profit_and_stop_distances_by_hand() -> None:
    trade = make_trade("BTC/USDT", 2.0, 2.2, opened=NOW - timedelta(days=1))
    # 100 USDT buys 50 coins: open value 50 * 2.0 * 1.001 = 100.1 ; close value 50 * 2.2 * 0.999 = 109.89
    body = open_trade_view(trade)
    assert body["profit_abs"] == pytest.approx(9.79)
    assert body["profit_ratio"] == pytest.approx(109.89 / 100.1 - 1)  # 0.0978022
    assert body["profit_pct"] == 9.78
    assert body["close_profit_pct"] == 9.78
    assert body["realized_profit_ratio"] == body["close_profit"] == trade.close_profit
    assert body["current_rate"] == 2.2
    assert body["total_profit_abs"] == 0.0 and body["total_profit_ratio"] is None
    # stop at 2.0 * 0.9 = 1.8: 1.8 - 2.2 = -0.4 from the close rate, -0.4 / 2.2 = -18.18 %
    assert body["stop_loss_abs"] == pytest.approx(1.8)
    assert body["stoploss_current_dist"] == pytest.approx(-0.4)
    assert body["stoploss_current_dist_ratio"] == round(-0.4 / 2.2, 8)
    assert body["stoploss_current_dist_pct"] == -18.18
    # exit at the stop: 50 * 1.8 * 0.999 = 89.91 ; 89.91 - 100.1 = -10.19
    assert body["stoploss_entry_dist"] == pytest.approx(-10.19)
    assert body["stoploss_entry_dist_ratio"] == round(89.91 / 100.1 - 1, 8)
    assert body["open_date"] == format_date(NOW - timedelta(days=1))
    assert body["nr_of_successful_entries"] == 1 and body["nr_of_successful_exits"] == 1
    assert body["has_open_orders"] is False and body["open_order"] is None


def test_history_row_duration_is_in_minutes() -> None:
    row = trade_history_view(make_trade("BTC/USDT", 2.0, 2.2, opened=NOW, hours=2.5))
    assert row["trade_duration_s"] == 9000
    assert row["trade_duration"] == 150
    assert [o["ft_is_entry"] for o in row["orders"]] == [True, False]
    assert row["profit_abs"] == pytest.approx(9.79)


def test_short_trade_orders_know_their_entry_side() -> None:
    row = trade_history_view(make_trade("BTC/USDT", 2.0, 1.8, opened=NOW, is_short=True))
    assert [(o["ft_order_side"], o["ft_is_entry"]) for o in row["orders"]] == [("sell", True), ("buy", False)]


def test_open_trade_current_profit_in_stake_and_fiat() -> None:
    trade = make_trade("BTC/USDT", 2.0, opened=NOW - timedelta(hours=3))
    body = open_trade_view(trade, current_rate=2.1, fiat_rate=2.0)
    # 50 * 2.1 * 0.999 = 104.895 ; 104.895 - 100.1 = 4.795
    assert body["profit_abs"] == pytest.approx(4.795)
    assert body["profit_ratio"] == round(104.895 / 100.1 - 1, 8)
    assert body["profit_pct"] == 4.79
    assert body["profit_fiat"] == pytest.approx(9.59)
    # nothing realized yet: total = current, over the stake with its entry fee (100 * 1.001)
    assert body["total_profit_abs"] == pytest.approx(4.795)
    assert body["total_profit_ratio"] == round(4.795 / 100.1, 8)
    assert body["total_profit_fiat"] == pytest.approx(9.59)
    assert body["close_profit"] is None and body["close_date"] is None
    assert body["current_rate"] == 2.1
    assert body["stoploss_current_dist"] == pytest.approx(1.8 - 2.1)


def test_open_trade_total_profit_adds_partial_exits() -> None:
    trade = make_trade("BTC/USDT", 2.0, opened=NOW - timedelta(hours=3))
    trade.realized_profit = 1.5
    trade.close_profit = 0.015
    body = open_trade_view(trade, current_rate=2.1)
    assert body["profit_abs"] == pytest.approx(4.795)
    assert body["total_profit_abs"] == pytest.approx(4.795 + 1.5)
    assert body["total_profit_ratio"] == round((4.795 + 1.5) / 100.1, 8)
    assert body["realized_profit"] == 1.5 and body["realized_profit_ratio"] == 0.015
    assert body["close_profit"] is None  # still open
    assert body["profit_fiat"] == pytest.approx(4.795)  # no fiat rate: the stake value


def test_open_trade_without_a_rate_has_no_current_profit() -> None:
    body = open_trade_view(make_trade("BTC/USDT", 2.0, opened=NOW))
    assert body["profit_abs"] is None and body["profit_ratio"] is None and body["profit_pct"] is None
    assert body["profit_fiat"] is None and body["total_profit_fiat"] is None
    assert body["total_profit_abs"] == 0.0
    assert body["current_rate"] is None and body["stoploss_current_dist"] is None
    assert body["stoploss_entry_dist"] == pytest.approx(-10.19)  # needs only the stop


def test_unfilled_entry_shows_its_open_order_and_no_profit() -> None:
    trade = make_trade("BTC/USDT", 2.0, opened=NOW, with_orders=False)
    trade.orders.append(
        order(1, "BTC/USDT", OrderSide.BUY, amount=50.0, price=2.0, placed=NOW, status=OrderStatus.OPEN, filled=0.0)
    )
    body = open_trade_view(trade, current_rate=2.1)
    assert body["profit_abs"] == 0.0 and body["profit_ratio"] == 0.0 and body["total_profit_abs"] == 0.0
    assert body["has_open_orders"] is True
    assert body["open_order"] == "(limit buy rem=50.00000000)"
    assert body["nr_of_successful_entries"] == 0
    assert body["open_fill_date"] is None and body["open_fill_timestamp"] is None
    assert [o["is_open"] for o in body["orders"]] == [True]


def test_cancelled_unfilled_orders_are_not_listed() -> None:
    trade = make_trade("BTC/USDT", 2.0, opened=NOW)
    trade.orders.append(
        order(1, "BTC/USDT", OrderSide.SELL, amount=50.0, price=2.5, placed=NOW, status=OrderStatus.CANCELED, filled=0)
    )
    assert [o["ft_order_side"] for o in open_trade_view(trade)["orders"]] == ["buy"]
    assert len(trade_history_view(trade)["orders"]) == 1


def test_open_fill_date_is_the_first_filled_entry() -> None:
    trade = make_trade("BTC/USDT", 2.0, opened=NOW)
    later = NOW + timedelta(hours=1)
    trade.orders.append(order(1, "BTC/USDT", OrderSide.BUY, amount=10.0, price=1.9, placed=later))
    body = open_trade_view(trade, current_rate=2.0)
    assert body["open_fill_timestamp"] == to_ms(NOW)
    assert body["nr_of_successful_entries"] == 2
