from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from ftserver.bot.loop import TradingLoop
from ftserver.config import Settings, settings_from_dict
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.messages import Message, MessageType
from ftserver.exchange.paper import PaperBroker
from ftserver.persistence.db import Database, is_postgres_url, sqlite_path_from_url
from ftserver.persistence.postgres import connection_settings
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy

START = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


class CommitCheckingBus(MessageBus):
    """Records, at the instant of publishing, what a separate connection sees in the database file.

    Proves that trade changes are committed before they are announced.
    """

    def __init__(self, db_file: str) -> None:
        """``db_file``: the SQLite file, or the PostgreSQL URL of the database."""
        super().__init__()
        self.db_file = db_file
        self.seen: list[tuple[Message, dict[str, Any] | None]] = []

    def _committed_row(self, trade_id: int) -> dict[str, Any] | None:
        if is_postgres_url(self.db_file):
            conninfo, schema, _ = connection_settings(self.db_file)
            with psycopg.connect(conninfo, row_factory=dict_row, options=f"-c search_path={schema}") as pg:
                return pg.execute("SELECT * FROM trades WHERE id = %s", (trade_id,)).fetchone()
        with sqlite3.connect(self.db_file) as conn:
            conn.row_factory = sqlite3.Row
            found = conn.execute("SELECT * FROM trades WHERE id = ?", (trade_id,)).fetchone()
            return dict(found) if found else None

    def publish(self, message: Message) -> Message:
        row = None
        trade_id = message.data.get("trade_id") if isinstance(message.data, dict) else None
        if trade_id is not None:
            row = self._committed_row(trade_id)
        stamped = super().publish(message)
        self.seen.append((stamped, row))
        return stamped

    def types(self) -> list[MessageType]:
        return [m.type for m, _ in self.seen]


def make_settings(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "stake_currency": "USDT",
        "stake_amount": 100,
        "dry_run_wallet": 1000,
        "max_open_trades": 3,
        "initial_state": "running",
        "force_entry_enable": True,
        "db_url": f"sqlite:///{tmp_path / 'trades.sqlite'}",
        "order_types": {"entry": "market", "exit": "market", "stoploss": "market"},
        "exchange": {"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        "internals": {"process_throttle_secs": 1, "heartbeat_interval": 0},
    }
    values.update(extra)
    return settings_from_dict(values)


@dataclass
class Harness:
    tmp_path: Path
    settings: Settings
    clock: ManualClock
    market: ScriptedMarket
    strategy: ScriptedStrategy
    db: Database
    repo: TradeRepository
    bus: CommitCheckingBus
    bot: TradingLoop
    extra: dict[str, Any] = field(default_factory=dict)

    async def tick(self, minutes: float = 1.0) -> None:
        """Let time pass (a new 1m candle closes) and run one loop iteration."""
        self.clock.advance(minutes=minutes)
        await self.bot.run_once()

    async def restart(self) -> None:
        await self.db.close()
        self.db = await Database.open(self.settings.db_url)
        self.repo = TradeRepository(self.db, self.clock)
        self.bus = CommitCheckingBus(self.bus.db_file)
        self.bot = build_bot(self.settings, self.market, self.repo, self.bus, self.clock, self.strategy)
        await self.bot.startup()


def build_bot(
    settings: Settings,
    market: ScriptedMarket,
    repo: TradeRepository,
    bus: MessageBus,
    clock: ManualClock,
    strategy: ScriptedStrategy,
) -> TradingLoop:
    return TradingLoop(
        settings,
        market=market,
        broker=PaperBroker(market, clock=clock),
        repo=repo,
        strategy=SafeStrategy(strategy),
        bus=bus,
        clock=clock,
    )


@pytest.fixture
async def harness(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """On SQLite; a test parametrised with ``("harness", ["postgresql"], indirect=True)`` runs on PostgreSQL."""
    if getattr(request, "param", "sqlite") == "postgresql":
        url = str(request.getfixturevalue("postgres_url"))
        settings, watched = make_settings(tmp_path, db_url=url), url
    else:
        settings = make_settings(tmp_path)
        watched = sqlite_path_from_url(settings.db_url)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    strategy = ScriptedStrategy()
    db = await Database.open(settings.db_url)
    repo = TradeRepository(db, clock)
    bus = CommitCheckingBus(watched)
    bot = build_bot(settings, market, repo, bus, clock, strategy)
    await bot.startup()
    h = Harness(tmp_path, settings, clock, market, strategy, db, repo, bus, bot)
    yield h
    await h.db.close()
