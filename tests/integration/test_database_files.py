"""Database files ftserver cannot use: refused at start with exit 2 and one line naming db_url,
without a byte of the file changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.integration.test_cli import ftserver

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "freqtrade" / "tradesv3.dryrun.sqlite"

# The tables of a freqtrade database (freqtrade/persistence/: trade_model.py, pairlock.py,
# key_value_store.py, custom_data.py), with their columns; written here from those facts.
FREQTRADE_SCHEMA = """
CREATE TABLE trades (
    id INTEGER NOT NULL PRIMARY KEY, exchange VARCHAR(25) NOT NULL, pair VARCHAR(25) NOT NULL,
    base_currency VARCHAR(25), stake_currency VARCHAR(25), is_open BOOLEAN NOT NULL,
    fee_open FLOAT NOT NULL, fee_open_cost FLOAT, fee_open_currency VARCHAR(25), fee_close FLOAT NOT NULL,
    fee_close_cost FLOAT, fee_close_currency VARCHAR(25), open_rate FLOAT NOT NULL, open_rate_requested FLOAT,
    open_trade_value FLOAT, close_rate FLOAT, close_rate_requested FLOAT, realized_profit FLOAT,
    close_profit FLOAT, close_profit_abs FLOAT, stake_amount FLOAT NOT NULL, max_stake_amount FLOAT,
    amount FLOAT NOT NULL, amount_requested FLOAT, open_date DATETIME NOT NULL, close_date DATETIME,
    stop_loss FLOAT, stop_loss_pct FLOAT, initial_stop_loss FLOAT, initial_stop_loss_pct FLOAT,
    is_stop_loss_trailing BOOLEAN NOT NULL, max_rate FLOAT, min_rate FLOAT, exit_reason VARCHAR(255),
    exit_order_status VARCHAR(100), strategy VARCHAR(100), enter_tag VARCHAR(255), timeframe INTEGER,
    trading_mode VARCHAR(7), amount_precision FLOAT, price_precision FLOAT, precision_mode INTEGER,
    precision_mode_price INTEGER, contract_size FLOAT, leverage FLOAT, is_short BOOLEAN NOT NULL,
    liquidation_price FLOAT, interest_rate FLOAT NOT NULL, funding_fees FLOAT, funding_fee_running FLOAT
);
CREATE INDEX ix_trades_pair ON trades (pair);
CREATE INDEX ix_trades_is_open ON trades (is_open);
CREATE TABLE orders (
    id INTEGER NOT NULL PRIMARY KEY, ft_trade_id INTEGER REFERENCES trades (id),
    ft_order_side VARCHAR(25) NOT NULL, ft_pair VARCHAR(25) NOT NULL, ft_is_open BOOLEAN NOT NULL,
    ft_amount FLOAT NOT NULL, ft_price FLOAT NOT NULL, ft_cancel_reason VARCHAR(255),
    order_id VARCHAR(255) NOT NULL, status VARCHAR(255), symbol VARCHAR(25), order_type VARCHAR(50),
    side VARCHAR(25), price FLOAT, average FLOAT, amount FLOAT, filled FLOAT, remaining FLOAT, cost FLOAT,
    stop_price FLOAT, order_date DATETIME, order_filled_date DATETIME, order_update_date DATETIME,
    funding_fee FLOAT, ft_fee_base FLOAT, ft_order_tag VARCHAR(255)
);
CREATE TABLE pairlocks (
    id INTEGER NOT NULL PRIMARY KEY, pair VARCHAR(25) NOT NULL, side VARCHAR(25) NOT NULL,
    reason VARCHAR(255), lock_time DATETIME NOT NULL, lock_end_time DATETIME NOT NULL, active BOOLEAN NOT NULL
);
CREATE TABLE "KeyValueStore" (
    id INTEGER NOT NULL PRIMARY KEY, "key" VARCHAR(25) NOT NULL, value_type VARCHAR(20) NOT NULL,
    string_value VARCHAR(255), datetime_value DATETIME, float_value FLOAT, int_value INTEGER
);
CREATE TABLE trade_custom_data (
    id INTEGER NOT NULL PRIMARY KEY, ft_trade_id INTEGER REFERENCES trades (id), cd_key VARCHAR(255) NOT NULL,
    cd_type VARCHAR(25) NOT NULL, cd_value TEXT NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME,
    CONSTRAINT _trade_id_cd_key UNIQUE (ft_trade_id, cd_key)
);
INSERT INTO "KeyValueStore" ("key", value_type, datetime_value) VALUES ('bot_start_time', 'datetime',
    '2026-01-05 10:00:00.000000');
"""


def config_for(tmp_path: Path, db_file: Path) -> Path:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "stake_currency": "USDT",
                "stake_amount": 10,
                "exchange": {"name": "sim"},
                "db_url": f"sqlite:///{db_file}",
                "api_server": {"enabled": False},
            }
        )
    )
    return config


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused_in_one_line(tmp_path: Path, db_file: Path) -> str:
    before = digest(db_file)
    result = ftserver("trade", "--config", str(config_for(tmp_path, db_file)), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if "Traceback" in line or "error" in line.lower()]
    assert len(errors) == 1, result.stderr
    assert "db_url" in errors[0] and str(db_file) in errors[0]
    assert digest(db_file) == before, "the refused file was changed"
    assert sorted(p.name for p in db_file.parent.iterdir() if p.name.startswith(db_file.name)) == [db_file.name]
    return errors[0]


def test_a_freqtrade_database_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    db_file = tmp_path / "tradesv3.sqlite"
    with sqlite3.connect(db_file) as conn:
        conn.executescript(FREQTRADE_SCHEMA)
    conn.close()
    line = refused_in_one_line(tmp_path, db_file)
    assert (
        f"is a freqtrade database, left untouched; import its history with 'ftserver import-db --from sqlite:///{db_file}"
        in line
    )


def test_the_committed_freqtrade_history_is_refused_with_the_import_command(tmp_path: Path) -> None:
    db_file = tmp_path / "tradesv3.dryrun.sqlite"
    shutil.copy(FIXTURE, db_file)
    line = refused_in_one_line(tmp_path, db_file)
    assert f"ftserver import-db --from sqlite:///{db_file} --to <new db_url>" in line


def test_a_database_of_something_else_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    db_file = tmp_path / "other.sqlite"
    with sqlite3.connect(db_file) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.close()
    line = refused_in_one_line(tmp_path, db_file)
    assert "tables ftserver did not create (notes)" in line


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 200, b"SQLite format 3\x00" + bytes(range(256)) * 16],
    ids=["text", "damaged-sqlite"],
)
def test_a_corrupt_database_file_exits_2_in_one_line(tmp_path: Path, content: bytes) -> None:
    db_file = tmp_path / "trades.sqlite"
    db_file.write_bytes(content)
    line = refused_in_one_line(tmp_path, db_file)
    assert "is not a usable SQLite database" in line
