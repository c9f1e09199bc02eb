"""Reading freqtrade databases (current and older column names), the read-only promise, the refusal of
a non-empty target, rows that cannot be mapped, and the export back to freqtrade's format."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ftserver.cli import main
from ftserver.db_commands import export_freqtrade, import_freqtrade
from ftserver.models import OrderSide, OrderStatus, OrderType, TradingMode
from ftserver.persistence.db import Database
from ftserver.persistence.freqtrade_db import read_freqtrade_file
from ftserver.persistence.trades import TradeRepository

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "freqtrade" / "tradesv3.dryrun.sqlite"

# A freqtrade file as versions before the 2022 renames wrote it: sell_reason, buy_tag, one fee for both
# sides, ticker_interval, isolated_liq, sell_order_status; no realized_profit, max_stake_amount,
# amount_requested; orders without ft_amount/ft_price/average/ft_fee_base/ft_order_tag; locks
# without a side. Written here from freqtrade's migration code (the columns it falls back to).
OLD_SCHEMA = """
CREATE TABLE trades (
    id INTEGER PRIMARY KEY, exchange VARCHAR(25) NOT NULL, pair VARCHAR(25) NOT NULL, is_open BOOLEAN NOT NULL,
    fee FLOAT NOT NULL, open_rate FLOAT, close_rate FLOAT, close_profit FLOAT, close_profit_abs FLOAT,
    stake_amount FLOAT NOT NULL, amount FLOAT, open_date DATETIME NOT NULL, close_date DATETIME,
    stop_loss FLOAT, stop_loss_pct FLOAT, initial_stop_loss FLOAT, initial_stop_loss_pct FLOAT,
    max_rate FLOAT, min_rate FLOAT, sell_reason VARCHAR(100), sell_order_status VARCHAR(100),
    strategy VARCHAR(100), buy_tag VARCHAR(100), ticker_interval INTEGER, isolated_liq FLOAT
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, ft_trade_id INTEGER, ft_order_side VARCHAR(25) NOT NULL, ft_pair VARCHAR(25) NOT NULL,
    ft_is_open BOOLEAN NOT NULL, order_id VARCHAR(255) NOT NULL, status VARCHAR(255), symbol VARCHAR(25),
    order_type VARCHAR(50), side VARCHAR(25), price FLOAT, amount FLOAT, filled FLOAT, remaining FLOAT,
    cost FLOAT, order_date DATETIME, order_filled_date DATETIME, order_update_date DATETIME
);
CREATE TABLE pairlocks (
    id INTEGER PRIMARY KEY, pair VARCHAR(25) NOT NULL, reason VARCHAR(255), lock_time DATETIME NOT NULL,
    lock_end_time DATETIME NOT NULL, active BOOLEAN NOT NULL
);
INSERT INTO trades VALUES (1, 'Binance', 'ETH/USDT', 0, 0.002, 2000.0, 2100.0, 0.0459, 4.58, 100.0, 0.05,
    '2022-03-01 10:00:00.000000', '2022-03-02 11:30:00.500000', 1800.0, -0.1, 1800.0, -0.1, 2150.0, 1990.0,
    'sell_signal', 'closed', 'OldStrategy', 'dip', 5, NULL);
INSERT INTO trades VALUES (2, 'binance', 'BTC/USDT', 1, 0.001, 40000.0, NULL, NULL, NULL, 60.0, 0.0015,
    '2022-03-03 08:00:00', NULL, 36000.0, -0.05, 38000.0, -0.1, 41000.0, 39500.0, NULL, NULL, 'OldStrategy',
    NULL, 5, NULL);
INSERT INTO orders VALUES (1, 1, 'buy', 'ETH/USDT', 0, 'o-1', 'closed', 'ETH/USDT', 'limit', 'buy', 2000.0, 0.05,
    0.05, 0.0, 100.0, '2022-03-01 10:00:00', '2022-03-01 10:00:05', NULL);
INSERT INTO orders VALUES (2, 1, 'sell', 'ETH/USDT', 0, 'o-2', 'closed', 'ETH/USDT', 'limit', 'sell', 2100.0, 0.05,
    0.05, 0.0, 105.0, '2022-03-02 11:30:00', '2022-03-02 11:30:00.500000', NULL);
INSERT INTO orders VALUES (3, 2, 'buy', 'BTC/USDT', 0, 'o-3', 'closed', 'BTC/USDT', 'market', 'buy', NULL, 0.0015,
    0.0015, 0.0, 60.0, '2022-03-03 08:00:00', '2022-03-03 08:00:01', NULL);
