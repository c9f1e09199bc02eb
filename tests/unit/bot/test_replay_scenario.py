"""The trading loop on the sim market replaying candle files: a jump in the stored prices is traded.

Everything is real: candle files written by ``CandleStore``, the market built by ``create_market``
from settings, the paper broker filling resting limit orders from the replayed 5m candles, SQLite.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ftserver.bot.loop import TradingLoop
from ftserver.config import settings_from_dict
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.exchange.factory import create_market
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.replay import ReplayMarket
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.base import Strategy
from ftserver.strategy.safe import SafeStrategy
from tests.support.candle_files import write_candles

STORED_FROM = datetime(2025, 6, 1, tzinfo=UTC)
JUMP = 360  # the stored candle of 2025-06-02 06:00
START = datetime(2026, 3, 2, 5, 0, 30, tzinfo=UTC)  # replays 2025-06-02 from 05:00:30


class JumpStrategy(Strategy):
    """Enters after a candle that closed 0.3 % above the one before; exits at 2 % profit."""

    timeframe = "5m"
    minimal_roi = {"0": 0.02}
    stoploss = -0.1

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe.loc[dataframe["close"] > dataframe["close"].shift(1) * 1.003, "enter_long"] = 1
        return dataframe


def btc_closes() -> list[float]:
    """Flat at 100, a jump to 101, a dip to 100.8, a rise of 0.25 % a candle for ten candles, flat."""
    flat = [100.0 if i % 2 else 100.02 for i in range(JUMP)]
    rise = [round(100.8 * 1.0025**k, 2) for k in range(11)]
    return [*flat, 101.0, *rise, *[rise[-1]] * (576 - JUMP - 12)]


async def test_loop_trades_a_jump_in_replayed_candles_as_they_close(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "binance"
    btc = write_candles(folder, "BTC/USDT", "5m", STORED_FROM, btc_closes())
    write_candles(folder, "ETH/USDT", "5m", STORED_FROM, [3000.0 if i % 2 else 3000.5 for i in range(576)])
    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 100,
            "dry_run_wallet": 1000,
            "initial_state": "running",
            "user_data_dir": str(tmp_path),
            "db_url": f"sqlite:///{tmp_path / 'trades.sqlite'}",
            "exchange": {
                "name": "sim",
                "pair_whitelist": ["BTC/USDT", "ETH/USDT"],
                "sim": {"history_days": 1, "replay": {"exchange": "binance", "start": "202506020500"}},
            },
            "internals": {"heartbeat_interval": 0},
        }
    )
    clock = ManualClock(START)
    market = create_market(settings.exchange, clock=clock)
    assert isinstance(market, ReplayMarket)
    db = await Database.open(settings.db_url)
    try:
        repo = TradeRepository(db, clock)
        bot = TradingLoop(
            settings,
            market=market,
            broker=PaperBroker(market, clock=clock),
            repo=repo,
            strategy=SafeStrategy(JumpStrategy(settings.as_dict())),
            bus=MessageBus(),
            clock=clock,
        )
        await bot.startup()
        await bot.run_once()
        for _ in range(36):  # three hours, one iteration 30 s after each candle closes
            clock.advance(minutes=5)
            await bot.run_once()
            frame = bot.cache.ohlcv("BTC/USDT", "5m")
            assert frame is not None and frame["date"].iloc[-1] + timedelta(minutes=5) <= clock.now()
        trades = await repo.all_trades()
    finally:
        await db.close()

    [trade] = trades
    assert (trade.pair, trade.is_open, trade.exit_reason) == ("BTC/USDT", False, "roi")
    # Signalled when the 06:00 candle closed; the buy rested at the bid until a candle traded through it.
    assert trade.open_date == START.replace(hour=6, minute=5)
    assert trade.open_rate == 100.99
    assert trade.close_rate is not None and trade.close_rate > 103.0
    assert trade.close_profit_abs is not None and trade.close_profit_abs > 0
    # The bot saw the stored candles, shifted onto its clock by whole days, up to the last closed one.
    analyzed = bot.analyzed("BTC/USDT")
    assert analyzed is not None
    newest = analyzed[0].iloc[-1]
    stored_date = newest["date"] - timedelta(milliseconds=market.shift_ms)
    assert stored_date == pd.Timestamp("2025-06-02 07:55", tz="UTC")
    assert newest["close"] == btc.loc[btc["date"] == stored_date, "close"].item()
