"""freqtrade's SQLite database: read a history out of it (import) and write one into a new file (export).

freqtrade (2022.9 to 2026.9) keeps trades, orders, pairlocks, trade_custom_data and KeyValueStore
through SQLAlchemy: dates as naive UTC text (``2026-10-05 01:57:00.000000``), booleans as 0/1, the
trading mode as the enum's name (``SPOT``). Older files carry older column names; they are read the
way freqtrade's own migrations read them (``sell_reason`` -> ``exit_reason``, ``buy_tag`` ->
``enter_tag``, ``ticker_interval`` -> ``timeframe``, a single ``fee`` for both sides, ...), so a file
from any of those versions imports without being migrated first.

The source is opened read-only (SQLite's ``mode=ro``; on PostgreSQL a read-only session, for a
freqtrade that keeps its history there): importing never changes a byte of it. A row that cannot be
represented in ftserver is left out and listed in ``FreqtradeHistory.unmapped``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg.rows import dict_row

from ftserver.errors import ConfigError
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, PairLock, Trade, TradingMode, split_pair
from ftserver.persistence.db import is_postgres_url, sqlite_path_from_url
from ftserver.persistence.postgres import connection_settings
from ftserver.persistence.trades import CustomDataRow

# freqtrade renamed these exit reasons in 2022 (its migration rewrites them the same way).
_OLD_EXIT_REASONS = {
    "sell_signal": "exit_signal",
    "custom_sell": "custom_exit",
    "force_sell": "force_exit",
    "emergency_sell": "emergency_exit",
}
_CANCELED = {"canceled", "cancelled", "expired", "rejected"}
# Keys freqtrade stores as datetimes that ftserver keeps as epoch seconds (the bot's start time).
_EPOCH_KEYS = {"bot_start_time", "startup_time"}
# Custom data types freqtrade stores as plain text rather than JSON.
_PLAIN_TYPES = {"bool", "float", "int", "str"}
# freqtrade columns ftserver derives or does not keep: named in the import report.
NOT_KEPT = {
    "trades": ("base_currency", "stake_currency", "open_trade_value", "funding_fee_running",
               "precision_mode_price", "contract_size", "record_version"),
    "orders": ("ft_is_open", "symbol", "stop_price", "funding_fee", "ft_cancel_reason"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A source row left out, and why."""

    table: str
    row_id: Any
    reason: str

    def line(self) -> str:
        return f"{self.table} id {self.row_id}: {self.reason}"


@dataclass
class FreqtradeHistory:
    """What a freqtrade database holds, in ftserver's terms."""

    trades: list[Trade] = field(default_factory=list)
    locks: list[PairLock] = field(default_factory=list)
    custom_data: list[CustomDataRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)
    # Rows per table in the source (what was read), and tables ftserver has no place for.
    source_counts: dict[str, int] = field(default_factory=dict)
    ignored_tables: dict[str, int] = field(default_factory=dict)

    @property
    def order_count(self) -> int:
        return sum(len(trade.orders) for trade in self.trades)


def source_path(db_url: str) -> Path:
    path = sqlite_path_from_url(db_url)
    if path == ":memory:":
        raise ConfigError("an in-memory database holds nothing to import; name a file", key="--from")
    return Path(path)


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write ``path`` (nor create it when it is missing)."""
    if not path.is_file():
        raise ConfigError(f"{path} does not exist or is not a file", key="--from")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def _parse_date(value: Any) -> datetime | None:
    """freqtrade's stored dates: naive UTC text; an aware or numeric value is read as UTC too."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000 if value > 1e10 else value, UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class _Columns:
    """Reads one row by freqtrade's newest column names, falling back to older names or defaults."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = set(names)

    def get(self, row: Row, *names: str, default: Any = None) -> Any:
        for name in names:
            if name in self.names and row[name] is not None:
                return row[name]
        return default

    def has(self, name: str) -> bool:
        return name in self.names


Row = Mapping[str, Any]


class Source(Protocol):
    """A freqtrade database being read: its tables with their columns, and each table's rows."""

    def tables(self) -> dict[str, _Columns]: ...

    def count(self, table: str) -> int: ...

    def rows(self, table: str) -> list[Row]: ...


