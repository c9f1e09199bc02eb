from __future__ import annotations

from datetime import timedelta

from ftserver.decide.entry import (
    OPEN_ON_PAIR,
    PAIR_LOCKED,
    SIGNAL_EXPIRED,
    entry_expired,
    entry_refusal,
    slots_full,
)

from .trades import NOW


def test_slots_full_at_max_open_trades_and_never_when_unlimited() -> None:
    assert not slots_full(2, 3)
    assert slots_full(3, 3)
    assert not slots_full(50, -1)
    assert slots_full(0, 0)


def test_refusals_in_the_loop_order() -> None:
    assert entry_refusal("ETH/USDT", open_pairs={"BTC/USDT"}, locked=False, expired=False) is None
    assert entry_refusal("BTC/USDT", open_pairs={"BTC/USDT"}, locked=True, expired=True) is OPEN_ON_PAIR
    assert entry_refusal("ETH/USDT", open_pairs=set(), locked=True, expired=True) is PAIR_LOCKED
    assert entry_refusal("ETH/USDT", open_pairs=set(), locked=False, expired=True) is SIGNAL_EXPIRED


def test_signal_expires_counted_from_the_candle_close() -> None:
    # A 5-minute candle opened at 11:50 closed at 11:55; at 12:00 it is 300 s old.
    candle = NOW - timedelta(minutes=10)
    assert entry_expired(candle, NOW, 300, 299)
    assert not entry_expired(candle, NOW, 300, 300)
    assert not entry_expired(candle, NOW, 300, 0)  # 0 switches the check off
