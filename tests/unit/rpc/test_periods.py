"""``/daily``, ``/weekly`` and ``/monthly``: UTC period boundaries, newest first, running balances."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ftserver.errors import InvalidRequest
from ftserver.models import Trade
from ftserver.rpc import periods as _periods
from tests.support.wire import as_wire
from tests.unit.rpc.factories import NOW, make_trade, sample


# The answers as their clients read them (JSON), so they compare with freqtrade's samples.
def timeunit_profit(*args: Any, **kwargs: Any) -> Any:
    return as_wire(_periods.timeunit_profit(*args, **kwargs))


# 50 coins bought for 100 USDT at 2.0 with 0.1 % fees (open value 100.1), sold at:
UP = 50 * 2.2 * 0.999 - 100.1  # 2.2: +9.79
DOWN = 50 * 1.8 * 0.999 - 100.1  # 1.8: -10.19
SMALL = 50 * 2.1 * 0.999 - 100.1  # 2.1: +4.795


def closed_at(when: datetime, close_rate: float, trade_id: int) -> Trade:
    return make_trade("BTC/USDT", 2.0, close_rate, opened=when - timedelta(hours=2), trade_id=trade_id)


def periods(trades: list[Trade], unit: Any, timescale: int, now: datetime = NOW, **kwargs: Any) -> dict[str, Any]:
    """The periods of a bot that started with 1000 USDT (ratio 1): it trades with 1000 plus every
    closed trade's profit now, and counts back from there."""
    total = 1000.0 + sum(t.close_profit_abs or 0.0 for t in trades if not t.is_open)
    return timeunit_profit(
        trades,
        unit=unit,
        timescale=timescale,
        now=now,
        **({"total_stake": total, "stake_currency": "USDT", "fiat_display_currency": "USD"} | kwargs),
    )


def test_days_split_at_utc_midnight_newest_first() -> None:
    trades = [
        closed_at(datetime(2026, 3, 1, 9, tzinfo=UTC), 2.2, 1),  # before the window: only moves the balance
        closed_at(datetime(2026, 3, 9, 10, tzinfo=UTC), 1.8, 2),
        closed_at(datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC), 2.1, 3),
        closed_at(datetime(2026, 3, 11, 0, 0, tzinfo=UTC), 2.2, 4),
        make_trade("ETH/USDT", 4.0, opened=NOW - timedelta(hours=1), trade_id=5),  # open: not counted
    ]
    body = periods(trades, "days", 3)
    assert [row["date"] for row in body["data"]] == ["2026-03-11", "2026-03-10", "2026-03-09"]
    assert [row["trade_count"] for row in body["data"]] == [1, 1, 1]
    today, yesterday, before = body["data"]
    assert before["starting_balance"] == pytest.approx(1000 + UP)
    assert before["abs_profit"] == pytest.approx(DOWN)
    assert before["rel_profit"] == round(DOWN / (1000 + UP), 8)
    assert yesterday["starting_balance"] == pytest.approx(1000 + UP + DOWN)
    assert yesterday["abs_profit"] == pytest.approx(SMALL)
    assert today["starting_balance"] == pytest.approx(1000 + UP + DOWN + SMALL)
    assert today["rel_profit"] == round(UP / (1000 + UP + DOWN + SMALL), 8)
    assert today["fiat_value"] == today["abs_profit"]  # a display currency without a rate: the stake value
    assert body["stake_currency"] == "USDT" and body["fiat_display_currency"] == "USD"


def test_weeks_start_on_monday() -> None:
    trades = [
        closed_at(datetime(2026, 3, 8, 23, 59, tzinfo=UTC), 2.2, 1),  # Sunday: the week of March 2
        closed_at(datetime(2026, 3, 9, 0, 0, tzinfo=UTC), 1.8, 2),  # Monday: this week
        closed_at(datetime(2026, 3, 2, 0, 0, tzinfo=UTC), 2.1, 3),
    ]
    body = periods(trades, "weeks", 3)
    assert [row["date"] for row in body["data"]] == ["2026-03-09", "2026-03-02", "2026-02-23"]
    assert [row["trade_count"] for row in body["data"]] == [1, 2, 0]
    assert body["data"][1]["abs_profit"] == pytest.approx(UP + SMALL)
    assert body["data"][0]["starting_balance"] == pytest.approx(1000 + UP + SMALL)
    assert body["data"][2] == {
        "date": "2026-02-23",
        "abs_profit": 0.0,
        "rel_profit": 0.0,
        "starting_balance": 1000.0,
        "fiat_value": 0.0,
        "trade_count": 0,
    }


