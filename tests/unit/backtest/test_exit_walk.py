"""Walking each trade to its exit gives exactly the trades of judging every candle.

The per-candle walk (taken when a strategy has a callback that sees each candle, here a no-op
``bot_loop_start``) is the reference: its rules are hand-checked in test_simulation.py. Over random
markets and a range of exit settings the trade-by-trade walk must produce the same trades, field for
field, the same rejected signals and the same final balance.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from ftserver.backtest.analysis import PairSignals
from ftserver.backtest.exit_walk import walks_by_trade
from ftserver.backtest.simulation import Outcome, Wallet, simulate
from ftserver.config.sections import ProtectionSettings
from ftserver.exchange.base import Market
from tests.unit.backtest.test_simulation import Plain

T0 = datetime(2026, 3, 2, tzinfo=UTC)
STEP_MS = 5 * 60_000


class EveryCandle(Plain):
    """The same strategy, with a callback that makes the simulation judge every candle."""

    def bot_loop_start(self, current_time: datetime, **kwargs: Any) -> None:
        return None


def random_pair(name: str, seed: int, rows: int, entry_rate: float, exit_rate: float) -> PairSignals:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0, 0.006, rows)
    steps[rng.random(rows) < 0.01] *= 8  # a few gaps
    close = 100 * np.exp(np.cumsum(steps))
    open_ = np.concatenate([[100.0], close[:-1]])
    wick = np.abs(rng.normal(0, 0.004, (2, rows)))
    high = np.maximum(open_, close) * (1 + wick[0])
    low = np.minimum(open_, close) * (1 - wick[1])
    enter_long = rng.random(rows) < entry_rate
    exit_long = rng.random(rows) < exit_rate
    tags = np.array([f"e{i % 3}" if flag else None for i, flag in enumerate(enter_long)], dtype=object)
    exit_tags = np.array(["x" if flag and i % 2 else None for i, flag in enumerate(exit_long)], dtype=object)
    # Pairs start at different times, as listings do.
    start = int(T0.timestamp() * 1000) + seed % 7 * STEP_MS
    return PairSignals(
        pair=name,
        dates=start + np.arange(rows, dtype=np.int64) * STEP_MS,
        open=open_,
        high=high,
        low=low,
        close=close,
        enter_long=enter_long,
        exit_long=exit_long,
        enter_short=np.zeros(rows, dtype=bool),
        exit_short=np.zeros(rows, dtype=bool),
        enter_tag=tags,
        exit_tag=exit_tags,
    )


SETTINGS: dict[str, dict[str, Any]] = {
    "stop and roi": {"minimal_roi": {"0": 0.02, "12.5": 0.012, "45": 0.004, "240": -1}, "stoploss": -0.03},
    "roi after a first step": {"minimal_roi": {"30": 0.01}, "stoploss": -0.05, "use_exit_signal": False},
    "signals only": {"minimal_roi": {}, "stoploss": -0.99},
    "exit profit only": {"minimal_roi": {"0": 0.05}, "exit_profit_only": True, "exit_profit_offset": 0.002},
    "roi ignored on entry signal": {"minimal_roi": {"0": 0.006}, "ignore_roi_if_entry_signal": True},
    "trailing": {"minimal_roi": {"0": 0.1}, "stoploss": -0.02, "trailing_stop": True},
    "trailing positive": {
        "minimal_roi": {"0": 0.1},
        "stoploss": -0.04,
        "trailing_stop": True,
        "trailing_stop_positive": 0.005,
        "trailing_stop_positive_offset": 0.01,
    },
    "trailing only past its offset": {
        "minimal_roi": {"0": 0.03},
        "stoploss": -0.04,
        "trailing_stop": True,
        "trailing_stop_positive": 0.004,
        "trailing_stop_positive_offset": 0.012,
        "trailing_only_offset_is_reached": True,
    },
}


def configured(cls: type[Plain], settings: dict[str, Any]) -> Plain:
    strategy = cls()
    for key, value in settings.items():
        setattr(strategy, key, value)
    return strategy


def run(
    strategy: Plain,
    pairs: list[PairSignals],
    *,
    stake: float | str,
    slots: int,
    fee: float,
    protections: tuple[ProtectionSettings, ...] = (),
) -> Outcome:
    markets = {
        p.pair: Market(symbol=p.pair, base=p.pair.split("/")[0], quote="USDT", amount_precision=0.0001,
                       price_precision=0.001, min_cost=5.0)
        for p in pairs
    }  # fmt: skip
    return simulate(
        strategy,
        {p.pair: p for p in pairs},
        wallet=Wallet(starting_balance=1000.0, tradable_balance_ratio=0.99),
        stake_amount=stake,
        max_open_trades=slots,
        fee=fee,
        markets=markets,
        timeframe_minutes=5,
        protections=protections,
        timeframe="5m",
    )


def summary(outcome: Outcome) -> tuple[list[dict[str, Any]], int, float, list[dict[str, Any]]]:
    trades = sorted((t.as_record() for t in outcome.trades), key=lambda r: (r["close_date"], r["pair"]))
    return trades, outcome.rejected_signals, outcome.final_balance, outcome.locks


PROTECTIONS = (
    ProtectionSettings(method="CooldownPeriod", stop_duration_candles=3),
    ProtectionSettings(method="StoplossGuard", trade_limit=2, lookback_period_candles=24, stop_duration_candles=6),
    ProtectionSettings(method="MaxDrawdown", lookback_period=240, trade_limit=3, stop_duration=45,
                       max_allowed_drawdown=0.02),
    ProtectionSettings(method="LowProfitPairs", lookback_period_candles=48, trade_limit=2, stop_duration=60,
                       required_profit=0.0),
)  # fmt: skip


@pytest.mark.parametrize("name", ["stop and roi", "trailing positive", "signals only"])
def test_with_protections_both_walks_take_the_same_trades_and_locks(name: str) -> None:
    pairs = [random_pair(f"P{i}/USDT", seed=i + 11, rows=1500, entry_rate=0.03, exit_rate=0.02) for i in range(4)]
    walked = summary(
        run(configured(Plain, SETTINGS[name]), pairs, stake=100.0, slots=3, fee=0.001, protections=PROTECTIONS)
    )
    judged = summary(run(configured(EveryCandle, SETTINGS[name]), pairs, stake=100.0, slots=3, fee=0.001,
                         protections=PROTECTIONS))  # fmt: skip
    unprotected = summary(run(configured(Plain, SETTINGS[name]), pairs, stake=100.0, slots=3, fee=0.001))
    assert len(walked[3]) > 10, "the protections must lock something for the comparison to mean anything"
    assert len(walked[0]) < len(unprotected[0])
    assert walked == judged


@pytest.mark.parametrize("name", sorted(SETTINGS))
@pytest.mark.parametrize(("stake", "slots", "fee"), [(100.0, 3, 0.001), ("unlimited", 2, 0.0), (50.0, -1, 0.002)])
def test_walking_each_trade_gives_the_trades_of_judging_every_candle(
    name: str, stake: float | str, slots: int, fee: float
) -> None:
    pairs = [random_pair(f"P{i}/USDT", seed=i + 11, rows=1500, entry_rate=0.03, exit_rate=0.02) for i in range(4)]
    fast = configured(Plain, SETTINGS[name])
    reference = configured(EveryCandle, SETTINGS[name])
    assert walks_by_trade(fast) and not walks_by_trade(reference)
    walked = summary(run(fast, pairs, stake=stake, slots=slots, fee=fee))
    judged = summary(run(reference, pairs, stake=stake, slots=slots, fee=fee))
    assert len(judged[0]) > 20, "the market must give the comparison something to compare"
    assert walked == judged


def test_every_exit_reason_is_compared() -> None:
    """The random markets above reach stops, ROI (in steps and the -1 step), signals and trailing stops."""
    pairs = [random_pair(f"P{i}/USDT", seed=i + 11, rows=1500, entry_rate=0.03, exit_rate=0.02) for i in range(4)]
    reasons: set[str] = set()
    for settings in SETTINGS.values():
        outcome = run(configured(Plain, settings), pairs, stake=100.0, slots=3, fee=0.001)
        reasons |= {t.exit_reason for t in outcome.trades}
    assert {"roi", "stop_loss", "trailing_stop_loss", "exit_signal", "x", "force_exit"} <= reasons


@pytest.mark.parametrize(
    "callback",
    ["bot_loop_start", "custom_exit", "custom_exit_price", "confirm_trade_exit", "custom_roi"],
)
def test_a_strategy_with_a_per_candle_callback_is_judged_candle_by_candle(callback: str) -> None:
    def answer(self: Plain, *args: Any, **kwargs: Any) -> None:
        return None

    cls = type("WithCallback", (Plain,), {callback: answer})
    assert not walks_by_trade(cls())


def test_custom_stoploss_is_judged_candle_by_candle() -> None:
    strategy = Plain()
    strategy.use_custom_stoploss = True
    assert not walks_by_trade(strategy)
    assert walks_by_trade(Plain())


def test_a_trade_the_data_ends_before_is_left_open_with_its_lowest_and_highest_rate() -> None:
    # No stop, no ROI, no signal after the entry: the walk passes over every candle and still widens
    # the trade's rate range to the whole of them (min 94.0, max 107.0, set on rows 2 and 3).
    strategy = configured(Plain, {"minimal_roi": {}, "stoploss": -0.99})
    candles = [(100.0, 101.0, 99.0, 100.0), (100.0, 102.0, 98.0, 100.0), (100.0, 103.0, 94.0, 100.0),
               (100.0, 107.0, 97.0, 100.0), (100.0, 101.0, 99.0, 100.0)]  # fmt: skip
    rows = len(candles)
    prices = np.array(candles)
    signals = PairSignals(
        pair="A/USDT",
        dates=int(T0.timestamp() * 1000) + np.arange(rows, dtype=np.int64) * STEP_MS,
        open=prices[:, 0], high=prices[:, 1], low=prices[:, 2], close=prices[:, 3],
        enter_long=np.array([True] + [False] * (rows - 1)), exit_long=np.zeros(rows, dtype=bool),
        enter_short=np.zeros(rows, dtype=bool), exit_short=np.zeros(rows, dtype=bool),
        enter_tag=np.full(rows, None, dtype=object), exit_tag=np.full(rows, None, dtype=object),
    )  # fmt: skip
    (trade,) = run(strategy, [signals], stake=100.0, slots=1, fee=0.0).trades
    assert (trade.exit_reason, trade.min_rate, trade.max_rate) == ("force_exit", 94.0, 107.0)
    assert trade.close_date == T0 + timedelta(minutes=20)
    assert math.isclose(trade.profit_abs, 0.0, abs_tol=1e-9)
