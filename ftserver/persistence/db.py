"""The database behind the repositories: SQLite (the default) or PostgreSQL, and forward migrations.

``Database.open`` picks the backend from the URL. Both keep one rule: writes are serialised (one
writer at a time in this process), each in one transaction committed before ``transaction()``
returns, and reads see committed data only. The SQL is SQLite's; ``persistence/postgres.py``
holds every PostgreSQL difference (placeholders, column types, ids of new rows, the audit triggers).

SQLite: two connections to one file in WAL mode: a writer and a reader. Writers are serialised by an
``asyncio.Lock`` and each runs in one ``BEGIN IMMEDIATE`` transaction, so a write is fully committed
or not at all. Reads go through the reader connection: WAL gives it a snapshot of committed data
only, so an API read never sees a half-done write of the bot, and a long read (thousands of trades
for statistics) runs on its own thread while the bot keeps writing. An in-memory database cannot be
shared between connections, so there both roles use the one connection.

Durability: the promise is that a committed trade survives the process being killed (SIGKILL, a
crash), not a power cut. With WAL, ``synchronous=NORMAL`` gives exactly that: a commit is in the
WAL file (the OS page cache owns it) when COMMIT returns; only an OS crash or power loss could drop
the newest commits. ``FULL`` would add an fsync per commit for a guarantee we do not promise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import aiosqlite

from ftserver.core.instruments import Durations
from ftserver.errors import ConfigError, StorageUnavailable

if TYPE_CHECKING:
    from ftserver.persistence.postgres import PostgresConnection

log = logging.getLogger(__name__)

Row = Sequence[Any]
# What ``Database.transaction()`` yields: both run SQLite's SQL with '?' placeholders.
WriteConnection: TypeAlias = "aiosqlite.Connection | PostgresConnection"


class SortTerm(Protocol):
    def __call__(self, expression: str, *, descending: bool) -> str: ...


def sqlite_sort_term(expression: str, *, descending: bool) -> str:
    """An ORDER BY term as SQLite sorts: NULLs below every value (first ascending, last descending)."""
    return f"{expression} DESC" if descending else expression


# Default bound of the PostgreSQL connection pool (config key ``db_pool_size``).
DEFAULT_POOL_SIZE = 5

# SQLite primary result codes that mean "the file cannot be written now", as opposed to a bad
# statement or a constraint: read-only file or connection, disk full (or a file size limit), I/O
# error, another process holding the lock past the busy timeout, a damaged file.
_UNWRITABLE_CODES = frozenset(
    {
        3,  # SQLITE_PERM
        5,  # SQLITE_BUSY
        6,  # SQLITE_LOCKED
        7,  # SQLITE_NOMEM
        8,  # SQLITE_READONLY
        10,  # SQLITE_IOERR
        11,  # SQLITE_CORRUPT
        13,  # SQLITE_FULL
        14,  # SQLITE_CANTOPEN
        26,  # SQLITE_NOTADB
    }
)


def unwritable_reason(exc: BaseException) -> str | None:
    """Why a write failed, when it failed because the database cannot be written; else ``None``."""
    if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _UNWRITABLE_CODES:
            return str(exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return None


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step. ``postgres``: the step for PostgreSQL when it is not ``script`` with
    PostgreSQL's column types (``persistence/postgres.py`` translates those)."""

    version: int
    script: str
    postgres: str | None = None


# Schema 1 exactly as first committed: databases created with it exist, so it never changes.
SCHEMA_V1 = """
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
"""

# Custom data columns get plain names; closed trades come off one index already sorted by close
# date (profit statistics at 10,000+ trades); orders get an updated_at index for incremental sync.
SCHEMA_V2 = """
ALTER TABLE trade_custom_data RENAME COLUMN ft_trade_id TO trade_id;
ALTER TABLE trade_custom_data RENAME COLUMN cd_key TO key;
ALTER TABLE trade_custom_data RENAME COLUMN cd_type TO value_type;
ALTER TABLE trade_custom_data RENAME COLUMN cd_value TO value;
DROP INDEX ix_trades_is_open;
CREATE INDEX ix_trades_is_open_close_date ON trades (is_open, close_date);
CREATE INDEX ix_orders_updated_at ON orders (updated_at);
"""

# Order intents: an order is written down before it is placed (see ``persistence/intents.py``).
SCHEMA_V3 = """
CREATE TABLE order_intents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_order_id TEXT NOT NULL UNIQUE,
    pair TEXT NOT NULL,
    side TEXT NOT NULL,
    order_type TEXT NOT NULL,
    amount REAL NOT NULL,
    price REAL,
    created INTEGER NOT NULL,
    trade_id INTEGER REFERENCES trades(id) ON DELETE CASCADE,
    tag TEXT,
    leverage REAL NOT NULL DEFAULT 1,
    rate REAL
);
"""

