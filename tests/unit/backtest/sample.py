"""A finished backtest made by hand for the statistics tests and the comparison with freqtrade:
40 trades over four pairs and three weeks, with a losing streak, a draw, a short, trades without an
entry tag, one left open at the end (force_exit), day gaps, candles for the market change and a
wallet history in two currencies."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pandas as pd

from ftserver.backtest.records import BacktestOrder, BacktestRun, BacktestTrade

START = datetime(2024, 3, 1, tzinfo=UTC)
END = datetime(2024, 3, 22, 12, tzinfo=UTC)
PAIRS = ("BTC/USDT", "ETH/USDT", "XRP/USDT", "LTC/USDT")
FEE = 0.001
STARTING_BALANCE = 1000.0
STAKE = 100.0


def _trade(
    pair: str,
    opened: datetime,
    minutes: int,
    open_rate: float,
    close_rate: float,
    exit_reason: str,
    enter_tag: str | None,
    *,
    is_short: bool = False,
) -> BacktestTrade:
    amount = STAKE / open_rate
    closed = opened + timedelta(minutes=minutes)
    open_value = amount * open_rate * (1 + FEE)
    close_value = amount * close_rate * (1 - FEE)
    profit = (open_value - close_value) if is_short else (close_value - open_value)
    if open_rate == close_rate and exit_reason == "draw":
        profit, exit_reason = 0.0, "exit_signal"
    entry_side, exit_side = ("sell", "buy") if is_short else ("buy", "sell")
    return BacktestTrade(
        pair=pair,
        open_date=opened,
        close_date=closed,
        open_rate=open_rate,
        close_rate=close_rate,
        amount=amount,
        stake_amount=STAKE,
        profit_ratio=profit / open_value,
        profit_abs=profit,
        exit_reason=exit_reason,
        fee_open=FEE,
        fee_close=FEE,
        initial_stop_loss_abs=open_rate * 0.9,
        initial_stop_loss_ratio=-0.1,
        stop_loss_abs=open_rate * 0.9,
        stop_loss_ratio=-0.1,
        min_rate=min(open_rate, close_rate) * 0.995,
        max_rate=max(open_rate, close_rate) * 1.005,
        enter_tag=enter_tag,
        is_short=is_short,
        leverage=1.0,
        orders=(
            BacktestOrder(entry_side, True, amount, open_rate, amount * open_rate, opened, enter_tag),
            BacktestOrder(exit_side, False, amount, close_rate, amount * close_rate, closed, exit_reason),
        ),
    )


def trades() -> list[BacktestTrade]:
    rng = random.Random(15)
    made: list[BacktestTrade] = []
    opened = START + timedelta(hours=2)
    reasons = ("roi", "exit_signal", "stop_loss", "trailing_stop_loss")
    tags = ("breakout", "dip", None)
    prices = {"BTC/USDT": 60000.0, "ETH/USDT": 3300.0, "XRP/USDT": 0.62, "LTC/USDT": 85.0}
    for index in range(36):
        pair = PAIRS[index % len(PAIRS)]
        open_rate = prices[pair] * (1 + rng.uniform(-0.02, 0.02))
        change = rng.uniform(-0.04, 0.06)
        reason = reasons[rng.randrange(len(reasons))]
        if 12 <= index < 18:  # a losing streak of six
            change, reason = -rng.uniform(0.02, 0.05), "stop_loss"
        made.append(
            _trade(
                pair, opened, rng.randrange(5, 2000, 5), open_rate, open_rate * (1 + change), reason, tags[index % 3]
            )
        )
        # Some days without a closed trade.
        opened += timedelta(hours=rng.choice((3, 7, 11, 30)))
    made.append(_trade("ETH/USDT", START + timedelta(days=3, hours=5), 240, 3310.0, 3310.0, "draw", "dip"))
    made.append(
        _trade("XRP/USDT", START + timedelta(days=9), 600, 0.61, 0.58, "exit_signal", "short_top", is_short=True)
    )
    made.append(_trade("BTC/USDT", START + timedelta(days=12), 5, 61000.0, 60400.0, "stop_loss", None))
    # Left open when the data ended: closed at the last candle's open.
    made.append(_trade("LTC/USDT", END - timedelta(hours=20), 20 * 60, 86.0, 88.1, "force_exit", "breakout"))
    made.sort(key=lambda trade: trade.close_date)
    return made


def candles() -> dict[str, pd.DataFrame]:
    rng = random.Random(16)
    dates = pd.date_range(START - timedelta(hours=10), END, freq="1h", tz="UTC")
    frames = {}
    for pair, base in zip(PAIRS, (60000.0, 3300.0, 0.62, 85.0), strict=True):
        closes = [base]
        for _ in range(len(dates) - 1):
            closes.append(closes[-1] * (1 + rng.uniform(-0.01, 0.011)))
        frames[pair] = pd.DataFrame({"date": dates, "close": closes})
    return frames


def wallet_history(made: list[BacktestTrade]) -> pd.DataFrame:
    rows = []
    balance = STARTING_BALANCE
    for index, trade in enumerate(made):
        balance += trade.profit_abs
        rows.append((trade.close_date, "USDT", 1.0, balance - (50.0 if index % 5 == 0 else 0.0)))
        if index % 5 == 0:
            # Part of the balance held in a coin at that moment, valued at its rate.
            rows.append((trade.close_date, "BTC", 62500.0, 50.0 / 62500.0))
    return pd.DataFrame(rows, columns=["date", "currency", "rate", "balance"])


def run(**changes: object) -> BacktestRun:
    from ftserver.backtest.metrics import market_change

    made = trades()
    fields: dict[str, object] = {
        "strategy_name": "SampleStrategy",
        "trades": made,
        "pairlist": list(PAIRS),
        "start": START,
        "end": END,
        "timeframe": "1h",
        "stake_currency": "USDT",
        "stake_amount": STAKE,
        "starting_balance": STARTING_BALANCE,
        "final_balance": STARTING_BALANCE + sum(trade.profit_abs for trade in made),
        "max_open_trades": 3,
        "stoploss": -0.1,
        "minimal_roi": {"0": 0.05, "60": 0.02},
        "timerange": "20240301-20240322",
        "market_change": market_change(candles(), START),
        "rejected_signals": 4,
        "timedout_entry_orders": 1,
        "locks": [{"pair": "BTC/USDT", "lock_end_timestamp": 1709800000000, "reason": "cooldown", "side": "*"}],
        "run_id": "abc123",
        "run_started": 1733389200,
        "run_ended": 1733389203,
        "wallet_history": wallet_history(made),
    }
    fields.update(changes)
    return BacktestRun(**fields)  # type: ignore[arg-type]