class SqliteSource:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def tables(self) -> dict[str, _Columns]:
        names = [str(row[0]) for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name: _Columns(str(col[1]) for col in self.conn.execute(f'PRAGMA table_info("{name}")'))
            for name in names
            if not name.startswith("sqlite_")
        }

    def count(self, table: str) -> int:
        return int(self.conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])

    def rows(self, table: str) -> list[Row]:
        return list(self.conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall())


class PostgresSource:
    """freqtrade's tables in a PostgreSQL schema, read in one read-only transaction."""

    def __init__(self, conn: psycopg.Connection[dict[str, Any]], schema: str) -> None:
        self.conn = conn
        self.schema = schema

    def tables(self) -> dict[str, _Columns]:
        found = self.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s"
            " ORDER BY table_name, ordinal_position",
            (self.schema,),
        ).fetchall()
        columns: dict[str, list[str]] = {}
        for row in found:
            columns.setdefault(str(row["table_name"]), []).append(str(row["column_name"]))
        return {name: _Columns(names) for name, names in columns.items()}

    def count(self, table: str) -> int:
        row = self.conn.execute(f'SELECT COUNT(*) AS n FROM "{self.schema}"."{table}"').fetchone()
        return int(row["n"]) if row else 0

    def rows(self, table: str) -> list[Row]:
        return list(self.conn.execute(f'SELECT * FROM "{self.schema}"."{table}" ORDER BY id').fetchall())


def source_name(db_url: str) -> str:
    """The source as the import report names it (a file, or a PostgreSQL URL without its password)."""
    if is_postgres_url(db_url):
        return connection_settings(db_url)[2]
    return str(source_path(db_url))


def read_freqtrade(db_url: str) -> FreqtradeHistory:
    """The history in the freqtrade database at ``db_url`` (an SQLite file or PostgreSQL), read
    without writing a byte of it."""
    if not is_postgres_url(db_url):
        return read_freqtrade_file(source_path(db_url))
    conninfo, schema, shown = connection_settings(db_url)
    try:
        with psycopg.connect(conninfo, row_factory=dict_row, connect_timeout=10) as conn:
            conn.read_only = True
            return read_history(PostgresSource(conn, schema))
    except psycopg.Error as exc:
        raise ConfigError(f"{shown} could not be read: {str(exc).strip()}", key="--from") from None


def read_freqtrade_file(path: Path) -> FreqtradeHistory:
    """The history in the freqtrade database file at ``path``, read without writing a byte of it."""
    conn = open_read_only(path)
    try:
        return read_history(SqliteSource(conn))
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"{path} is not a readable SQLite database: {exc}", key="--from") from None
    finally:
        conn.close()


def read_history(source: Source) -> FreqtradeHistory:
    """Everything a freqtrade database holds that ftserver keeps; the rest listed as unmapped."""
    tables = source.tables()
    if "trades" not in tables:
        raise ConfigError("this is not a freqtrade database (it has no 'trades' table)", key="--from")
    history = FreqtradeHistory()
    for name in tables:
        if name not in ("trades", "orders", "pairlocks", "trade_custom_data", "KeyValueStore"):
            history.ignored_tables[name] = source.count(name)
    trades = _read_trades(source, tables["trades"], history)
    if "orders" in tables:
        _read_orders(source, tables["orders"], trades, history)
    history.trades = list(trades.values())
    if "pairlocks" in tables:
        _read_locks(source, tables["pairlocks"], history)
    if "trade_custom_data" in tables:
        _read_custom_data(source, set(trades), history)
    if "KeyValueStore" in tables:
        _read_values(source, history)
    return history


def _rows(source: Source, table: str, history: FreqtradeHistory) -> Iterator[Row]:
    rows = source.rows(table)
    history.source_counts[table] = len(rows)
    yield from rows


def _read_trades(source: Source, cols: _Columns, history: FreqtradeHistory) -> dict[int, Trade]:
    trades: dict[int, Trade] = {}
    for row in _rows(source, "trades", history):
        try:
            trade = _trade(row, cols)
        except (TypeError, ValueError, KeyError) as exc:
            history.unmapped.append(Unmapped("trades", row["id"], str(exc)))
            continue
        assert trade.id is not None
        trades[trade.id] = trade
    return trades


def _required(value: Any, name: str) -> Any:
    if value is None:
        raise ValueError(f"no {name}")
    return value


