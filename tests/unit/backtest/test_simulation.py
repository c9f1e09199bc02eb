"""The trade simulation on scripted candles, with outcomes worked out by hand in the comments.

Row ``i`` of a scripted pair is candle ``i`` (5m apart from T0) with the signals of candle ``i - 1``
(``PairSignals``' layout): an entry flagged on row 0 opens at row 0's open. Fees are 0 unless a test
says otherwise, so 100 USDT at 100 buys exactly 1 coin.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ftserver.backtest.analysis import PairSignals
from ftserver.backtest.simulation import DetailCandles, Outcome, Wallet, simulate
from ftserver.config.sections import ProtectionSettings
from ftserver.strategy.base import Strategy

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)


class Plain(Strategy):
    """No ROI unless a test sets it, a 10 % stop, exit signals used."""

    timeframe = "5m"
    stoploss = -0.10
    minimal_roi: dict[str, float] = {}

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe


def pair(
    name: str,
    candles: Sequence[tuple[float, float, float, float]],
    *,
    enter: Sequence[int] = (0,),
    exit_rows: Sequence[int] = (),
    exit_tag: str | None = None,
) -> PairSignals:
    """Candles (open, high, low, close) from T0 on; entries and exits on the given rows."""
    rows = len(candles)
    prices = np.array(candles, dtype=np.float64)
    dates = np.array([int((T0 + STEP * i).timestamp() * 1000) for i in range(rows)], dtype=np.int64)
    enter_long = np.zeros(rows, dtype=bool)
    enter_long[list(enter)] = True
    exit_long = np.zeros(rows, dtype=bool)
    exit_long[list(exit_rows)] = True
    tags = np.full(rows, None, dtype=object)
    exit_tags = np.full(rows, None, dtype=object)
    if exit_tag:
        exit_tags[list(exit_rows)] = exit_tag
    return PairSignals(
        pair=name,
        dates=dates,
        open=prices[:, 0],
        high=prices[:, 1],
        low=prices[:, 2],
        close=prices[:, 3],
        enter_long=enter_long,
        exit_long=exit_long,
        enter_short=np.zeros(rows, dtype=bool),
        exit_short=np.zeros(rows, dtype=bool),
        enter_tag=tags,
        exit_tag=exit_tags,
    )


def run(
    strategy: Strategy,
    *pairs: PairSignals,
    stake: float | str = 100.0,
    max_open_trades: int = 3,
    fee: float = 0.0,
    wallet: float = 1000.0,
    ratio: float = 1.0,
    protections: Sequence[ProtectionSettings] = (),
    detail: dict[str, DetailCandles] | None = None,
) -> Outcome:
    return simulate(
        strategy,
        {p.pair: p for p in pairs},
        wallet=Wallet(starting_balance=wallet, tradable_balance_ratio=ratio),
        stake_amount=stake,
        max_open_trades=max_open_trades,
        fee=fee,
        markets={},
        timeframe_minutes=5,
        protections=protections,
        timeframe="5m",
        detail=detail,
        detail_minutes=1,
    )


FLAT = (100.0, 100.5, 99.5, 100.0)


def test_roi_exits_at_the_roi_price_inside_the_candle_that_reaches_it() -> None:
    strategy = Plain()
    strategy.minimal_roi = {"0": 0.02}
    # Entry at 100 (row 0). Row 1 reaches 103: +3 % at the high beats the 2 % ROI; the exit fills at
    # 100 * 1.02 = 102, inside the candle.
    outcome = run(strategy, pair("BTC/USDT", [FLAT, (100.0, 103.0, 99.8, 102.5), FLAT]))
    (trade,) = outcome.trades
    assert (trade.open_rate, trade.close_rate, trade.exit_reason) == (100.0, pytest.approx(102.0), "roi")
    assert trade.close_date == T0 + STEP
    assert trade.profit_abs == pytest.approx(2.0)
    assert trade.profit_ratio == pytest.approx(0.02)


def test_roi_with_fees_nets_exactly_the_roi() -> None:
    strategy = Plain()
    strategy.minimal_roi = {"0": 0.02}
    # 0.1 % each side: 1 coin costs 100.1; the ROI price is 1.02 * 100.1 / 0.999 = 102.2042042...
    # which sells for 102.2042042 * 0.999 = 102.102: a profit of 2.002, 2 % of 100.1.
    outcome = run(strategy, pair("BTC/USDT", [FLAT, (100.0, 103.0, 99.8, 102.5), FLAT]), fee=0.001)
    (trade,) = outcome.trades
    assert trade.close_rate == pytest.approx(1.02 * 100.1 / 0.999)
    assert trade.profit_abs == pytest.approx(2.002)
    assert trade.profit_ratio == pytest.approx(0.02)


def test_a_stop_inside_the_candle_fills_at_the_stop_price() -> None:
    # 10 % stop of 100 is 90; row 1 trades down to 89 from an open of 99: out at 90, -10.
    outcome = run(Plain(), pair("BTC/USDT", [FLAT, (99.0, 99.5, 89.0, 92.0), FLAT]))
    (trade,) = outcome.trades
    assert (trade.close_rate, trade.exit_reason, trade.profit_abs) == (90.0, "stop_loss", pytest.approx(-10.0))


def test_a_gap_through_the_stop_fills_at_the_open() -> None:
    # Row 1 opens at 85, below the stop at 90 and its high 86 never reaches it: out at the open, -15.
    outcome = run(Plain(), pair("BTC/USDT", [FLAT, (85.0, 86.0, 84.0, 85.5), FLAT]))
    (trade,) = outcome.trades
    assert (trade.close_rate, trade.exit_reason, trade.profit_abs) == (85.0, "stop_loss", pytest.approx(-15.0))


def test_an_exit_signal_exits_at_the_next_open_with_its_tag() -> None:
    # The exit signal of candle 1 shows on row 2: out at row 2's open of 101, +1.
    candles = [FLAT, FLAT, (101.0, 101.5, 100.5, 101.0), FLAT]
    outcome = run(Plain(), pair("BTC/USDT", candles, exit_rows=[2], exit_tag="cross_down"))
    (trade,) = outcome.trades
    assert (trade.close_date, trade.close_rate, trade.exit_reason) == (T0 + 2 * STEP, 101.0, "cross_down")
    assert trade.profit_abs == pytest.approx(1.0)


def test_trailing_stop_follows_the_high_and_exits_as_a_trailing_stop() -> None:
    strategy = Plain()
    strategy.trailing_stop = True
    strategy.trailing_stop_positive = 0.02
    strategy.trailing_stop_positive_offset = 0.03
    strategy.trailing_only_offset_is_reached = True
    # Row 1 stays above 90 and reaches 106 (+6 %, past the 3 % offset): the stop trails to 106 * 0.98
    # = 103.88. Row 2 dips to 103: out at 103.88, +3.88.
    candles = [FLAT, (104.0, 106.0, 104.0, 105.0), (105.0, 105.5, 103.0, 104.0), FLAT]
    outcome = run(strategy, pair("BTC/USDT", candles))
    (trade,) = outcome.trades
    assert trade.exit_reason == "trailing_stop_loss"
    assert trade.close_rate == pytest.approx(103.88)
    assert trade.profit_abs == pytest.approx(3.88)
    assert trade.max_rate == 106.0


def test_max_open_trades_refuses_the_later_pair_in_pairlist_order() -> None:
    # Both pairs signal on row 0, one slot: BTC (first in the pairlist) enters, ETH's signal is rejected.
    btc = pair("BTC/USDT", [FLAT, FLAT, FLAT])
    eth = pair("ETH/USDT", [FLAT, FLAT, FLAT])
    outcome = run(Plain(), btc, eth, max_open_trades=1)
    assert [t.pair for t in outcome.trades] == ["BTC/USDT"]
    assert outcome.rejected_signals == 1


def test_unlimited_stake_splits_the_balance_over_the_slots() -> None:
    # 1000 USDT, 2 slots, ratio 1: (1000 + 0 tied) / 2 = 500 for the first trade; then (500 + 500) / 2
    # capped by the 500 still available = 500.
    btc = pair("BTC/USDT", [FLAT, FLAT, FLAT])
    eth = pair("ETH/USDT", [FLAT, FLAT, FLAT])
    outcome = run(Plain(), btc, eth, stake="unlimited", max_open_trades=2)
    assert sorted(t.stake_amount for t in outcome.trades) == [500.0, 500.0]


def test_a_fixed_stake_the_wallet_cannot_pay_opens_nothing() -> None:
    # 150 USDT at ratio 1 pays for one 100 stake; the second pair finds 50 available.
    btc = pair("BTC/USDT", [FLAT, FLAT, FLAT])
    eth = pair("ETH/USDT", [FLAT, FLAT, FLAT])
    outcome = run(Plain(), btc, eth, wallet=150.0)
    assert [t.pair for t in outcome.trades] == ["BTC/USDT"]


def test_a_trade_left_open_is_closed_at_the_last_open_as_force_exit() -> None:
    candles = [FLAT, FLAT, (102.0, 103.0, 101.0, 102.0)]
    outcome = run(Plain(), pair("BTC/USDT", candles))
    (trade,) = outcome.trades
    assert (trade.close_date, trade.close_rate, trade.exit_reason) == (T0 + 2 * STEP, 102.0, "force_exit")
    assert outcome.final_balance == pytest.approx(1002.0)


def test_no_entry_on_the_last_candle() -> None:
    outcome = run(Plain(), pair("BTC/USDT", [FLAT, FLAT], enter=[1]))
    assert outcome.trades == []


class Vetoing(Plain):
    def confirm_trade_entry(self, pair: str, **kwargs: Any) -> bool:
        return pair != "BTC/USDT"


class TakingProfit(Plain):
    def custom_exit(self, pair: str, trade: Any, current_time: datetime, current_rate: float, **kwargs: Any) -> Any:
        return "take" if current_rate >= 101 else None


def test_confirm_trade_entry_false_opens_nothing() -> None:
    btc = pair("BTC/USDT", [FLAT, FLAT, FLAT])
    eth = pair("ETH/USDT", [FLAT, FLAT, FLAT])
    outcome = run(Vetoing(), btc, eth)
    assert [t.pair for t in outcome.trades] == ["ETH/USDT"]


def test_custom_exit_closes_at_the_open_with_its_reason() -> None:
    # Asked at each open: row 1 opens at 100 (no), row 2 at 101.5 (yes): out at 101.5.
    candles = [FLAT, FLAT, (101.5, 102.0, 101.0, 101.8), FLAT]
    outcome = run(TakingProfit(), pair("BTC/USDT", candles))
    (trade,) = outcome.trades
    assert (trade.close_rate, trade.exit_reason, trade.close_date) == (101.5, "take", T0 + 2 * STEP)


def test_while_nothing_is_open_the_clock_jumps_to_the_next_entry() -> None:
    strategy = Plain()
    strategy.minimal_roi = {"0": 0.01}
    asked: list[datetime] = []
    strategy.bot_loop_start = lambda current_time, **kwargs: asked.append(current_time)  # type: ignore[method-assign]
    # 200 flat candles, one entry on row 150 that exits by ROI on row 151: only those candles are visited.
    candles = [FLAT] * 200
    candles[151] = (100.0, 102.0, 99.9, 101.5)
    outcome = run(strategy, pair("BTC/USDT", candles, enter=[150]))
    assert [t.exit_reason for t in outcome.trades] == ["roi"]
    assert asked == [T0 + 150 * STEP, T0 + 151 * STEP]


DOWN = (99.0, 99.5, 89.0, 92.0)  # through the 10 % stop of a trade entered at 100


class EveryCandle(Plain):
    """Judged candle by candle (a callback that sees the clock): protections must act the same."""

    def bot_loop_start(self, current_time: datetime, **kwargs: Any) -> None:
        return None


@pytest.mark.parametrize("strategy_class", [Plain, EveryCandle])
def test_a_cooldown_refuses_the_pairs_entries_until_the_candle_after_its_end(strategy_class: type[Plain]) -> None:
    # Stopped out on row 1 (12:05). Two 5m candles of cooldown end at 12:15, which freqtrade rounds up
    # to the start of the next candle, 12:20: the signals on rows 2 (12:10) and 3 (12:15) are refused
    # (not counted as rejected: no slot was asked for), row 4 (12:20) enters.
    cooldown = ProtectionSettings(method="CooldownPeriod", stop_duration_candles=2)
    candles = [FLAT, DOWN, FLAT, FLAT, FLAT, FLAT]
    outcome = run(strategy_class(), pair("BTC/USDT", candles, enter=[0, 2, 3, 4]), protections=[cooldown])
    assert [(t.open_date, t.exit_reason) for t in outcome.trades] == [
        (T0, "stop_loss"),
        (T0 + 4 * STEP, "force_exit"),
    ]
    assert outcome.rejected_signals == 0
    # The force exit at the end (12:25) is an exit too, as in freqtrade: a second cooldown to 12:40.
    lock, last = outcome.locks
    assert last["lock_end_time"] == "2026-01-05 12:40:00"
    assert (lock["pair"], lock["lock_time"], lock["lock_end_time"], lock["reason"]) == (
        "BTC/USDT",
        "2026-01-05 12:05:00",
        "2026-01-05 12:20:00",
        "Cooldown period",
    )
    assert lock["lock_end_timestamp"] - lock["lock_timestamp"] == 15 * 60_000


@pytest.mark.parametrize("strategy_class", [Plain, EveryCandle])
def test_a_stoploss_guard_locks_every_pair(strategy_class: type[Plain]) -> None:
    # BTC stops out on row 1 (12:05); one stoploss in the last hour is the limit: every pair is locked
    # for 30 minutes, to 12:35, rounded up to 12:40. ETH's signals at 12:10 and 12:35 are refused; the
    # one at 12:40 (row 8) enters.
    guard = ProtectionSettings(
        method="StoplossGuard", trade_limit=1, lookback_period=60, stop_duration=30, only_per_pair=False
    )
    btc = pair("BTC/USDT", [FLAT, DOWN] + [FLAT] * 8)
    eth = pair("ETH/USDT", [FLAT] * 10, enter=[2, 7, 8])
    outcome = run(strategy_class(), btc, eth, protections=[guard])
    assert [(t.pair, t.open_date) for t in outcome.trades] == [("BTC/USDT", T0), ("ETH/USDT", T0 + 8 * STEP)]
    assert {(lock["pair"], lock["lock_end_time"]) for lock in outcome.locks} == {
        ("*", "2026-01-05 12:40:00"),
        ("BTC/USDT", "2026-01-05 12:40:00"),
    }


def test_without_protections_the_same_signals_trade() -> None:
    btc = pair("BTC/USDT", [FLAT, DOWN] + [FLAT] * 8)
    eth = pair("ETH/USDT", [FLAT] * 10, enter=[2, 7, 8])
    outcome = run(Plain(), btc, eth)
    assert [(t.pair, t.open_date) for t in outcome.trades] == [("BTC/USDT", T0), ("ETH/USDT", T0 + 2 * STEP)]
    assert outcome.locks == []


def minutes(*candles: tuple[float, float, float, float], start: int = 0, rows: int = 10) -> DetailCandles:
    """1m candles: the given ones from main row ``start`` on, flat ones for every other minute of ``rows``."""
    prices = [FLAT] * (rows * 5)
    prices[start * 5 : start * 5 + len(candles)] = candles
    dates = [int((T0 + timedelta(minutes=i)).timestamp() * 1000) for i in range(rows * 5)]
    return DetailCandles(
        dates=dates,
        opens=[p[0] for p in prices],
        highs=[p[1] for p in prices],
        lows=[p[2] for p in prices],
        closes=[p[3] for p in prices],
    )


def test_detail_candles_tell_whether_the_roi_or_the_stop_came_first() -> None:
    strategy = Plain()
    strategy.minimal_roi = {"0": 0.02}
    # Row 1 reaches both +3 % and -11 %. On its own candle the stop comes first (freqtrade's order):
    # out at 90. Its 1m candles say the rise came first: out at the 2 % ROI price, 102, at 12:05.
    candles = [FLAT, (100.0, 103.0, 89.0, 95.0), FLAT, FLAT]
    (alone,) = run(strategy, pair("BTC/USDT", candles)).trades
    assert (alone.exit_reason, alone.close_rate) == ("stop_loss", 90.0)
    detail = minutes((100.0, 103.0, 99.5, 102.5), (102.5, 102.6, 89.0, 90.0), start=1, rows=4)
    (split,) = run(strategy, pair("BTC/USDT", candles), detail={"BTC/USDT": detail}).trades
    assert (split.exit_reason, split.close_rate, split.close_date) == ("roi", pytest.approx(102.0), T0 + STEP)


def test_with_detail_a_signal_without_a_slot_enters_when_a_trade_closes_within_the_candle() -> None:
    # One slot. BTC enters at 12:00. On row 2 ETH signals but the slot is taken: rejected at 12:10.
    # BTC's 1m candle at 12:11 goes through its stop (90): out at 90. At the same minute ETH tries
    # again and enters at that minute's open, 99.
    btc = pair("BTC/USDT", [FLAT, FLAT, FLAT, FLAT, FLAT])
    eth = pair("ETH/USDT", [FLAT, FLAT, FLAT, FLAT, FLAT], enter=[2])
    detail = {
        "BTC/USDT": minutes(FLAT, (99.0, 99.5, 89.0, 92.0), start=2, rows=5),
        "ETH/USDT": minutes(FLAT, (99.0, 99.5, 98.0, 99.0), start=2, rows=5),
    }
    outcome = run(Plain(), btc, eth, max_open_trades=1, detail=detail)
    assert [(t.pair, t.open_date, t.open_rate, t.close_date, t.exit_reason) for t in outcome.trades] == [
        ("BTC/USDT", T0, 100.0, T0 + 2 * STEP + timedelta(minutes=1), "stop_loss"),
        ("ETH/USDT", T0 + 2 * STEP + timedelta(minutes=1), 99.0, T0 + 4 * STEP, "force_exit"),
    ]
    assert outcome.rejected_signals == 1


def test_with_detail_a_pair_whose_trade_closed_waits_for_the_next_candle() -> None:
    # BTC is stopped out at 12:06 (row 1, minute 1) and signals again on row 1: no new trade in the
    # same candle; its next signal, on row 2, enters at 12:10.
    strategy = Plain()
    candles = [FLAT, FLAT, FLAT, FLAT]
    detail = minutes(FLAT, (99.0, 99.5, 89.0, 92.0), start=1, rows=4)
    outcome = run(strategy, pair("BTC/USDT", candles, enter=[0, 1, 2]), detail={"BTC/USDT": detail})
    assert [(t.open_date, t.exit_reason) for t in outcome.trades] == [
        (T0, "stop_loss"),
        (T0 + 2 * STEP, "force_exit"),
    ]


class AddsOnceSellsHalf(Plain):
    """Adds 80 of stake once the price is 15 % down, sells half its stake once 5 % up."""

    stoploss = -0.5
    position_adjustment_enable = True

    def adjust_trade_position(self, trade: Any, current_rate: float, current_profit: float, **kwargs: Any) -> Any:
        if trade.nr_of_successful_entries == 1 and current_rate <= 85:
            return 80.0, "dip"
        if current_profit > 0.05 and trade.nr_of_successful_exits == 0:
            return -(trade.stake_amount / 2), "half"
        return None


def test_position_adjustment_adds_an_entry_and_exits_in_part() -> None:
    # 100 buys 1 coin at 100 (row 0). Row 2 opens at 80: 80 more buys 1 coin, 2 coins at 90 for 180.
    # Row 3 opens at 95: +5.6 %, so half the stake (90) is sold: 1 coin at 95, 5 realized. The exit
    # signal of row 4 sells the last coin at 100: 10 more. 15 in all, over the 180 the entries cost.
    candles = [FLAT, FLAT, (80.0, 80.5, 79.5, 80.0), (95.0, 95.5, 94.5, 95.0), (100.0, 100.5, 99.5, 100.0), FLAT]
    outcome = simulate(
        AddsOnceSellsHalf(),
        {"BTC/USDT": pair("BTC/USDT", candles, exit_rows=[4])},
        wallet=Wallet(starting_balance=1000.0, tradable_balance_ratio=1.0),
        stake_amount=100.0,
        max_open_trades=3,
        fee=0.0,
        markets={},
        timeframe_minutes=5,
        position_adjustment=True,
    )
    (trade,) = outcome.trades
    assert [(o.side, o.amount, o.price, o.tag) for o in trade.orders] == [
        ("buy", 1.0, 100.0, None),
        ("buy", 1.0, 80.0, "dip"),
        ("sell", 1.0, 95.0, "half"),
        ("sell", 1.0, 100.0, "exit_signal"),
    ]
    assert (trade.open_rate, trade.amount, trade.stake_amount, trade.max_stake_amount) == (90.0, 1.0, 90.0, 180.0)
    assert trade.profit_abs == pytest.approx(15.0)
    assert trade.profit_ratio == pytest.approx(15.0 / 180.0)
    assert (trade.exit_reason, trade.close_date) == ("exit_signal", T0 + 4 * STEP)
    assert outcome.final_balance == pytest.approx(1015.0)


def test_without_position_adjustment_the_callback_is_not_asked() -> None:
    candles = [FLAT, FLAT, (80.0, 80.5, 79.5, 80.0), (95.0, 95.5, 94.5, 95.0), (100.0, 100.5, 99.5, 100.0), FLAT]
    # Bought at 100 and sold at 100 by the exit signal: the two orders of a plain trade, no profit.
    (trade,) = run(AddsOnceSellsHalf(), pair("BTC/USDT", candles, exit_rows=[4])).trades
    assert [(o.side, o.amount, o.price) for o in trade.orders] == [("buy", 1.0, 100.0), ("sell", 1.0, 100.0)]
    assert (trade.amount, trade.profit_abs) == (1.0, 0.0)


class RecordsFills(Plain):
    def __init__(self) -> None:
        super().__init__()
        self.fills: list[tuple[str, str, float, float, datetime]] = []

    def order_filled(self, pair: str, trade: Any, order: Any, current_time: datetime, **kwargs: Any) -> None:
        self.fills.append((pair, str(order.ft_order_side), order.amount, order.safe_price, current_time))


def test_order_filled_hears_each_entry_and_exit_in_time_order() -> None:
    # BTC: in at 100 on row 0, out by its signal at 101 on row 2. ETH: in at 10 on row 1 (1000 USDT
    # of stake 100 buys 10 coins), still open at the end: out at row 3's open, 10.
    strategy = RecordsFills()
    btc = pair("BTC/USDT", [FLAT, FLAT, (101.0, 101.5, 100.5, 101.0), FLAT], exit_rows=[2])
    eth = pair("ETH/USDT", [(10.0, 10.1, 9.9, 10.0)] * 4, enter=[1])
    run(strategy, btc, eth)
    assert strategy.fills == [
        ("BTC/USDT", "buy", 1.0, 100.0, T0),
        ("ETH/USDT", "buy", 10.0, 10.0, T0 + STEP),
        ("BTC/USDT", "sell", 1.0, 101.0, T0 + 2 * STEP),
        ("ETH/USDT", "sell", 10.0, 10.0, T0 + 3 * STEP),
    ]


def test_detail_candles_that_start_inside_a_candle_are_walked_from_their_first_one() -> None:
    # The 1m candles begin at 12:03, inside row 0. As in freqtrade, the walk's first detail step of
    # row 0 takes the first detail candle there is: the trade opens at 12:03, at its open of 99.
    late = [(99.0, 99.5, 98.5, 99.2), (99.2, 99.6, 99.0, 99.4)] + [FLAT] * 18
    dates = [int((T0 + timedelta(minutes=3 + i)).timestamp() * 1000) for i in range(len(late))]
    detail = DetailCandles(
        dates=dates,
        opens=[c[0] for c in late],
        highs=[c[1] for c in late],
        lows=[c[2] for c in late],
        closes=[c[3] for c in late],
    )
    (trade,) = run(Plain(), pair("BTC/USDT", [FLAT, FLAT, FLAT, FLAT]), detail={"BTC/USDT": detail}).trades
    assert (trade.open_date, trade.open_rate) == (T0 + timedelta(minutes=3), 99.0)
