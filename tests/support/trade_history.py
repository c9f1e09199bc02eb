"""A large closed-trade history with a pattern simple enough to count by hand (API and browser tests)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ftserver.models import Trade
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository
from tests.unit.rpc.factories import make_trade

FEB = datetime(2026, 2, 1, tzinfo=UTC)
PAIRS = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT")


def ten_thousand_trades() -> list[Trade]:
    """Trade n (1..10,000): pair ``PAIRS[n % 4]``, opened n minutes after Feb 1 2026, closed 1 + n % 24
    hours later; stake 100, profit ratio (n % 100 - 40) / 1000 (winners: n % 100 >= 40), exit reason
    "roi" for winners and "stop_loss" for losers, entry tag "tag"."""
    trades = []
    for n in range(1, 10_001):
        trade = make_trade(
            PAIRS[n % 4], 100.0, 101.0, opened=FEB + timedelta(minutes=n), hours=1 + n % 24, trade_id=n, stake=100
        )
        trade.close_profit = (n % 100 - 40) / 1000
        trade.close_profit_abs = trade.close_profit * 100
        trade.exit_reason = "roi" if n % 100 >= 40 else "stop_loss"
        trades.append(trade)
    return trades


def store_ten_thousand_trades(db_file: Path) -> None:
    """Write them into a new database file (a server started on it finds them).

    On a thread of its own: the caller may be inside a running event loop (Playwright's)."""

    async def store() -> None:
        db = await Database.open(f"sqlite:///{db_file}")
        try:
            await TradeRepository(db).import_history(ten_thousand_trades(), [], [], {})
        finally:
            await db.close()

    with ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, store()).result()