def _trade(row: Row, cols: _Columns) -> Trade:
    fee_open = float(cols.get(row, "fee_open", "fee", default=0.0))
    fee_close = float(cols.get(row, "fee_close", "fee", default=fee_open))
    amount = float(_required(row["amount"], "amount"))
    stake = float(_required(row["stake_amount"], "stake_amount"))
    stop_loss_pct = cols.get(row, "stop_loss_pct")
    initial_pct = cols.get(row, "initial_stop_loss_pct")
    trailing = cols.get(row, "is_stop_loss_trailing")
    if trailing is None:
        trailing = (stop_loss_pct or 0.0) != (initial_pct or 0.0)
    exit_reason = cols.get(row, "sell_reason", "exit_reason")
    mode = str(cols.get(row, "trading_mode", default="spot")).lower()
    is_open = bool(row["is_open"])
    close_rate = cols.get(row, "close_rate")
    close_profit_abs = cols.get(row, "close_profit_abs")
    open_rate = float(_required(row["open_rate"], "open_rate"))
    if close_profit_abs is None and close_rate is not None and not is_open:
        # As freqtrade's migration fills it for files from before the column existed.
        open_value = cols.get(row, "open_trade_value", default=amount * open_rate * (1 + fee_open))
        close_profit_abs = amount * close_rate * (1 - fee_close) - open_value
    return Trade(
        id=int(row["id"]),
        pair=str(_required(row["pair"], "pair")),
        exchange=str(_required(row["exchange"], "exchange")).lower(),
        strategy=str(cols.get(row, "strategy", default="")),
        timeframe=int(cols.get(row, "timeframe", "ticker_interval", default=0)),
        open_rate=open_rate,
        open_date=_required(_parse_date(row["open_date"]), "open_date"),
        amount=amount,
        stake_amount=stake,
        fee_open=fee_open,
        fee_close=fee_close,
        is_open=is_open,
        is_short=bool(cols.get(row, "is_short", default=False)),
        amount_requested=cols.get(row, "amount_requested", default=amount),
        max_stake_amount=cols.get(row, "max_stake_amount", default=stake),
        open_rate_requested=cols.get(row, "open_rate_requested"),
        fee_open_cost=cols.get(row, "fee_open_cost"),
        fee_open_currency=cols.get(row, "fee_open_currency"),
        fee_close_cost=cols.get(row, "fee_close_cost"),
        fee_close_currency=cols.get(row, "fee_close_currency"),
        close_rate=close_rate,
        close_rate_requested=cols.get(row, "close_rate_requested"),
        close_date=_parse_date(cols.get(row, "close_date")),
        close_profit=cols.get(row, "close_profit"),
        close_profit_abs=close_profit_abs,
        realized_profit=float(cols.get(row, "realized_profit", default=0.0)),
        enter_tag=cols.get(row, "buy_tag", "enter_tag"),
        exit_reason=_OLD_EXIT_REASONS.get(exit_reason, exit_reason),
        exit_order_status=cols.get(row, "exit_order_status", "sell_order_status"),
        stop_loss=cols.get(row, "stop_loss", default=0.0),
        stop_loss_pct=stop_loss_pct,
        initial_stop_loss=cols.get(row, "initial_stop_loss", default=0.0),
        initial_stop_loss_pct=initial_pct,
        is_stop_loss_trailing=bool(trailing),
        max_rate=cols.get(row, "max_rate", default=0.0),
        min_rate=cols.get(row, "min_rate"),
        leverage=float(cols.get(row, "leverage", default=1.0)),
        interest_rate=float(cols.get(row, "interest_rate", default=0.0)),
        liquidation_price=cols.get(row, "liquidation_price", "isolated_liq"),
        trading_mode=TradingMode(mode),
        funding_fees=float(cols.get(row, "funding_fees", default=0.0)),
        amount_precision=cols.get(row, "amount_precision"),
        price_precision=cols.get(row, "price_precision"),
        precision_mode=cols.get(row, "precision_mode"),
    )