INSERT INTO pairlocks VALUES (1, 'ETH/USDT', 'cooldown', '2022-03-02 11:30:00', '2022-03-02 12:00:00', 0);
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, script: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()
    return path


def test_an_older_freqtrade_file_is_read_with_the_names_its_migrations_map(tmp_path: Path) -> None:
    history = read_freqtrade_file(make_db(tmp_path / "old.sqlite", OLD_SCHEMA))
    assert history.unmapped == []
    closed, still_open = history.trades
    assert closed.id == 1 and still_open.id == 2
    assert closed.exchange == "binance"  # lower-cased, as freqtrade's migration does
    assert (closed.fee_open, closed.fee_close) == (0.002, 0.002)  # the one "fee" for both sides
    assert closed.exit_reason == "exit_signal"  # "sell_signal" renamed
    assert closed.enter_tag == "dip"  # buy_tag
    assert closed.exit_order_status == "closed"  # sell_order_status
    assert closed.timeframe == 5  # ticker_interval
    assert closed.amount_requested == 0.05 and closed.max_stake_amount == 100.0  # amount, stake_amount
    assert closed.realized_profit == 0.0 and closed.leverage == 1.0 and closed.trading_mode is TradingMode.SPOT
    assert closed.open_date == datetime(2022, 3, 1, 10, 0, tzinfo=UTC)
    assert closed.close_date == datetime(2022, 3, 2, 11, 30, 0, 500000, tzinfo=UTC)
    # No is_stop_loss_trailing column: trailing when the stop's ratio moved from the initial one.
    assert closed.is_stop_loss_trailing is False and still_open.is_stop_loss_trailing is True
    assert still_open.enter_tag is None and still_open.exit_reason is None
    entry, exit_ = closed.orders
    assert (entry.ft_order_side, exit_.ft_order_side) == (OrderSide.BUY, OrderSide.SELL)
    assert (exit_.ft_amount, exit_.ft_price) == (0.05, 2100.0)  # from amount and price
    assert exit_.average is None and exit_.ft_fee_base is None and exit_.ft_order_tag is None
    assert exit_.status is OrderStatus.CLOSED and exit_.order_type is OrderType.LIMIT
    (market_entry,) = still_open.orders
    assert market_entry.order_type is OrderType.MARKET and market_entry.ft_price == 0.0  # no price: 0
    (lock,) = history.locks
    assert lock.side == "*" and lock.active is False
    assert history.custom_data == [] and history.values == {}


def test_a_missing_close_profit_abs_is_computed_as_freqtrades_migration_does(tmp_path: Path) -> None:
    db = make_db(tmp_path / "old.sqlite", OLD_SCHEMA.replace("4.58,", "NULL,"))
    closed = read_freqtrade_file(db).trades[0]
    # amount * close_rate * (1 - fee) - amount * open_rate * (1 + fee) = 104.79 - 100.2
    assert closed.close_profit_abs == pytest.approx(4.59, abs=1e-9)


async def test_importing_leaves_the_source_byte_identical_and_creates_no_file_beside_it(tmp_path: Path) -> None:
    source_dir = tmp_path / "freqtrade"
    source_dir.mkdir()
    source = source_dir / "tradesv3.sqlite"
    shutil.copy(FIXTURE, source)
    before = digest(source)
    await import_freqtrade(f"sqlite:///{source}", f"sqlite:///{tmp_path / 'ftserver.sqlite'}")
    assert digest(source) == before
    assert [p.name for p in source_dir.iterdir()] == ["tradesv3.sqlite"]


