"""Each protection on hand-built closed trades: which lock it asks for, on what, until when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ftserver.config.sections import ProtectionSettings
from ftserver.decide.protections.cooldown_period import cooldown_period
from ftserver.decide.protections.low_profit_pairs import low_profit_pairs
from ftserver.decide.protections.max_drawdown import drawdown, max_drawdown
from ftserver.decide.protections.rule import LockRequest, ProtectionInput
from ftserver.decide.protections.stoploss_guard import stoploss_guard
from ftserver.models import Trade

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def closed(pair: str, minutes_ago: float, profit: float, reason: str = "stop_loss", short: bool = False) -> Trade:
    return Trade(
        pair=pair,
        exchange="sim",
        strategy="S",
        timeframe=5,
        open_rate=100.0,
        open_date=NOW - timedelta(hours=10),
        amount=1.0,
        stake_amount=100.0,
        fee_open=0.0,
        fee_close=0.0,
        is_open=False,
        is_short=short,
        close_date=NOW - timedelta(minutes=minutes_ago),
        close_profit=profit,
        exit_reason=reason,
    )


def given(trades: list[Trade], pair: str = "BTC/USDT", side: str = "long", **settings: Any) -> ProtectionInput:
    return ProtectionInput(
        settings=ProtectionSettings(**settings), trades=trades, now=NOW, pair=pair, side=side, timeframe="5m"
    )


def test_cooldown_locks_the_pair_from_its_last_close_for_the_stop_duration() -> None:
    trades = [closed("BTC/USDT", 2, 0.01, "roi"), closed("ETH/USDT", 1, 0.01, "roi")]
    # 3 candles of 5m = 15 minutes after the close 2 minutes ago: 13 minutes from now.
    assert cooldown_period(given(trades, method="CooldownPeriod", stop_duration_candles=3)) == [
        LockRequest("BTC/USDT", NOW + timedelta(minutes=13), "Cooldown period")
    ]
    # Default 60 minutes; a close older than the duration asks for nothing.
    assert cooldown_period(given([closed("BTC/USDT", 61, 0.0)], method="CooldownPeriod")) == []


def test_stoploss_guard_locks_every_pair_after_trade_limit_stoplosses_in_the_lookback() -> None:
    trades = [
        closed("BTC/USDT", 50, -0.05),
        closed("ETH/USDT", 30, -0.05, "trailing_stop_loss"),
        closed("SOL/USDT", 10, -0.02),
        closed("SOL/USDT", 5, 0.03, "roi"),  # a win: not counted
        closed("XRP/USDT", 70, -0.05),  # outside the 60 minute lookback
        closed("ADA/USDT", 20, -0.05, "exit_signal"),  # not a stoploss
    ]
    settings: dict[str, Any] = {"method": "StoplossGuard", "trade_limit": 3, "lookback_period": 60, "stop_duration": 30}
    # Newest counted close 10 minutes ago, plus 30 minutes: 20 minutes from now, on every pair.
    assert stoploss_guard(given(trades, "SOL/USDT", **settings)) == [
        LockRequest("*", NOW + timedelta(minutes=20), "3 stoplosses within the lookback window")
    ]
    assert stoploss_guard(given(trades, "SOL/USDT", **{**settings, "trade_limit": 4})) == []
    assert stoploss_guard(given(trades, "SOL/USDT", **{**settings, "only_per_pair": True})) == []


def test_stoploss_guard_per_pair_and_per_side() -> None:
    trades = [closed("BTC/USDT", 20, -0.05), closed("BTC/USDT", 10, -0.04), closed("ETH/USDT", 5, -0.05, short=True)]
    settings: dict[str, Any] = {
        "method": "StoplossGuard", "trade_limit": 2, "lookback_period_candles": 6, "stop_duration_candles": 2,
        "only_per_pair": True,
    }  # fmt: skip
    # 6 candles = 30 minutes of lookback; lock 10 minutes after the close 10 minutes ago: until now.
    assert stoploss_guard(given(trades, "BTC/USDT", **settings)) == [
        LockRequest("BTC/USDT", NOW, "2 stoplosses within the lookback window")
    ]
    per_side = {**settings, "only_per_pair": False, "only_per_side": True, "stop_duration_candles": 4}
    # Long side: BTC's two longs count, ETH's short does not; the lock is on the long side only.
    assert stoploss_guard(given(trades, "BTC/USDT", "long", **per_side)) == [
        LockRequest("*", NOW + timedelta(minutes=10), "2 stoplosses within the lookback window", "long"),
        LockRequest("BTC/USDT", NOW + timedelta(minutes=10), "2 stoplosses within the lookback window", "long"),
    ]


def test_stoploss_guard_required_profit_counts_small_wins_too() -> None:
    trades = [closed("BTC/USDT", 20, 0.005), closed("BTC/USDT", 10, 0.004)]
    settings: dict[str, Any] = {"method": "StoplossGuard", "trade_limit": 2, "only_per_pair": True}
    assert stoploss_guard(given(trades, **settings)) == []
    assert stoploss_guard(given(trades, **settings, required_profit=0.01))[0].until == NOW + timedelta(minutes=50)


def test_low_profit_pairs_locks_a_pair_whose_profits_sum_below_the_requirement() -> None:
    trades = [closed("BTC/USDT", 40, 0.02, "roi"), closed("BTC/USDT", 20, -0.03), closed("ETH/USDT", 10, -0.5)]
    settings: dict[str, Any] = {
        "method": "LowProfitPairs", "lookback_period": 60, "trade_limit": 2, "stop_duration": 60,
    }  # fmt: skip
    # BTC: 0.02 - 0.03 = -0.01 < 0 -> locked 60 minutes after its last close 20 minutes ago.
    assert low_profit_pairs(given(trades, "BTC/USDT", **settings)) == [
        LockRequest("BTC/USDT", NOW + timedelta(minutes=40), "profit -0.0100 below 0.0 within the lookback window")
    ]
    assert low_profit_pairs(given(trades, "BTC/USDT", **{**settings, "required_profit": -0.02})) == []
    assert low_profit_pairs(given(trades, "ETH/USDT", **settings)) == []  # one trade, limit 2


def test_drawdown_is_the_deepest_fall_of_the_running_sum_below_its_peak() -> None:
    # Sums 0.05, 0.03, -0.01, 0.02, 0.01: peak 0.05, lowest after it -0.01.
    assert drawdown([0.05, -0.02, -0.04, 0.03, -0.01]) == pytest.approx(0.06)
    assert drawdown([-0.03, 0.01]) == 0.03  # from the starting 0
    assert drawdown([0.01, 0.02]) == 0.0


def test_max_drawdown_locks_every_pair_until_stop_duration_after_the_last_close() -> None:
    # In closing order: +0.05, -0.02, -0.04 -> peak 0.05, low -0.01: a 0.06 drawdown.
    trades = [closed("ETH/USDT", 15, -0.04), closed("BTC/USDT", 45, 0.05, "roi"), closed("SOL/USDT", 30, -0.02)]
    settings: dict[str, Any] = {
        "method": "MaxDrawdown", "lookback_period": 60, "trade_limit": 3, "stop_duration": 30,
        "max_allowed_drawdown": 0.05,
    }  # fmt: skip
    [request] = max_drawdown(given(trades, **settings))
    assert (request.pair, request.until, request.side) == ("*", NOW + timedelta(minutes=15), "*")
    assert max_drawdown(given(trades, **{**settings, "max_allowed_drawdown": 0.07})) == []
    assert max_drawdown(given(trades, **{**settings, "trade_limit": 4})) == []


def test_unlock_at_ends_the_lock_at_the_next_given_time_of_day() -> None:
    trades = [closed("BTC/USDT", 2, 0.0, "roi")]  # closed 11:58
    [request] = cooldown_period(given(trades, method="CooldownPeriod", unlock_at="13:30"))
    assert request.until == datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    [request] = cooldown_period(given(trades, method="CooldownPeriod", unlock_at="09:00"))
    assert request.until == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