def _read_orders(source: Source, cols: _Columns, trades: Mapping[int, Trade], history: FreqtradeHistory) -> None:
    for row in _rows(source, "orders", history):
        trade = trades.get(row["ft_trade_id"])
        if trade is None:
            history.unmapped.append(Unmapped("orders", row["id"], f"its trade {row['ft_trade_id']} was not imported"))
            continue
        try:
            order = _order(row, cols, trade)
        except (TypeError, ValueError, KeyError) as exc:
            history.unmapped.append(Unmapped("orders", row["id"], str(exc)))
            continue
        trade.orders.append(order)


def _order_status(status: Any, is_open: bool, filled: float) -> OrderStatus:
    text = None if status is None else str(status).lower()
    if text in _CANCELED:
        return OrderStatus.CANCELED
    if text == "open" and is_open:
        return OrderStatus.OPEN
    if text in ("closed", "open", None):
        # freqtrade closes dry-run orders it has given up on by its ft_is_open flag alone.
        if not is_open:
            return OrderStatus.CLOSED if filled else OrderStatus.CANCELED
        return OrderStatus.OPEN
    raise ValueError(f"order status '{status}' is not one ftserver knows (open, closed, canceled)")


def _order(row: Row, cols: _Columns, trade: Trade) -> Order:
    amount = cols.get(row, "amount", "ft_amount", default=0.0)
    price = cols.get(row, "price")
    filled = float(cols.get(row, "filled", default=0.0))
    is_open = bool(cols.get(row, "ft_is_open", default=row["status"] == "open"))
    side_text = str(row["ft_order_side"])
    tag = cols.get(row, "ft_order_tag")
    if side_text == "stoploss":
        # A stoploss order on the exchange: when it filled it is the trade's exit; ftserver keeps
        # no stop orders on the exchange, so one that never filled has no place.
        if not filled:
            raise ValueError("a stoploss order on the exchange that never filled (ftserver keeps no such orders)")
        side = trade.exit_side
        tag = tag or "stoploss_on_exchange"
    elif side_text in ("buy", "sell"):
        side = OrderSide(side_text)
    else:
        raise ValueError(f"order side '{side_text}' is not buy, sell or stoploss")
    kind = str(cols.get(row, "order_type", default="limit" if price else "market")).lower()
    order_type = OrderType.LIMIT if "limit" in kind else OrderType.MARKET
    status = _order_status(row["status"], is_open, filled)
    remaining = cols.get(row, "remaining", default=max(float(amount) - filled, 0.0))
    return Order(
        id=int(row["id"]),
        ft_trade_id=_required(trade.id, "trade id"),
        ft_order_side=side,
        ft_pair=str(row["ft_pair"]),
        order_id=str(_required(row["order_id"], "order_id")),
        order_type=order_type,
        side=OrderSide(str(cols.get(row, "side", default=side.value))),
        amount=float(amount),
        price=price,
        status=status,
        filled=filled,
        remaining=float(remaining),
        average=cols.get(row, "average"),
        cost=float(cols.get(row, "cost", default=0.0)),
        order_date=_parse_date(cols.get(row, "order_date")),
        order_filled_date=_parse_date(cols.get(row, "order_filled_date")),
        order_update_date=_parse_date(cols.get(row, "order_update_date")),
        ft_fee_base=cols.get(row, "ft_fee_base"),
        ft_order_tag=tag,
        ft_amount=float(cols.get(row, "ft_amount", "amount", default=0.0)),
        ft_price=float(cols.get(row, "ft_price", "price", default=0.0)),
        leverage=trade.leverage,
    )


def _read_locks(source: Source, cols: _Columns, history: FreqtradeHistory) -> None:
    for row in _rows(source, "pairlocks", history):
        try:
            history.locks.append(
                PairLock(
                    id=int(row["id"]),
                    pair=str(_required(row["pair"], "pair")),
                    lock_time=_required(_parse_date(row["lock_time"]), "lock_time"),
                    lock_end_time=_required(_parse_date(row["lock_end_time"]), "lock_end_time"),
                    reason=row["reason"],
                    side=str(cols.get(row, "side", default="*")),
                    active=bool(row["active"]),
                )
            )
        except (TypeError, ValueError, KeyError) as exc:
            history.unmapped.append(Unmapped("pairlocks", row["id"], str(exc)))


def _custom_value(value_type: str, text: str) -> Any:
    """The value as freqtrade reads it back: plain text for bool/float/int/str, JSON otherwise."""
    if value_type == "bool":
        return text.lower() == "true"
    if value_type == "int":
        return int(text)
    if value_type == "float":
        return float(text)
    if value_type == "str":
        return text
    return json.loads(text)


