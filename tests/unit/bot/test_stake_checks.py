"""A force entry's stake meets the limits a computed stake meets, including ``available_capital``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import Conflict
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy

from .conftest import START, CommitCheckingBus, build_bot, make_settings


async def test_force_enter_stake_above_available_capital_is_conflict(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, available_capital=200)  # of a 1,000 USDT wallet
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db = await Database.open(settings.db_url)
    try:
        bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
        bot = build_bot(settings, market, TradeRepository(db, clock), bus, clock, ScriptedStrategy())
        await bot.startup()

        with pytest.raises(Conflict, match=r"Available balance \(198\.00000000 USDT\)"):
            await bot.force_enter("BTC/USDT", stake_amount=300)
        assert bot.open_trades == []

        trade = await bot.force_enter("BTC/USDT", stake_amount=150)
        assert trade.stake_amount == pytest.approx(150.0)
        with pytest.raises(Conflict, match="Available balance"):
            await bot.force_enter("ETH/USDT", stake_amount=100)  # 198 - 150.15 left
    finally:
        await db.close()