def test_months_reach_back_over_the_new_year() -> None:
    now = datetime(2026, 1, 15, 8, tzinfo=UTC)
    trades = [
        closed_at(datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), 2.2, 1),
        closed_at(datetime(2026, 1, 1, 0, 0, tzinfo=UTC), 1.8, 2),
        closed_at(datetime(2025, 10, 31, 12, tzinfo=UTC), 2.1, 3),  # before November: balance only
    ]
    body = periods(trades, "months", 3, now=now, fiat_rate=0.5)
    assert [row["date"] for row in body["data"]] == ["2026-01-01", "2025-12-01", "2025-11-01"]
    assert [row["trade_count"] for row in body["data"]] == [1, 1, 0]
    assert body["data"][2]["starting_balance"] == pytest.approx(1000 + SMALL)
    assert body["data"][0]["fiat_value"] == pytest.approx(DOWN * 0.5)


def test_fiat_value_is_zero_without_a_fiat_display_currency() -> None:
    """As freqtrade, which converts only when a display currency is configured."""
    trades = [closed_at(datetime(2026, 3, 11, 9, tzinfo=UTC), 2.2, 1)]
    body = periods(trades, "days", 1, fiat_display_currency="")
    assert body["data"][0]["abs_profit"] == pytest.approx(UP)
    assert body["data"][0]["fiat_value"] == 0.0


def test_fiat_value_of_a_losing_day_without_a_fiat_display_currency_is_plain_zero() -> None:
    """freqtrade answers 0.0 there; a loss times a zero rate would be -0.0, which FreqUI shows as "-0"."""
    trades = [closed_at(datetime(2026, 3, 11, 9, tzinfo=UTC), 1.8, 1)]
    body = periods(trades, "days", 1, fiat_display_currency="")
    assert body["data"][0]["abs_profit"] == pytest.approx(DOWN)
    assert '"fiat_value": 0.0' in json.dumps(body["data"][0])


def test_trades_closed_after_now_belong_to_no_period() -> None:
    later = closed_at(NOW + timedelta(days=2), 2.2, 1)
    body = periods([later], "days", 2)
    assert [row["trade_count"] for row in body["data"]] == [0, 0]
    # As freqtrade: the balance now holds its profit, and no listed period gives it back.
    assert [row["starting_balance"] for row in body["data"]] == [pytest.approx(1000 + UP)] * 2


def test_the_balance_counts_back_from_what_the_bot_trades_with_now() -> None:
    # freqtrade's rule: 990 traded now (ratio 0.99 of a wallet that made UP), today's starting balance
    # is 990 - UP (today's profit), yesterday's the same (nothing closed yesterday).
    trades = [closed_at(datetime(2026, 3, 11, 9, tzinfo=UTC), 2.2, 1)]
    body = periods(trades, "days", 2, total_stake=990.0)
    assert [row["starting_balance"] for row in body["data"]] == [pytest.approx(990 - UP), pytest.approx(990 - UP)]
    assert body["data"][0]["rel_profit"] == round(UP / (990 - UP), 8)


def test_body_has_freqtrades_shape() -> None:
    expected = sample("daily_timescale_3.json")
    body = periods([closed_at(NOW - timedelta(hours=1), 2.2, 1)], "days", 3)
    assert list(body) == list(expected)
    assert [list(row) for row in body["data"]] == [list(row) for row in expected["data"]]
    assert json.dumps([type(v).__name__ for v in body["data"][0].values()]) == json.dumps(
        [type(v).__name__ for v in expected["data"][0].values()]
    )


@pytest.mark.parametrize(("unit", "timescale", "message"), [("days", 0, "timescale"), ("years", 3, "unit")])
def test_bad_arguments_are_invalid_requests(unit: str, timescale: int, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        periods([], unit, timescale)