def _read_custom_data(source: Source, trade_ids: set[int], history: FreqtradeHistory) -> None:
    for row in _rows(source, "trade_custom_data", history):
        if row["ft_trade_id"] not in trade_ids:
            reason = (
                "data not tied to a trade (ftserver keeps custom data per trade)"
                if not row["ft_trade_id"]
                else f"its trade {row['ft_trade_id']} was not imported"
            )
            history.unmapped.append(Unmapped("trade_custom_data", row["id"], reason))
            continue
        try:
            value = _custom_value(str(row["cd_type"]), str(row["cd_value"]))
            history.custom_data.append(
                CustomDataRow(
                    id=int(row["id"]),
                    trade_id=int(row["ft_trade_id"]),
                    key=str(row["cd_key"]),
                    value_type=str(row["cd_type"]),
                    value=json.dumps(value),
                    created_at=_required(_parse_date(row["created_at"]), "created_at"),
                    updated_at=_parse_date(row["updated_at"]),
                )
            )
        except (TypeError, ValueError) as exc:
            history.unmapped.append(Unmapped("trade_custom_data", row["id"], str(exc)))


def _read_values(source: Source, history: FreqtradeHistory) -> None:
    for row in _rows(source, "KeyValueStore", history):
        key, kind = str(row["key"]), str(row["value_type"])
        try:
            if kind == "datetime":
                moment = _required(_parse_date(row["datetime_value"]), "datetime_value")
                value: Any = moment.timestamp() if key in _EPOCH_KEYS else moment.isoformat()
            elif kind in ("str", "float", "int"):
                value = _required(row[f"{'string' if kind == 'str' else kind}_value"], f"{kind} value")
            else:
                raise ValueError(f"value type '{kind}' is not str, datetime, float or int")
        except (TypeError, ValueError) as exc:
            history.unmapped.append(Unmapped("KeyValueStore", row["id"], str(exc)))
            continue
        history.values[key] = value