# API access: long-lived API tokens (only a hash of each secret) and the append-only audit log.
_ACCESS_TABLES = """
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_key TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    role TEXT,
    via TEXT NOT NULL,
    token_name TEXT,
    client TEXT NOT NULL,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    params TEXT NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    trade_id INTEGER
);
CREATE INDEX ix_audit_log_at ON audit_log(at);
"""
_ACCESS_TRIGGERS = """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
SCHEMA_ACCESS = _ACCESS_TABLES + _ACCESS_TRIGGERS
_ACCESS_TRIGGERS_POSTGRES = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""

# The trade history sorted and filtered in SQL (``TradeQuery``): one index per sort key, led by
# ``is_open`` so a page of closed trades reads its ids off the index already in order (the id
# tie-break rides along as the rowid); the tag and reason filters get one each.
SCHEMA_HISTORY = """
CREATE INDEX ix_trades_is_open_id ON trades (is_open, id);
CREATE INDEX ix_trades_is_open_open_date ON trades (is_open, open_date);
CREATE INDEX ix_trades_is_open_pair ON trades (is_open, pair);
CREATE INDEX ix_trades_is_open_close_profit ON trades (is_open, close_profit);
CREATE INDEX ix_trades_is_open_close_profit_abs ON trades (is_open, close_profit_abs);
CREATE INDEX ix_trades_is_open_stake_amount ON trades (is_open, stake_amount);
CREATE INDEX ix_trades_is_open_duration ON trades (is_open, (close_date - open_date));
CREATE INDEX ix_trades_enter_tag ON trades (enter_tag);
CREATE INDEX ix_trades_exit_reason ON trades (exit_reason);
"""

# Custom data times in epoch microseconds: freqtrade stores them whole (the moment the strategy set
# the value), and an import, export or API answer keeps them so.
SCHEMA_CUSTOM_DATA_US = """
UPDATE trade_custom_data SET created_at = created_at * 1000, updated_at = updated_at * 1000;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, SCHEMA_V1),
    Migration(2, SCHEMA_V2),
    Migration(3, SCHEMA_V3),
    Migration(4, SCHEMA_ACCESS, postgres=_ACCESS_TABLES + _ACCESS_TRIGGERS_POSTGRES),
    Migration(5, SCHEMA_HISTORY),
    Migration(6, SCHEMA_CUSTOM_DATA_US),
)


def is_postgres_url(db_url: str) -> bool:
    """``postgresql://``, ``postgres://`` and SQLAlchemy's ``postgresql+<driver>://`` forms."""
    scheme = db_url.partition("://")[0].lower()
    return scheme in ("postgres", "postgresql") or scheme.startswith("postgresql+")


def without_password(db_url: str) -> str:
    """The URL to show in messages: a PostgreSQL URL's password left out."""
    parts = urlsplit(db_url)
    if parts.password is None:
        return db_url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))


def sqlite_path_from_url(db_url: str) -> str:
    """The file path in an SQLAlchemy-style SQLite URL.

    ``sqlite:///user_data/x.sqlite`` -> ``user_data/x.sqlite`` (relative to the working directory),
    ``sqlite:////abs/x.sqlite`` -> ``/abs/x.sqlite``, ``sqlite://`` and ``sqlite:///:memory:`` -> ``:memory:``.
    """
    scheme, sep, rest = db_url.partition("://")
    if not sep or scheme != "sqlite":
        raise ConfigError(
            f"only SQLite databases are supported: expected 'sqlite:///<path>', got '{db_url}'", key="db_url"
        )
    if rest in ("", "/:memory:"):
        return ":memory:"
    if not rest.startswith("/"):
        raise ConfigError(
            f"'{db_url}' has a host part; use 'sqlite:///relative/path' or 'sqlite:////absolute/path'", key="db_url"
        )
    path = rest[1:]
    if not path:
        raise ConfigError(f"'{db_url}' names no database file; use 'sqlite:///<path>'", key="db_url")
    if "?" in path:
        raise ConfigError(f"'{db_url}': query parameters in the database URL are not supported", key="db_url")
    return path


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into statements; ``complete_statement`` keeps ';' inside strings or triggers."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                yield pending.strip()
            pending = ""
    if pending.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending.strip()[:80]!r}")


