from __future__ import annotations

from datetime import timedelta

from ftserver.config.sections import ProtectionSettings
from ftserver.decide.locks import covered, is_locked, protection_locks
from ftserver.decide.protections.rule import LockRequest
from ftserver.models import PairLock

from .trades import NOW, long_trade


def lock(pair: str, side: str = "*", until: timedelta = timedelta(minutes=30), active: bool = True) -> PairLock:
    return PairLock(pair, NOW - timedelta(minutes=1), NOW + until, "test", side, active)


def test_a_lock_on_every_pair_blocks_each_pair() -> None:
    assert is_locked([lock("*")], "ETH/USDT", "long", NOW)


def test_a_lock_blocks_only_its_pair_and_side() -> None:
    locks = [lock("BTC/USDT", "short")]
    assert is_locked(locks, "BTC/USDT", "short", NOW)
    assert not is_locked(locks, "BTC/USDT", "long", NOW)
    assert not is_locked(locks, "ETH/USDT", "short", NOW)


def test_ended_or_released_locks_block_nothing() -> None:
    assert not is_locked([lock("BTC/USDT", until=timedelta(0))], "BTC/USDT", "long", NOW)
    assert not is_locked([lock("BTC/USDT", active=False)], "BTC/USDT", "long", NOW)


def test_a_longer_lock_covers_a_shorter_request() -> None:
    assert covered([lock("BTC/USDT")], LockRequest("BTC/USDT", NOW + timedelta(minutes=20), "x"), NOW)
    assert not covered([lock("BTC/USDT")], LockRequest("BTC/USDT", NOW + timedelta(minutes=40), "x"), NOW)


def test_two_cooldowns_with_the_same_end_take_one_lock() -> None:
    closed = long_trade(60)
    closed.is_open = False
    closed.close_date = NOW - timedelta(minutes=5)
    closed.close_profit = 0.01
    cooldown = ProtectionSettings(method="CooldownPeriod", stop_duration=15)
    wanted = protection_locks([cooldown, cooldown], [closed], [], now=NOW, pair="BTC/USDT", side="long", timeframe="5m")
    # Closed 11:55, 15 minutes of cooldown: until 12:10, which freqtrade rounds up to the start of the
    # next 5m candle, 12:15; the second cooldown is covered by it: one lock.
    assert [(r.pair, r.until) for r in wanted] == [("BTC/USDT", NOW + timedelta(minutes=15))]


def test_a_stored_lock_covering_the_request_takes_none() -> None:
    closed = long_trade(60)
    closed.is_open = False
    closed.close_date = NOW - timedelta(minutes=5)
    cooldown = ProtectionSettings(method="CooldownPeriod", stop_duration=15)
    wanted = protection_locks(
        [cooldown], [closed], [lock("BTC/USDT")], now=NOW, pair="BTC/USDT", side="long", timeframe="5m"
    )
    assert wanted == []