# ---- export: a new file freqtrade 2026.9 opens without migrating -----------------------------------
# The column set of freqtrade 2026.9's tables (its migrations run when ``trades.record_version``,
# ``pairlocks.side`` or a 50-character ``KeyValueStore.key`` is missing, so all are present).
FREQTRADE_SCHEMA = """
CREATE TABLE trades (
    id INTEGER NOT NULL PRIMARY KEY, exchange VARCHAR(25) NOT NULL, pair VARCHAR(25) NOT NULL,
    base_currency VARCHAR(25), stake_currency VARCHAR(25), is_open BOOLEAN NOT NULL,
    fee_open FLOAT NOT NULL, fee_open_cost FLOAT, fee_open_currency VARCHAR(25),
    fee_close FLOAT NOT NULL, fee_close_cost FLOAT, fee_close_currency VARCHAR(25),
    open_rate FLOAT NOT NULL, open_rate_requested FLOAT, open_trade_value FLOAT,
    close_rate FLOAT, close_rate_requested FLOAT, realized_profit FLOAT, close_profit FLOAT,
    close_profit_abs FLOAT, stake_amount FLOAT NOT NULL, max_stake_amount FLOAT, amount FLOAT NOT NULL,
    amount_requested FLOAT, open_date DATETIME NOT NULL, close_date DATETIME, stop_loss FLOAT,
    stop_loss_pct FLOAT, initial_stop_loss FLOAT, initial_stop_loss_pct FLOAT,
    is_stop_loss_trailing BOOLEAN NOT NULL, max_rate FLOAT, min_rate FLOAT, exit_reason VARCHAR(255),
    exit_order_status VARCHAR(100), strategy VARCHAR(100), enter_tag VARCHAR(255), timeframe INTEGER,
    trading_mode VARCHAR(7), amount_precision FLOAT, price_precision FLOAT, precision_mode INTEGER,
    precision_mode_price INTEGER, contract_size FLOAT, leverage FLOAT, is_short BOOLEAN NOT NULL,
    liquidation_price FLOAT, interest_rate FLOAT NOT NULL, funding_fees FLOAT, funding_fee_running FLOAT,
    record_version INTEGER NOT NULL
);
CREATE INDEX ix_trades_pair ON trades (pair);
CREATE INDEX ix_trades_is_open ON trades (is_open);
CREATE TABLE orders (
    id INTEGER NOT NULL PRIMARY KEY, ft_trade_id INTEGER NOT NULL REFERENCES trades (id),
    ft_order_side VARCHAR(25) NOT NULL, ft_pair VARCHAR(25) NOT NULL, ft_is_open BOOLEAN NOT NULL,
    ft_amount FLOAT NOT NULL, ft_price FLOAT NOT NULL, ft_cancel_reason VARCHAR(255),
    order_id VARCHAR(255) NOT NULL, status VARCHAR(255), symbol VARCHAR(25), order_type VARCHAR(50),
    side VARCHAR(25), price FLOAT, average FLOAT, amount FLOAT, filled FLOAT, remaining FLOAT, cost FLOAT,
    stop_price FLOAT, order_date DATETIME, order_filled_date DATETIME, order_update_date DATETIME,
    funding_fee FLOAT, ft_fee_base FLOAT, ft_order_tag VARCHAR(255),
    CONSTRAINT _order_pair_order_id UNIQUE (ft_pair, order_id)
);
CREATE INDEX ix_orders_ft_is_open ON orders (ft_is_open);
CREATE INDEX ix_orders_ft_trade_id ON orders (ft_trade_id);
CREATE INDEX ix_orders_order_id ON orders (order_id);
CREATE TABLE pairlocks (
    id INTEGER NOT NULL PRIMARY KEY, pair VARCHAR(25) NOT NULL, side VARCHAR(25) NOT NULL,
    reason VARCHAR(255), lock_time DATETIME NOT NULL, lock_end_time DATETIME NOT NULL, active BOOLEAN NOT NULL
);
CREATE INDEX ix_pairlocks_pair ON pairlocks (pair);
CREATE INDEX ix_pairlocks_lock_end_time ON pairlocks (lock_end_time);
CREATE INDEX ix_pairlocks_active ON pairlocks (active);
CREATE TABLE trade_custom_data (
    id INTEGER NOT NULL PRIMARY KEY, ft_trade_id INTEGER REFERENCES trades (id), cd_key VARCHAR(255) NOT NULL,
    cd_type VARCHAR(25) NOT NULL, cd_value TEXT NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME,
    CONSTRAINT _trade_id_cd_key UNIQUE (ft_trade_id, cd_key)
);
CREATE INDEX ix_trade_custom_data_ft_trade_id ON trade_custom_data (ft_trade_id);
CREATE TABLE "KeyValueStore" (
    id INTEGER NOT NULL PRIMARY KEY, "key" VARCHAR(50) NOT NULL, value_type VARCHAR(20) NOT NULL,
    string_value VARCHAR(255), datetime_value DATETIME, float_value DOUBLE, int_value INTEGER
);
CREATE INDEX "ix_KeyValueStore_key" ON "KeyValueStore" ("key");
"""