class Database(ABC):
    """One database: a serialised writer (``transaction``) and reads of committed data (``fetchall``)."""

    path: str  # what log lines and errors name: the SQLite file, or PostgreSQL's host/database/schema

    def __init__(self, write_timings: Durations | None = None) -> None:
        # Each write transaction's duration, waiting for the writer included (for /metrics).
        self._write_timings = write_timings
        self._write_lock = asyncio.Lock()
        self._version = 0
        # Why the last write failed for lack of a writable database; None once a write commits again.
        self.write_failure: str | None = None

    @staticmethod
    async def open(
        db_url: str,
        *,
        busy_timeout_ms: int = 5000,
        migrations: Sequence[Migration] = MIGRATIONS,
        pool_size: int = DEFAULT_POOL_SIZE,
        write_timings: Durations | None = None,
    ) -> Database:
        """Open the database ``db_url`` names (creating it if needed) and migrate it to the newest schema.

        ``busy_timeout_ms`` is SQLite's, ``pool_size`` PostgreSQL's (connections at most).
        """
        if is_postgres_url(db_url):
            # Imported here: psycopg is loaded only by those who use PostgreSQL.
            from ftserver.persistence.postgres import PostgresDatabase

            return await PostgresDatabase.connect(
                db_url, migrations=migrations, pool_size=pool_size, write_timings=write_timings
            )
        if not db_url.startswith("sqlite:"):
            raise ConfigError(
                f"expected 'sqlite:///<path>' or 'postgresql://user:password@host:port/database', got '{db_url}'",
                key="db_url",
            )
        return await SqliteDatabase.connect(
            db_url, busy_timeout_ms=busy_timeout_ms, migrations=migrations, write_timings=write_timings
        )

    @property
    def schema_version(self) -> int:
        return self._version

    def sort_term(self, expression: str, *, descending: bool) -> str:
        """``expression`` in an ORDER BY, NULLs sorting as SQLite sorts them whatever the backend."""
        return sqlite_sort_term(expression, descending=descending)

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        versions = [m.version for m in migrations]
        if versions != list(range(1, len(versions) + 1)):
            raise ValueError(f"migration versions must be 1, 2, 3, ... in order, got {versions}")
        async with self.transaction() as conn:
            await self._lock_schema(conn)
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for migration in migrations:
            async with self.transaction() as conn:
                # Read inside the write transaction (holding the schema lock), so a second process
                # opening the same database at the same moment cannot apply the same step twice.
                await self._lock_schema(conn)
                current = int(await _scalar(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version") or 0)
                if migration.version <= current:
                    self._version = current
                    continue
                log.info("Migrating database %s to schema version %d", self.path, migration.version)
                await self._apply(conn, migration)
                await conn.execute("INSERT INTO schema_version (version) VALUES (?)", (migration.version,))
            self._version = migration.version
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        newest = int(row[0] or 0) if row is not None else 0
        if newest > len(migrations):
            raise ConfigError(
                f"database {self.path} has schema version {newest}, newer than this ftserver knows "
                f"({len(migrations)}); use a newer ftserver or another db_url",
                key="db_url",
            )
        self._version = newest

    @abstractmethod
    async def _lock_schema(self, conn: WriteConnection) -> None:
        """Keep other processes from migrating until this transaction ends."""

    @abstractmethod
    async def _apply(self, conn: WriteConnection, migration: Migration) -> None:
        """Run one migration's statements in the open transaction."""

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteConnection]:
        """The single writer: commits when the block ends, rolls back if it raises (or is cancelled).

        A failure because the database cannot be written (read-only, full, I/O error, the server
        gone) leaves as ``StorageUnavailable`` and is remembered in ``write_failure`` until a
        write commits again.
        """
        started = time.perf_counter()
        try:
            async with self._writing() as conn:
                yield conn
        finally:
            if self._write_timings is not None:
                self._write_timings.observe(time.perf_counter() - started)

    @abstractmethod
    def _writing(self) -> contextlib.AbstractAsyncContextManager[WriteConnection]:
        """``transaction`` without its timing: the backend's own write transaction."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    def fetch_batches(self, sql: str, params: Sequence[Any] = (), size: int = 500) -> AsyncIterator[list[Row]]:
        """The rows in lists of up to ``size``, for a caller that turns each batch into objects.

        10,000 trades as raw rows are ~10 MB next to the objects made of them; batch by batch,
        only one batch of raw rows is alive at a time.
        """

    @abstractmethod
    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def probe_write(self) -> None:
        """A write as cheap as one can be that still reaches the database: raises ``StorageUnavailable``."""
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO kv_store (key, value) VALUES ('write_probe', '0') "
                "ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(kv_store.value AS INTEGER) + 1 AS TEXT)"
            )


class SqliteDatabase(Database):
    """One SQLite file: a writer connection and a reader connection (one for an in-memory database)."""

    def __init__(
        self,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        path: str,
        write_timings: Durations | None = None,
    ) -> None:
        super().__init__(write_timings)
        self._writer = writer
        self._reader = reader
        self.path = path
        self._closed = False

    @classmethod
    async def connect(
        cls,
        db_url: str,
        *,
        busy_timeout_ms: int = 5000,
        migrations: Sequence[Migration] = MIGRATIONS,
        write_timings: Durations | None = None,
    ) -> SqliteDatabase:
        """Open (creating the file and its directory if needed) and migrate to the newest schema."""
        path = sqlite_path_from_url(db_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await aiosqlite.connect(path, isolation_level=None)
        reader = writer
        try:
            await _configure(writer, busy_timeout_ms)
            # Before the first write (switching to WAL rewrites the file header): a file that is
            # not ours is refused untouched.
            await _recognise(writer, path)
            mode = await _scalar(writer, "PRAGMA journal_mode=WAL")
            if path != ":memory:":
                if str(mode).lower() != "wal":
                    log.warning("SQLite refused WAL journal mode for %s (got %s); reads may wait on writes", path, mode)
                reader = await aiosqlite.connect(path, isolation_level=None)
                await _configure(reader, busy_timeout_ms)
                # Reads must never write; this turns a stray write on the read path into an error.
                await reader.execute("PRAGMA query_only=ON")
            db = cls(writer, reader, path, write_timings)
            await db._migrate(migrations)
        except (sqlite3.DatabaseError, StorageUnavailable) as exc:
            await writer.close()
            if reader is not writer:
                await reader.close()
            reason = unwritable_reason(exc) if isinstance(exc, sqlite3.DatabaseError) else exc.reason
            if reason is None:
                raise
            raise ConfigError(f"{path} is not a usable SQLite database: {reason}", key="db_url") from None
        except BaseException:
            await writer.close()
            if reader is not writer:
                await reader.close()
            raise
        return db

    async def _lock_schema(self, conn: WriteConnection) -> None:
        pass  # BEGIN IMMEDIATE took the file's write lock already

    async def _apply(self, conn: WriteConnection, migration: Migration) -> None:
        for statement in _statements(migration.script):
            await conn.execute(statement)

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    await conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            await conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError) as exc:
                reason = unwritable_reason(exc)
                if reason is None:
                    raise
                if self.write_failure is None:
                    log.error("Writing to the database %s failed: %s", self.path, reason)
                self.write_failure = reason
                raise StorageUnavailable(reason) from exc
            self.write_failure = None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_batches(self, sql: str, params: Sequence[Any] = (), size: int = 500) -> AsyncIterator[list[Row]]:
        async with self._reader.execute(sql, params) as cursor:
            while rows := await cursor.fetchmany(size):
                yield list(rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._reader.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._reader is not self._writer:
            await self._reader.close()
        await self._writer.close()


# Columns only freqtrade's tables have (ftserver's own trades/orders share many of the others).
_FREQTRADE_MARKS = {"trades": {"open_trade_value", "base_currency"}, "orders": {"ft_is_open"}}


async def _recognise(conn: aiosqlite.Connection, path: str) -> None:
    """Reads only: a database with tables but no ftserver ``schema_version`` is someone else's.

    A damaged file fails here too (the first read of the schema), as a ``ConfigError``.
    """
    try:
        async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
            tables = {str(row[0]) for row in await cursor.fetchall() if not str(row[0]).startswith("sqlite_")}
        if not tables or "schema_version" in tables:
            return
        freqtrade = False
        for table, marks in _FREQTRADE_MARKS.items():
            if table in tables:
                async with conn.execute(f"PRAGMA table_info({table})") as cursor:
                    columns = {str(row[1]) for row in await cursor.fetchall()}
                freqtrade = freqtrade or marks <= columns
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"{path} is not a usable SQLite database: {exc}", key="db_url") from None
    if freqtrade or "KeyValueStore" in tables:
        raise ConfigError(
            f"{path} is a freqtrade database, left untouched; import its history with "
            f"'ftserver import-db --from sqlite:///{path} --to <new db_url>' and point db_url at the new database",
            key="db_url",
        )
    shown = ", ".join(sorted(tables)[:10])
    raise ConfigError(
        f"{path} holds tables ftserver did not create ({shown}); point db_url at a new file", key="db_url"
    )


async def _configure(conn: aiosqlite.Connection, busy_timeout_ms: int) -> None:
    await conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA synchronous=NORMAL")


async def _scalar(conn: WriteConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]