async def test_the_import_keeps_ids_orders_locks_custom_data_and_the_start_time(db_url: str) -> None:
    history = await import_freqtrade(f"sqlite:///{FIXTURE}", db_url)
    assert (len(history.trades), history.order_count, len(history.locks), len(history.custom_data)) == (
        302,
        806,
        15,
        279,
    )
    assert history.unmapped == []
    db = await Database.open(db_url)
    try:
        repo = TradeRepository(db)
        assert await repo.stored_counts() == {"trades": 302, "orders": 806, "pairlocks": 15, "trade_custom_data": 279}
        trade = await repo.get_trade(1)
        assert trade is not None and trade.pair == "ETH/USDT" and trade.exit_reason == "custom_exit_tp2"
        assert [o.ft_order_tag for o in trade.orders] == ["ema_cross", "custom_exit_tp2"]
        assert [e["key"] for e in await repo.custom_data(1)] == [
            "entry_note",
            "dca_budget",
            "checks",
            "confidence",
            "trailing_armed",
        ]
        assert (await repo.custom_data(1, "dca_budget"))[0]["value"] == {"left": 40.39, "steps": 1}
        assert (await repo.custom_data(1, "trailing_armed"))[0]["value"] is False
        # 2026-10-04 21:00 UTC, stored by freqtrade as a datetime, kept as epoch seconds.
        assert await repo.get_value("bot_start_time") == 1791147600.0
        lock = (await repo.locks(active_only=False))[-1]
        assert lock.id == 15
        # New rows continue after the imported ids.
        new = dataclasses.replace(lock, id=None)
        assert (await repo.add_lock(new)).id == 16
        copy = dataclasses.replace(trade, id=None, orders=[dataclasses.replace(o, id=None) for o in trade.orders])
        saved = await repo.save_trade(copy)
        assert (saved.id, [o.id for o in saved.orders]) == (303, [807, 808])
    finally:
        await db.close()


