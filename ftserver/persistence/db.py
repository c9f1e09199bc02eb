"""SQLite connection, pragmas and forward migrations.

One connection, WAL journal. Writers are serialised by an ``asyncio.Lock`` and each runs in one
``BEGIN IMMEDIATE`` transaction, so a write is either fully committed or not at all. With WAL,
``synchronous=NORMAL`` keeps every committed transaction across a killed process (only a power
loss could drop the newest commits), which is the durability the bot promises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import aiosqlite

from ftserver.errors import ConfigError

log = logging.getLogger(__name__)

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE trades (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            exchange TEXT NOT NULL,
            pair TEXT NOT NULL,
            strategy TEXT NOT NULL,
            timeframe INTEGER NOT NULL,
            is_open INTEGER NOT NULL,
            is_short INTEGER NOT NULL DEFAULT 0,
            amount REAL NOT NULL,
            amount_requested REAL,
            stake_amount REAL NOT NULL,
            max_stake_amount REAL,
            open_rate REAL NOT NULL,
            open_rate_requested REAL,
            open_date INTEGER NOT NULL,
            fee_open REAL NOT NULL,
            fee_open_cost REAL,
            fee_open_currency TEXT,
            fee_close REAL NOT NULL,
            fee_close_cost REAL,
            fee_close_currency TEXT,
            close_rate REAL,
            close_rate_requested REAL,
            close_date INTEGER,
            close_profit REAL,
            close_profit_abs REAL,
            realized_profit REAL NOT NULL DEFAULT 0,
            enter_tag TEXT,
            exit_reason TEXT,
            exit_order_status TEXT,
            stop_loss REAL,
            stop_loss_pct REAL,
            initial_stop_loss REAL,
            initial_stop_loss_pct REAL,
            is_stop_loss_trailing INTEGER NOT NULL DEFAULT 0,
            stoploss_last_update INTEGER,
            max_rate REAL,
            min_rate REAL,
            leverage REAL NOT NULL DEFAULT 1,
            interest_rate REAL NOT NULL DEFAULT 0,
            liquidation_price REAL,
            trading_mode TEXT NOT NULL DEFAULT 'spot',
            funding_fees REAL NOT NULL DEFAULT 0,
            amount_precision REAL,
            price_precision REAL,
            precision_mode INTEGER,
            updated_at INTEGER
        );
        CREATE INDEX ix_trades_is_open ON trades(is_open);
        CREATE INDEX ix_trades_close_date ON trades(close_date);
        CREATE INDEX ix_trades_pair ON trades(pair);
        CREATE INDEX ix_trades_updated_at ON trades(updated_at);
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ft_trade_id INTEGER NOT NULL REFERENCES trades(id) ON DELETE CASCADE,
            ft_order_side TEXT NOT NULL,
            ft_pair TEXT NOT NULL,
            order_id TEXT NOT NULL,
            order_type TEXT NOT NULL,
            side TEXT NOT NULL,
            amount REAL NOT NULL,
            price REAL,
            status TEXT NOT NULL,
            filled REAL NOT NULL DEFAULT 0,
            remaining REAL NOT NULL DEFAULT 0,
            average REAL,
            cost REAL NOT NULL DEFAULT 0,
            order_date INTEGER,
            order_filled_date INTEGER,
            order_update_date INTEGER,
            ft_fee_base REAL,
            ft_order_tag TEXT,
            ft_amount REAL NOT NULL DEFAULT 0,
            ft_price REAL NOT NULL DEFAULT 0,
            leverage REAL NOT NULL DEFAULT 1,
            updated_at INTEGER
        );
        CREATE INDEX ix_orders_trade ON orders(ft_trade_id);
        CREATE TABLE pairlocks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pair TEXT NOT NULL,
            side TEXT NOT NULL DEFAULT '*',
            reason TEXT,
            lock_time INTEGER NOT NULL,
            lock_end_time INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX ix_pairlocks_active ON pairlocks(active, lock_end_time);
        CREATE TABLE kv_store (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE trade_custom_data (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ft_trade_id INTEGER NOT NULL REFERENCES trades(id) ON DELETE CASCADE,
            cd_key TEXT NOT NULL,
            cd_type TEXT NOT NULL,
            cd_value TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER,
            UNIQUE (ft_trade_id, cd_key)
        );
        """,
    ),
]


def sqlite_path_from_url(db_url: str) -> str:
    """``sqlite:///rel/path`` -> ``rel/path``; ``sqlite:////abs`` -> ``/abs``; ``sqlite://`` -> ``:memory:``."""
    if not db_url.startswith("sqlite://"):
        raise ConfigError(f"only sqlite databases are supported, got '{db_url}'", key="db_url")
    rest = db_url[len("sqlite://") :]
    if rest in ("", "/", "/:memory:"):
        return ":memory:"
    if not rest.startswith("/"):
        raise ConfigError(f"expected sqlite:///<path>, got '{db_url}'", key="db_url")
    return rest[1:]


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._version = 0

    @classmethod
    async def open(cls, db_url: str) -> Database:
        path = sqlite_path_from_url(db_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await db._migrate()
        except Exception:
            await conn.close()
            raise
        return db

    @property
    def schema_version(self) -> int:
        return self._version

    async def _migrate(self) -> None:
        await self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = await (await self.conn.execute("SELECT MAX(version) FROM schema_version")).fetchone()
        self._version = int(row[0] or 0) if row else 0
        for version, script in MIGRATIONS:
            if version <= self._version:
                continue
            log.info("Migrating database %s to schema version %d", self.path, version)
            async with self.transaction() as conn:
                for statement in (s.strip() for s in script.split(";")):
                    if statement:
                        await conn.execute(statement)
                await conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            self._version = version

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def close(self) -> None:
        await self.conn.close()
