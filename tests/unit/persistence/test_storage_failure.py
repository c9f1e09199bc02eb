"""A database that cannot be written: real SQLite faults become ``StorageUnavailable``."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from ftserver.errors import StorageUnavailable
from ftserver.persistence.db import Database, SqliteDatabase
from ftserver.persistence.trades import TradeRepository
from tests.unit.persistence.conftest import TradeFactory

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: these faults are made with SQLite's own files and connections."""
    return f"sqlite:///{tmp_path / 'user_data' / 'trades.sqlite'}"


@pytest.fixture
async def writer_and_db(db_url: str) -> AsyncIterator[tuple[aiosqlite.Connection, Database]]:
    """A migrated database whose writer connection the test holds, to make it read-only for real."""
    created = await Database.open(db_url)
    path = created.path
    await created.close()
    writer = await aiosqlite.connect(path, isolation_level=None)
    reader = await aiosqlite.connect(path, isolation_level=None)
    db = SqliteDatabase(writer, reader, path)
    yield writer, db
    await db.close()


async def test_write_to_a_read_only_database_is_storage_unavailable_until_it_can_write(
    writer_and_db: tuple[aiosqlite.Connection, Database], clock: object, new_trade: TradeFactory
) -> None:
    writer, db = writer_and_db
    repo = TradeRepository(db, clock)  # type: ignore[arg-type]
    await writer.execute("PRAGMA query_only=ON")
    trade = new_trade()
    with pytest.raises(StorageUnavailable, match="cannot be written: attempt to write a readonly database"):
        await repo.save_trade(trade)
    assert trade.id is None
    assert db.write_failure == "attempt to write a readonly database"
    with pytest.raises(StorageUnavailable):
        await db.probe_write()

    await writer.execute("PRAGMA query_only=OFF")
    await db.probe_write()
    assert db.write_failure is None
    await repo.save_trade(trade)
    assert trade.id is not None


async def test_constraint_errors_are_not_storage_failures(
    writer_and_db: tuple[aiosqlite.Connection, Database],
) -> None:
    _, db = writer_and_db
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO orders (ft_trade_id) VALUES (12345)")
    assert db.write_failure is None


def test_a_file_size_limit_reached_mid_run_is_storage_unavailable(tmp_path: Path) -> None:
    """RLIMIT_FSIZE in a child process: the write() of the commit fails with EFBIG, as on a full disk."""
    script = textwrap.dedent(
        f"""
        import asyncio, os, resource
        from ftserver.errors import StorageUnavailable
        from ftserver.persistence.db import Database

        async def main():
            db = await Database.open("sqlite:///{tmp_path / "full.sqlite"}")
            await db.probe_write()
            size = os.path.getsize(db.path + "-wal")
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))
            try:
                async with db.transaction() as conn:
                    await conn.execute("INSERT INTO kv_store (key, value) VALUES ('big', ?)", ("0" * 100_000,))
            except StorageUnavailable as exc:
                print("STORAGE", db.write_failure)
            resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            await db.probe_write()
            print("RECOVERED", db.write_failure)
            await db.close()

        asyncio.run(main())
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("STORAGE ") and "disk" in lines[0], result.stdout
    assert lines[1] == "RECOVERED None"