def _date_text(moment: datetime | None) -> str | None:
    """A date the way freqtrade's SQLAlchemy stores it: naive UTC text with microseconds."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _open_trade_value(trade: Trade) -> float:
    """What entering cost, fee included, in exact decimal arithmetic as freqtrade computes and stores it
    (binary floats can land one unit off in the eighth decimal, which freqtrade shows)."""
    value = Decimal(str(trade.amount)) * Decimal(str(trade.open_rate))
    fees = value * Decimal(str(trade.fee_open))
    return float(value - fees if trade.is_short else value + fees)


def _trade_row(trade: Trade) -> tuple[Any, ...]:
    base, quote = split_pair(trade.pair)
    return (
        trade.id, trade.exchange, trade.pair, base, quote, int(trade.is_open),
        trade.fee_open, trade.fee_open_cost, trade.fee_open_currency,
        trade.fee_close, trade.fee_close_cost, trade.fee_close_currency,
        trade.open_rate, trade.open_rate_requested, _open_trade_value(trade),
        trade.close_rate, trade.close_rate_requested, trade.realized_profit, trade.close_profit,
        trade.close_profit_abs, trade.stake_amount, trade.max_stake_amount, trade.amount,
        trade.amount_requested, _date_text(trade.open_date), _date_text(trade.close_date), trade.stop_loss,
        trade.stop_loss_pct, trade.initial_stop_loss, trade.initial_stop_loss_pct,
        int(trade.is_stop_loss_trailing), trade.max_rate, trade.min_rate, trade.exit_reason,
        trade.exit_order_status, trade.strategy, trade.enter_tag, trade.timeframe,
        trade.trading_mode.name, trade.amount_precision, trade.price_precision, trade.precision_mode,
        trade.precision_mode, 1.0, trade.leverage, int(trade.is_short),
        trade.liquidation_price, trade.interest_rate, trade.funding_fees, 0.0,
        2,
    )  # fmt: skip


def _order_row(order: Order) -> tuple[Any, ...]:
    return (
        order.id, order.ft_trade_id, order.ft_order_side.value, order.ft_pair, int(order.ft_is_open),
        order.ft_amount, order.ft_price, None,
        order.order_id, order.status.value, order.ft_pair, order.order_type.value,
        order.side.value, order.price, order.average, order.amount, order.filled, order.remaining, order.cost,
        None, _date_text(order.order_date), _date_text(order.order_filled_date), _date_text(order.order_update_date),
        0.0, order.ft_fee_base, order.ft_order_tag,
    )  # fmt: skip


# One placeholder per column of freqtrade's tables, in the order the schema above declares them.
_TRADE_MARKS = ", ".join("?" * 51)
_ORDER_MARKS = ", ".join("?" * 26)


def _custom_text(entry: CustomDataRow) -> str:
    """freqtrade's storage of a custom value: plain text for bool/float/int/str, JSON otherwise."""
    if entry.value_type in _PLAIN_TYPES:
        return str(json.loads(entry.value))
    return entry.value


def _value_row(key: str, value: Any) -> tuple[Any, ...] | None:
    if key in _EPOCH_KEYS and isinstance(value, int | float):
        return (key, "datetime", None, _date_text(datetime.fromtimestamp(value, UTC)), None, None)
    if isinstance(value, str):
        return (key, "str", value, None, None, None)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (key, "int", None, None, None, value)
    if isinstance(value, float):
        return (key, "float", None, None, value, None)
    return None


@dataclass(frozen=True, slots=True)
class ExportCounts:
    trades: int
    orders: int
    locks: int
    custom_data: int
    values: int
    # Key/value entries freqtrade's store has no type for (it keeps str, datetime, float, int).
    skipped_values: tuple[str, ...]


def write_freqtrade_file(
    path: Path,
    trades: Sequence[Trade],
    locks: Sequence[PairLock],
    custom_data: Sequence[CustomDataRow],
    values: Mapping[str, Any],
) -> ExportCounts:
    """Write a new freqtrade database at ``path`` (through a temporary file, renamed when complete)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial)
    skipped: list[str] = []
    stored = 0
    try:
        conn.executescript(FREQTRADE_SCHEMA)
        with conn:
            conn.executemany(f"INSERT INTO trades VALUES ({_TRADE_MARKS})", [_trade_row(t) for t in trades])
            conn.executemany(
                f"INSERT INTO orders VALUES ({_ORDER_MARKS})", [_order_row(o) for t in trades for o in t.orders]
            )
            conn.executemany(
                "INSERT INTO pairlocks VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (lock.id, lock.pair, lock.side, lock.reason, _date_text(lock.lock_time),
                     _date_text(lock.lock_end_time), int(lock.active))
                    for lock in locks
                ],
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO trade_custom_data VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (e.id, e.trade_id, e.key, e.value_type, _custom_text(e), _date_text(e.created_at),
                     _date_text(e.updated_at))
                    for e in custom_data
                ],
            )  # fmt: skip
            for key, value in values.items():
                row = _value_row(key, value)
                if row is None:
                    skipped.append(key)
                    continue
                conn.execute(
                    'INSERT INTO "KeyValueStore" ("key", value_type, string_value, datetime_value, float_value, '
                    "int_value) VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
                stored += 1
    except BaseException:
        conn.close()
        partial.unlink(missing_ok=True)
        raise
    conn.close()
    os.replace(partial, path)
    return ExportCounts(
        trades=len(trades),
        orders=sum(len(t.orders) for t in trades),
        locks=len(locks),
        custom_data=len(custom_data),
        values=stored,
        skipped_values=tuple(skipped),
    )
