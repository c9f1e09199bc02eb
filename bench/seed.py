"""Fill a database with N realistic closed trades (each with its entry and exit order) plus a few open ones.

Uses the project's own persistence code, so benchmarks and tests can start from a large history.

Run: .venv/bin/python bench/seed.py --trades 10000 --db user_data/bench.sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ftserver.models import ExitReason, Order, OrderSide, OrderStatus, OrderType, Trade
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository

PAIRS = {
    "BTC/USDT": 60000.0,
    "ETH/USDT": 3000.0,
    "SOL/USDT": 150.0,
    "BNB/USDT": 600.0,
    "XRP/USDT": 0.55,
    "ADA/USDT": 0.45,
    "DOGE/USDT": 0.12,
    "AVAX/USDT": 32.0,
    "DOT/USDT": 7.0,
    "LINK/USDT": 15.0,
}
REASONS = [
    ExitReason.ROI,
    ExitReason.EXIT_SIGNAL,
    ExitReason.STOP_LOSS,
    ExitReason.TRAILING_STOP_LOSS,
    ExitReason.FORCE_EXIT,
]
TAGS = ["ema_cross_up", "rsi_dip", None]


def order(trade: Trade, side: OrderSide, price: float, when: datetime, tag: str | None) -> Order:
    return Order(
        ft_trade_id=0,
        ft_order_side=side,
        ft_pair=trade.pair,
        order_id=f"dry_run_{side.value}_{trade.pair}_{when:%s%f}",
        order_type=OrderType.LIMIT,
        side=side,
        amount=trade.amount,
        price=price,
        status=OrderStatus.CLOSED,
        filled=trade.amount,
        remaining=0.0,
        average=price,
        cost=trade.amount * price,
        order_date=when,
        order_filled_date=when + timedelta(seconds=4),
        ft_order_tag=tag,
        ft_amount=trade.amount,
        ft_price=price,
    )


def make_trade(rng: random.Random, opened: datetime, *, closed: bool) -> Trade:
    pair = rng.choice(list(PAIRS))
    price = PAIRS[pair] * rng.uniform(0.8, 1.2)
    amount = round(100 / price, 5)
    trade = Trade(
        pair=pair,
        exchange="sim",
        strategy="SampleStrategy",
        timeframe=5,
        open_rate=price,
        open_date=opened,
        amount=amount,
        stake_amount=amount * price,
        fee_open=0.001,
        fee_close=0.001,
        amount_requested=amount,
        open_rate_requested=price,
        enter_tag=rng.choice(TAGS),
        fee_open_currency="USDT",
        price_precision=0.0001,
        amount_precision=0.00001,
        precision_mode=4,
    )
    trade.max_stake_amount = trade.stake_amount
    trade.fee_open_cost = trade.stake_amount * 0.001
    trade.set_initial_stoploss(-0.05, opened)
    trade.orders.append(order(trade, OrderSide.BUY, price, opened, None))
    if closed:
        reason = rng.choice(REASONS)
        close = price * (1 + rng.gauss(0.002, 0.02))
        closed_at = opened + timedelta(minutes=rng.randint(5, 900))
        trade.orders.append(order(trade, OrderSide.SELL, close, closed_at, reason.value))
        trade.is_open = False
        trade.close_rate = close
        trade.close_rate_requested = close
        trade.close_date = closed_at
        trade.close_profit_abs = trade.calc_profit(close)
        trade.close_profit = trade.calc_profit_ratio(close)
        trade.realized_profit = trade.close_profit_abs
        trade.exit_reason = reason.value
        trade.exit_order_status = "closed"
        trade.fee_close_cost = amount * close * 0.001
        trade.fee_close_currency = "USDT"
        trade.min_rate, trade.max_rate = min(price, close), max(price, close)
    return trade


async def seed(db_url: str, count: int, open_count: int = 3, seed_value: int = 1) -> float:
    rng = random.Random(seed_value)
    db = await Database.open(db_url)
    repo = TradeRepository(db)
    started = time.perf_counter()
    now = datetime.now(UTC)
    first = now - timedelta(days=120)
    step = (now - first) / max(count, 1)
    for n in range(count):
        await repo.save_trade(make_trade(rng, first + step * n, closed=True))
    for n in range(open_count):
        await repo.save_trade(make_trade(rng, now - timedelta(hours=n + 1), closed=False))
    elapsed = time.perf_counter() - started
    await db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=10_000)
    parser.add_argument("--open", type=int, default=3)
    parser.add_argument("--db", type=Path, default=Path("user_data/bench.sqlite"))
    args = parser.parse_args()
    elapsed = asyncio.run(seed(f"sqlite:///{args.db}", args.trades, args.open))
    print(
        f"seeded {args.trades} closed + {args.open} open trades into {args.db} in {elapsed:.1f} s "
        f"({args.trades / elapsed:,.0f} trades/s through TradeRepository)"
    )


if __name__ == "__main__":
    main()
