import asyncio
import sqlite3
from pathlib import Path

import psycopg.errors
import pytest

from ftserver.errors import ConfigError
from ftserver.persistence.db import MIGRATIONS, Database, Migration, sqlite_path_from_url


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///user_data/x.sqlite", "user_data/x.sqlite"),
        ("sqlite:////abs/x.sqlite", "/abs/x.sqlite"),
        ("sqlite://", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test_sqlite_url_gives_file_path(url: str, path: str) -> None:
    assert sqlite_path_from_url(url) == path


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("postgresql://user@host/db", "only SQLite"),
        ("user_data/x.sqlite", "only SQLite"),
        ("sqlite://host/x.sqlite", "host part"),
        ("sqlite:///", "names no database file"),
        ("sqlite:///x.sqlite?mode=ro", "query parameters"),
    ],
)
def test_unusable_db_url_is_a_config_error_naming_db_url(url: str, complaint: str) -> None:
    with pytest.raises(ConfigError) as info:
        sqlite_path_from_url(url)
    assert info.value.key == "db_url"
    assert complaint in str(info.value)
    assert url in str(info.value)


async def test_open_creates_directory_and_uses_wal_with_foreign_keys(tmp_path: Path) -> None:
    db_file = tmp_path / "nested" / "dir" / "t.sqlite"
    db = await Database.open(f"sqlite:///{db_file}")
    try:
        assert db_file.exists()
        assert db.schema_version == len(MIGRATIONS)
        assert await db.fetchone("PRAGMA journal_mode") == ("wal",)
        async with db.transaction() as conn, conn.execute("PRAGMA foreign_keys") as cursor:
            assert await cursor.fetchone() == (1,)
        tables = {row[0] for row in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {
            "schema_version",
            "trades",
            "orders",
            "pairlocks",
            "kv_store",
            "trade_custom_data",
            "order_intents",
        } <= tables
    finally:
        await db.close()


async def test_in_memory_database_reads_its_own_writes() -> None:
    db = await Database.open("sqlite://")
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO kv_store (key, value) VALUES ('a', '1')")
        assert await db.fetchone("SELECT value FROM kv_store WHERE key = 'a'") == ("1",)
    finally:
        await db.close()


async def test_reopen_does_not_rerun_applied_migrations(db_url: str) -> None:
    db = await Database.open(db_url)
    await db.close()
    db = await Database.open(db_url)
    try:
        assert db.schema_version == len(MIGRATIONS)
        versions = [row[0] for row in await db.fetchall("SELECT version FROM schema_version ORDER BY version")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
    finally:
        await db.close()


async def test_new_migration_is_applied_once_on_top_of_existing_schema(db_url: str) -> None:
    db = await Database.open(db_url)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO kv_store (key, value) VALUES ('kept', '1')")
    await db.close()

    # A ';' inside a string literal must not split the statement.
    step4 = Migration(
        len(MIGRATIONS) + 1,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes VALUES (1, 'a;b');",
    )
    for _ in range(2):
        db = await Database.open(db_url, migrations=[*MIGRATIONS, step4])
        try:
            assert db.schema_version == len(MIGRATIONS) + 1
            assert await db.fetchall("SELECT text FROM notes") == [("a;b",)]
            assert await db.fetchone("SELECT value FROM kv_store WHERE key = 'kept'") == ("1",)
            versions = [row[0] for row in await db.fetchall("SELECT version FROM schema_version ORDER BY version")]
            assert versions == list(range(1, len(MIGRATIONS) + 2))
        finally:
            await db.close()


async def test_failing_migration_leaves_schema_and_version_untouched(db_url: str) -> None:
    await (await Database.open(db_url)).close()
    broken = Migration(len(MIGRATIONS) + 1, "CREATE TABLE half (id INTEGER); INSERT INTO no_such_table VALUES (1);")
    with pytest.raises((sqlite3.OperationalError, psycopg.errors.UndefinedTable), match="no_such_table"):
        await Database.open(db_url, migrations=[*MIGRATIONS, broken])

    db = await Database.open(db_url)
    try:
        assert db.schema_version == len(MIGRATIONS)
        with pytest.raises((sqlite3.OperationalError, psycopg.errors.UndefinedTable), match="half"):
            await db.fetchall("SELECT * FROM half")
    finally:
        await db.close()


async def test_database_newer_than_the_code_is_refused(db_url: str) -> None:
    future = len(MIGRATIONS) + 1
    step = Migration(future, "CREATE TABLE future (id INTEGER);")
    await (await Database.open(db_url, migrations=[*MIGRATIONS, step])).close()
    with pytest.raises(ConfigError, match=f"schema version {future}, newer than this ftserver knows") as info:
        await Database.open(db_url)
    assert info.value.key == "db_url"


async def test_failing_transaction_rolls_back_every_statement(db: Database) -> None:
    async def half_write() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO kv_store (key, value) VALUES ('first', '1')")
            await conn.execute("INSERT INTO kv_store (key, value) VALUES ('second', '2')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await half_write()
    assert await db.fetchall("SELECT key FROM kv_store") == []
    async with db.transaction() as conn:  # the writer is usable again
        await conn.execute("INSERT INTO kv_store (key, value) VALUES ('after', '3')")
    assert await db.fetchall("SELECT key FROM kv_store") == [("after",)]


async def test_reads_see_only_committed_writes(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO kv_store (key, value) VALUES ('pending', '1')")
        assert await db.fetchone("SELECT value FROM kv_store WHERE key = 'pending'") is None
    assert await db.fetchone("SELECT value FROM kv_store WHERE key = 'pending'") == ("1",)


async def test_read_path_refuses_writes(db: Database) -> None:
    with pytest.raises((sqlite3.OperationalError, psycopg.errors.ReadOnlySqlTransaction), match=r"read-?only"):
        await db.fetchall("INSERT INTO kv_store (key, value) VALUES ('sneaky', '1')")


async def test_writers_take_turns(db: Database) -> None:
    events: list[str] = []

    async def writer(name: str) -> None:
        async with db.transaction() as conn:
            events.append(f"{name} begins")
            for n in range(3):
                await conn.execute("INSERT INTO kv_store (key, value) VALUES (?, '1')", (f"{name}{n}",))
                await asyncio.sleep(0)
            events.append(f"{name} commits")

    await asyncio.gather(writer("a"), writer("b"), writer("c"))
    assert events == [f"{name} {step}" for name in "abc" for step in ("begins", "commits")]
    assert len(await db.fetchall("SELECT key FROM kv_store")) == 9


async def test_close_twice_is_harmless(db_url: str) -> None:
    db = await Database.open(db_url)
    await db.close()
    await db.close()


async def test_fetch_batches_yields_every_row_in_order_in_lists_of_the_size(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.executemany("INSERT INTO kv_store (key, value) VALUES (?, ?)", [(f"k{n:02}", "1") for n in range(7)])
    batches = [batch async for batch in db.fetch_batches("SELECT key FROM kv_store ORDER BY key", size=3)]
    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [row[0] for batch in batches for row in batch] == [f"k{n:02}" for n in range(7)]
    assert [batch async for batch in db.fetch_batches("SELECT key FROM kv_store WHERE key = ?", ("none",))] == []
