"""``ftserver import-db`` and ``ftserver export-db``: a trade history from and to freqtrade's database.

Both sides may be SQLite or PostgreSQL, except the export's target: a freqtrade SQLite file.

Import reads the freqtrade file read-only and writes ftserver's database through its repository in
one transaction, keeping every id (trade 17 stays trade 17 for whoever refers to it). Export writes
a new file freqtrade opens as its own.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from ftserver.errors import InvalidRequest
from ftserver.persistence.db import Database, is_postgres_url, sqlite_path_from_url, without_password
from ftserver.persistence.freqtrade_db import (
    NOT_KEPT,
    ExportCounts,
    FreqtradeHistory,
    read_freqtrade,
    source_name,
    source_path,
    write_freqtrade_file,
)
from ftserver.persistence.postgres import connection_settings
from ftserver.persistence.trades import TradeRepository

# ftserver's own bookkeeping in its key/value store, meaningless to freqtrade.
_INTERNAL_KEYS = frozenset({"write_probe"})


def _same_file(a: Path, db_url: str) -> bool:
    if is_postgres_url(db_url):
        return False
    b = sqlite_path_from_url(db_url)
    return b != ":memory:" and Path(b).exists() and a.resolve() == Path(b).resolve()


def _same_postgres(a: str, b: str) -> bool:
    first, second = connection_settings(a), connection_settings(b)
    return (first[0], first[1]) == (second[0], second[1])


def import_db(from_url: str, to_url: str, *, force: bool = False, out: TextIO | None = None) -> int:
    """Import a freqtrade database into ftserver's (``to_url``). Raises InvalidRequest to refuse."""
    history = asyncio.run(import_freqtrade(from_url, to_url, force=force))
    _report_import(history, source_name(from_url), to_url, out or sys.stdout)
    return 0


async def import_freqtrade(from_url: str, to_url: str, *, force: bool = False) -> FreqtradeHistory:
    """Read the freqtrade database at ``from_url`` and write its history into ``to_url``; what was read."""
    if is_postgres_url(from_url):
        if is_postgres_url(to_url) and _same_postgres(from_url, to_url):
            raise InvalidRequest("--from and --to name the same PostgreSQL schema; import into another one")
    else:
        source = source_path(from_url)
        if _same_file(source, to_url):
            raise InvalidRequest(f"--from and --to name the same file ({source}); import into a new database")
    history = await asyncio.to_thread(read_freqtrade, from_url)
    await _write(history, to_url, force=force)
    return history


async def _write(history: FreqtradeHistory, to_url: str, *, force: bool) -> None:
    db = await Database.open(to_url)
    try:
        repo = TradeRepository(db)
        stored = await repo.stored_counts()
        if any(stored.values()) and not force:
            held = ", ".join(f"{count} {table}" for table, count in stored.items() if count)
            raise InvalidRequest(f"{db.path} already holds a history ({held}); add --force to replace it")
        await repo.import_history(history.trades, history.locks, history.custom_data, history.values, replace=force)
    finally:
        await db.close()


def _report_import(history: FreqtradeHistory, source: str, to_url: str, out: TextIO) -> None:
    read = ", ".join(f"{count} {table}" for table, count in history.source_counts.items())
    print(f"Read {source}: {read}.", file=out)
    opened = sum(t.is_open for t in history.trades)
    print(
        f"Imported into {without_password(to_url)}: {len(history.trades)} trades ({opened} open), "
        f"{history.order_count} orders, {len(history.locks)} pair locks, {len(history.custom_data)} custom data "
        f"entries, {len(history.values)} stored values.",
        file=out,
    )
    for table, count in history.ignored_tables.items():
        if count:
            print(f"Not imported: table {table} ({count} rows; ftserver has no such table).", file=out)
    for table, columns in NOT_KEPT.items():
        print(f"Derived or not kept: {table}.{', '.join(columns)}.", file=out)
    if history.unmapped:
        print(f"{len(history.unmapped)} rows could not be mapped and were left out:", file=out)
        for item in history.unmapped:
            print(f"  {item.line()}", file=out)


def export_db(from_url: str, to_url: str, *, force: bool = False, out: TextIO | None = None) -> int:
    """Write ftserver's history (``from_url``) into a new freqtrade SQLite file (``to_url``)."""
    target = sqlite_path_from_url(to_url)
    if target == ":memory:":
        raise InvalidRequest("--to must name a file (sqlite:///path.sqlite)")
    path = Path(target)
    if _same_file(path, from_url):
        raise InvalidRequest(f"--from and --to name the same file ({path})")
    if path.exists() and not force:
        raise InvalidRequest(f"{path} exists; add --force to replace it")
    if not is_postgres_url(from_url) and not Path(sqlite_path_from_url(from_url)).is_file():
        raise InvalidRequest(f"{from_url} does not exist: nothing to export")
    counts = asyncio.run(export_freqtrade(from_url, path))
    out = out or sys.stdout
    print(
        f"Exported to {path}: {counts.trades} trades, {counts.orders} orders, {counts.locks} pair locks, "
        f"{counts.custom_data} custom data entries, {counts.values} stored values.",
        file=out,
    )
    if counts.skipped_values:
        skipped = ", ".join(counts.skipped_values)
        print(f"Not exported (freqtrade stores only text, dates and numbers): {skipped}.", file=out)
    return 0


async def export_freqtrade(from_url: str, path: Path) -> ExportCounts:
    """Write the history in ``from_url`` into a new freqtrade file at ``path``."""
    db = await Database.open(from_url)
    try:
        repo = TradeRepository(db)
        trades = await repo.all_trades(with_orders=True)
        locks = await repo.locks(active_only=False)
        custom_data = await repo.all_custom_data()
        values = {k: v for k, v in (await repo.all_values()).items() if k not in _INTERNAL_KEYS}
    finally:
        await db.close()
    return await asyncio.to_thread(write_freqtrade_file, path, trades, locks, custom_data, values)