def test_a_non_empty_target_is_refused_without_force_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"sqlite:///{tmp_path / 'ftserver.sqlite'}"
    assert main(["import-db", "--from", f"sqlite:///{FIXTURE}", "--to", target]) == 0
    out = capsys.readouterr().out
    assert "302 trades (2 open), 806 orders, 15 pair locks, 279 custom data entries, 2 stored values" in out
    before = digest(tmp_path / "ftserver.sqlite")

    assert main(["import-db", "--from", f"sqlite:///{FIXTURE}", "--to", target]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "already holds a history (302 trades, 806 orders, 15 pairlocks, 279 trade_custom_data)" in captured.err
    assert "--force" in captured.err
    assert digest(tmp_path / "ftserver.sqlite") == before

    assert main(["import-db", "--from", f"sqlite:///{FIXTURE}", "--to", target, "--force"]) == 0
    capsys.readouterr()


async def test_force_replaces_the_stored_history_instead_of_adding_to_it(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'ftserver.sqlite'}"
    await import_freqtrade(f"sqlite:///{FIXTURE}", target)
    await import_freqtrade(f"sqlite:///{FIXTURE}", target, force=True)
    db = await Database.open(target)
    try:
        assert await TradeRepository(db).stored_counts() == {
            "trades": 302,
            "orders": 806,
            "pairlocks": 15,
            "trade_custom_data": 279,
        }
    finally:
        await db.close()


UNMAPPABLE = """
INSERT INTO orders (id, ft_trade_id, ft_order_side, ft_pair, ft_is_open, ft_amount, ft_price, order_id, status,
    order_type, side, amount, filled, remaining, cost)
    VALUES (9001, 302, 'stoploss', 'ETH/USDT', 1, 0.0177, 2500.0, 'sl-1', 'open', 'stop_loss_limit', 'sell',
    0.0177, 0.0, 0.0177, 0.0);
INSERT INTO orders (id, ft_trade_id, ft_order_side, ft_pair, ft_is_open, ft_amount, ft_price, order_id, status,
    order_type, side, amount, filled, remaining, cost)
    VALUES (9002, 301, 'buy', 'BTC/USDT', 0, 0.001, 50000.0, 'odd-1', 'PARTIALLY_FILLED_SOMEHOW', 'limit', 'buy',
    0.001, 0.0005, 0.0005, 25.0);
INSERT INTO trade_custom_data (id, ft_trade_id, cd_key, cd_type, cd_value, created_at)
    VALUES (9003, 0, 'global_note', 'str', 'not tied to a trade', '2026-11-01 00:00:00');
INSERT INTO trade_custom_data (id, ft_trade_id, cd_key, cd_type, cd_value, created_at)
    VALUES (9004, 2, 'broken', 'dict', '{not json', '2026-11-01 00:00:00');
UPDATE trades SET open_date = 'yesterday-ish' WHERE id = 7;
"""


def test_rows_that_cannot_be_mapped_are_left_out_and_each_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "odd.sqlite"
    shutil.copy(FIXTURE, source)
    make_db(source, UNMAPPABLE)
    assert main(["import-db", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{tmp_path / 'to.sqlite'}"]) == 0
    out = capsys.readouterr().out
    assert "9 rows could not be mapped and were left out:" in out
    lines = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert lines[0].startswith("trades id 7: Invalid isoformat string: 'yesterday-ish'")
    # Trade 7's own orders and custom data go with it.
    assert lines[1:4] == [f"orders id {order_id}: its trade 7 was not imported" for order_id in (14, 15, 16)]
    assert (
        lines[4] == "orders id 9001: a stoploss order on the exchange that never filled (ftserver keeps no such orders)"
    )
    assert lines[5].startswith("orders id 9002: order status 'PARTIALLY_FILLED_SOMEHOW' is not one ftserver knows")
    assert lines[6] == "trade_custom_data id 9: its trade 7 was not imported"
    assert lines[7] == "trade_custom_data id 9003: data not tied to a trade (ftserver keeps custom data per trade)"
    assert lines[8].startswith("trade_custom_data id 9004: Expecting property name")
    assert "301 trades (2 open), 803 orders, 15 pair locks, 278 custom data entries" in out


async def test_a_filled_stoploss_order_on_the_exchange_becomes_the_trades_exit(tmp_path: Path) -> None:
    source = tmp_path / "sl.sqlite"
    shutil.copy(FIXTURE, source)
    make_db(source, "UPDATE orders SET ft_order_side = 'stoploss', ft_order_tag = NULL, order_type = 'stop_loss_limit'"
            " WHERE id = 2")  # fmt: skip
    history = read_freqtrade_file(source)
    exit_order = history.trades[0].orders[1]
    assert exit_order.ft_order_side is OrderSide.SELL
    assert exit_order.ft_order_tag == "stoploss_on_exchange" and exit_order.order_type is OrderType.LIMIT


def test_a_missing_source_is_refused_in_one_line_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.sqlite"
    assert main(["import-db", "--from", f"sqlite:///{missing}", "--to", f"sqlite:///{tmp_path / 'to.sqlite'}"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not missing.exists()


async def test_export_writes_back_what_the_import_stored(tmp_path: Path) -> None:
    imported = f"sqlite:///{tmp_path / 'ftserver.sqlite'}"
    await import_freqtrade(f"sqlite:///{FIXTURE}", imported)
    exported = tmp_path / "exported.sqlite"
    counts = await export_freqtrade(imported, exported)
    assert (counts.trades, counts.orders, counts.locks, counts.custom_data, counts.values) == (302, 806, 15, 279, 2)
    db = await Database.open(imported)
    try:
        repo = TradeRepository(db)
        stored = (
            await repo.all_trades(with_orders=True),
            await repo.locks(active_only=False),
            await repo.all_custom_data(),
            await repo.all_values(),
        )
    finally:
        await db.close()
    again = read_freqtrade_file(exported)
    for trade in stored[0]:
        trade.updated_at = None
    assert again.unmapped == []
    assert again.trades == stored[0]
    assert (again.locks, again.custom_data, again.values) == stored[1:]


def test_export_refuses_an_existing_file_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.sqlite"
    target.write_text("keep me")
    db_url = f"sqlite:///{tmp_path / 'ftserver.sqlite'}"
    assert main(["import-db", "--from", f"sqlite:///{FIXTURE}", "--to", db_url]) == 0
    assert main(["export-db", "--from", db_url, "--to", f"sqlite:///{target}"]) == 2
    assert "exists; add --force" in capsys.readouterr().err
    assert target.read_text() == "keep me"
    assert main(["export-db", "--from", db_url, "--to", f"sqlite:///{target}", "--force"]) == 0
    assert "Exported to" in capsys.readouterr().out
    assert json.loads(json.dumps(read_freqtrade_file(target).source_counts))["trades"] == 302


async def test_a_source_in_wal_mode_keeps_its_main_file_byte_identical(tmp_path: Path) -> None:
    source = tmp_path / "tradesv3.sqlite"
    shutil.copy(FIXTURE, source)
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA journal_mode=WAL")  # as freqtrade leaves its file
    conn.close()
    before = digest(source)
    history = await import_freqtrade(f"sqlite:///{source}", f"sqlite:///{tmp_path / 'to.sqlite'}")
    assert len(history.trades) == 302
    assert digest(source) == before


def test_without_to_the_history_goes_into_the_configs_db_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "user_data" / "ftserver.sqlite"
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}, "db_url": f"sqlite:///{target}"}
        )
    )
    assert main(["import-db", "-c", str(config), "--from", f"sqlite:///{FIXTURE}"]) == 0
    assert f"Imported into sqlite:///{target}: 302 trades" in capsys.readouterr().out
    assert target.is_file()
