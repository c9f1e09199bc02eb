"""A freqtrade history kept in PostgreSQL imports as the same history kept in its SQLite file.

The committed freqtrade 2026.9 database is copied into a PostgreSQL schema with the column types
SQLAlchemy gives those tables there (timestamps, booleans, double precision), then imported from
there: every trade, order, lock, custom data entry and stored value comes out as from the file, and
the source schema is left as it was. Needs the test PostgreSQL server (see tests/conftest.py).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ftserver.cli import main
from ftserver.db_commands import import_freqtrade
from ftserver.errors import ConfigError
from ftserver.persistence.db import Database
from ftserver.persistence.freqtrade_db import read_freqtrade, read_freqtrade_file
from ftserver.persistence.postgres import connection_settings
from ftserver.persistence.trades import TradeRepository

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "freqtrade" / "tradesv3.dryrun.sqlite"
_TYPES = [("BOOLEAN", "BOOLEAN"), ("DATETIME", "TIMESTAMP"), ("DOUBLE", "DOUBLE PRECISION"),
          ("FLOAT", "DOUBLE PRECISION"), ("INTEGER", "INTEGER"), ("VARCHAR", "VARCHAR"), ("TEXT", "TEXT")]  # fmt: skip


def _pg_type(declared: str) -> str:
    for sqlite_type, pg_type in _TYPES:
        if declared.upper().startswith(sqlite_type):
            return pg_type + declared[len(sqlite_type) :] if sqlite_type == "VARCHAR" else pg_type
    return "TEXT"


def copy_to_postgres(url: str) -> dict[str, int]:
    """freqtrade's tables of the fixture in the URL's schema; the row count of each."""
    conninfo, schema, _ = connection_settings(url)
    source = sqlite3.connect(FIXTURE)
    counts = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        tables = [str(r[0]) for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [(str(c[1]), str(c[2])) for c in source.execute(f'PRAGMA table_info("{table}")')]
            definition = ", ".join(f'"{name}" {_pg_type(kind)}' for name, kind in columns)
            conn.execute(f'CREATE TABLE "{schema}"."{table}" ({definition})')
            booleans = {i for i, (_, kind) in enumerate(columns) if kind.upper() == "BOOLEAN"}
            rows = [
                tuple(bool(v) if i in booleans and v is not None else v for i, v in enumerate(row))
                for row in source.execute(f'SELECT * FROM "{table}"')
            ]
            marks = ", ".join(["%s"] * len(columns))
            with conn.cursor() as cursor:
                cursor.executemany(f'INSERT INTO "{schema}"."{table}" VALUES ({marks})', rows)
            counts[table] = len(rows)
    return counts


def _counts(url: str) -> dict[str, int]:
    conninfo, schema, _ = connection_settings(url)
    with psycopg.connect(conninfo) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        )]  # fmt: skip
        found: dict[str, int] = {}
        for name in names:
            row = conn.execute(f'SELECT COUNT(*) FROM "{schema}"."{name}"').fetchone()
            found[str(name)] = int(row[0]) if row else 0
        return found


def _trade_view(trade: Any) -> tuple[Any, ...]:
    orders = [(o.ft_order_side, o.amount, o.filled, o.price, o.status, o.order_date) for o in trade.orders]
    return (trade.id, trade.pair, trade.open_date, trade.close_date, trade.open_rate, trade.close_rate,
            trade.amount, trade.stake_amount, trade.realized_profit, trade.close_profit_abs, trade.exit_reason,
            trade.enter_tag, trade.is_open, trade.stop_loss, orders)  # fmt: skip


def test_a_freqtrade_history_in_postgresql_reads_as_the_same_history_in_its_file(postgres_url: str) -> None:
    copied = copy_to_postgres(postgres_url)
    from_file = read_freqtrade_file(FIXTURE)
    from_postgres = read_freqtrade(postgres_url)
    assert len(from_file.trades) == 302 and from_postgres.source_counts == from_file.source_counts
    assert [_trade_view(t) for t in from_postgres.trades] == [_trade_view(t) for t in from_file.trades]
    assert from_postgres.locks == from_file.locks
    assert from_postgres.custom_data == from_file.custom_data
    assert from_postgres.values == from_file.values
    assert from_postgres.unmapped == from_file.unmapped
    assert _counts(postgres_url) == copied  # read in a read-only session: nothing written


async def test_import_db_from_postgresql_fills_an_ftserver_database(postgres_url: str, tmp_path: Path) -> None:
    copy_to_postgres(postgres_url)
    target = f"sqlite:///{tmp_path / 'ftserver.sqlite'}"
    history = await import_freqtrade(postgres_url, target)
    db = await Database.open(target)
    try:
        stored = await TradeRepository(db).stored_counts()
    finally:
        await db.close()
    assert stored["trades"] == len(history.trades) == 302
    assert stored["orders"] == history.order_count


def test_the_import_report_names_the_postgresql_source_as_logs_show_it(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_to_postgres(postgres_url)
    assert main(["import-db", "--from", postgres_url, "--to", f"sqlite:///{tmp_path / 'x.sqlite'}"]) == 0
    out = capsys.readouterr().out
    shown = connection_settings(postgres_url)[2]  # host, port, database and schema; never a password
    assert f"Read {shown}:" in out and "302 trades" in out


def test_a_postgresql_schema_without_freqtrades_tables_is_refused_in_one_line(postgres_url: str) -> None:
    conninfo, schema, _ = connection_settings(postgres_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    with pytest.raises(ConfigError, match=re.escape("this is not a freqtrade database")) as info:
        read_freqtrade(postgres_url)
    assert info.value.key == "--from"
