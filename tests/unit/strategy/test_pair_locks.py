"""A strategy's own pair locks (``self.lock_pair`` and friends) with freqtrade's rules, without a bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ftserver.core.clock import ManualClock
from ftserver.strategy.base import Strategy
from ftserver.strategy.pair_locks import MemoryPairLocks

NOW = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)


class FiveMinutes(Strategy):
    timeframe = "5m"


def strategy_at(clock: ManualClock) -> FiveMinutes:
    strategy = FiveMinutes()
    strategy.pair_locks = MemoryPairLocks(clock.now)
    return strategy


def test_a_lock_lasts_until_the_candle_after_until_starts() -> None:
    clock = ManualClock(NOW)
    strategy = strategy_at(clock)
    strategy.lock_pair("BTC/USDT", NOW + timedelta(minutes=5), reason="cooling")  # 12:12:30 -> 12:15
    [lock] = strategy.pair_locks.locks
    assert lock.lock_end_time == datetime(2026, 3, 2, 12, 15, tzinfo=UTC)
    assert strategy.is_pair_locked("BTC/USDT")
    assert not strategy.is_pair_locked("ETH/USDT")
    clock.advance(minutes=7)  # 12:14:30
    assert strategy.is_pair_locked("BTC/USDT")
    clock.advance(seconds=30)  # 12:15:00, the end
    assert not strategy.is_pair_locked("BTC/USDT")


def test_the_same_lock_is_not_taken_twice() -> None:
    strategy = strategy_at(ManualClock(NOW))
    strategy.lock_pair("BTC/USDT", NOW + timedelta(minutes=5), reason="cooling")
    strategy.lock_pair("BTC/USDT", NOW + timedelta(minutes=6), reason="cooling")  # same candle end
    strategy.lock_pair("BTC/USDT", NOW + timedelta(minutes=6), reason="other")
    assert len(strategy.pair_locks.locks) == 2


def test_a_signal_candles_check_looks_at_the_start_of_the_next_candle() -> None:
    strategy = strategy_at(ManualClock(NOW))
    strategy.lock_pair("BTC/USDT", NOW, reason="short")  # ends 12:10
    # The 12:05 candle's signal is acted on at 12:10, when the lock has ended.
    assert strategy.is_pair_locked("BTC/USDT")
    assert not strategy.is_pair_locked("BTC/USDT", candle_date=datetime(2026, 3, 2, 12, 5, tzinfo=UTC))
    assert strategy.is_pair_locked("BTC/USDT", candle_date=datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


def test_a_global_lock_locks_every_pair_and_sides_are_kept_apart() -> None:
    strategy = strategy_at(ManualClock(NOW))
    strategy.lock_pair("ETH/USDT", NOW + timedelta(hours=1), side="long")
    assert strategy.is_pair_locked("ETH/USDT", side="long")
    assert not strategy.is_pair_locked("ETH/USDT", side="short")
    assert not strategy.is_pair_locked("ETH/USDT")  # "*" asks for a lock on both sides
    strategy.lock_pair("*", NOW + timedelta(hours=1), reason="global")
    assert strategy.is_pair_locked("SOL/USDT") and strategy.is_pair_locked("ETH/USDT", side="short")


def test_unlock_pair_releases_its_both_sides_locks_and_unlock_reason_every_lock_with_the_reason() -> None:
    strategy = strategy_at(ManualClock(NOW))
    strategy.lock_pair("BTC/USDT", NOW + timedelta(hours=1), reason="a")
    strategy.lock_pair("BTC/USDT", NOW + timedelta(hours=1), reason="b", side="long")
    strategy.lock_pair("ETH/USDT", NOW + timedelta(hours=1), reason="b")
    strategy.unlock_pair("BTC/USDT")
    assert [(lock.pair, lock.reason, lock.active) for lock in strategy.pair_locks.locks] == [
        ("BTC/USDT", "a", False),
        ("BTC/USDT", "b", True),  # a one-side lock stays, as in freqtrade
        ("ETH/USDT", "b", True),
    ]
    strategy.unlock_reason("b")
    assert not any(lock.active for lock in strategy.pair_locks.locks)
