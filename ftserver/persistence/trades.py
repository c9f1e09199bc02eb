"""``TradeRepository``: the only SQL about trades, orders, locks, custom data and the key/value store.

Every write commits before the method returns, so the bot can announce a change right after.
Row <-> dataclass mapping is derived once from the dataclass fields: datetimes are stored as epoch
milliseconds, enums as their values, booleans as integers.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, get_type_hints

import aiosqlite

from ftserver.core.clock import Clock, SystemClock
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, PairLock, Trade, TradingMode
from ftserver.persistence.db import Database


def _to_ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def _from_ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


class _Mapping:
    """Column list and converters for one dataclass, computed once."""

    def __init__(self, cls: type, *, skip: Iterable[str] = ()) -> None:
        hints = get_type_hints(cls)
        skipped = {"id", *skip}
        self.cls = cls
        self.columns = [f.name for f in dataclasses.fields(cls) if f.name not in skipped]
        self._decoders: dict[str, Any] = {}
        self._encoders: dict[str, Any] = {}
        for name in self.columns:
            hint = str(hints[name])
            if "datetime" in hint:
                self._encoders[name], self._decoders[name] = _to_ms, _from_ms
            elif "bool" in hint:
                self._encoders[name], self._decoders[name] = int, bool
            else:
                for enum_cls in (OrderSide, OrderStatus, OrderType, TradingMode):
                    if enum_cls.__name__ in hint:
                        self._decoders[name] = enum_cls
        self.select = ", ".join(["id", *self.columns])
        self.insert_sql = (
            f"INSERT INTO {{table}} ({', '.join(self.columns)}, updated_at) "
            f"VALUES ({', '.join('?' for _ in self.columns)}, ?)"
        )
        self.update_sql = (
            f"UPDATE {{table}} SET {', '.join(f'{c} = ?' for c in self.columns)}, updated_at = ? WHERE id = ?"
        )

    def values(self, obj: Any) -> list[Any]:
        out = []
        for name in self.columns:
            value = getattr(obj, name)
            encoder = self._encoders.get(name)
            if encoder is not None and value is not None:
                value = encoder(value)
            elif isinstance(value, enum.Enum):
                value = value.value
            out.append(value)
        return out

    def build(self, row: aiosqlite.Row, **extra: Any) -> Any:
        kwargs = {"id": row[0]}
        for index, name in enumerate(self.columns, start=1):
            value = row[index]
            decoder = self._decoders.get(name)
            if decoder is not None and value is not None:
                value = decoder(value)
            kwargs[name] = value
        kwargs.update(extra)
        return self.cls(**kwargs)


_TRADE = _Mapping(Trade, skip=("orders", "updated_at"))
_ORDER = _Mapping(Order)
_LOCK = _Mapping(PairLock)


class TradeRepository:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    # ---- trades ------------------------------------------------------------------------------
    async def save_trade(self, trade: Trade) -> Trade:
        """Insert or update the trade and all of its orders in one transaction."""
        now = self._now_ms()
        async with self.db.transaction() as conn:
            if trade.id is None:
                cursor = await conn.execute(_TRADE.insert_sql.format(table="trades"), [*_TRADE.values(trade), now])
                trade.id = cursor.lastrowid
            else:
                await conn.execute(_TRADE.update_sql.format(table="trades"), [*_TRADE.values(trade), now, trade.id])
            for order in trade.orders:
                order.ft_trade_id = trade.id or 0
                await self._write_order(conn, order, now)
        trade.updated_at = _from_ms(now)
        return trade

    async def _write_order(self, conn: aiosqlite.Connection, order: Order, now: int) -> None:
        if order.id is None:
            cursor = await conn.execute(_ORDER.insert_sql.format(table="orders"), [*_ORDER.values(order), now])
            order.id = cursor.lastrowid
        else:
            await conn.execute(_ORDER.update_sql.format(table="orders"), [*_ORDER.values(order), now, order.id])

    async def save_order(self, order: Order) -> Order:
        now = self._now_ms()
        async with self.db.transaction() as conn:
            await self._write_order(conn, order, now)
            await conn.execute("UPDATE trades SET updated_at = ? WHERE id = ?", (now, order.ft_trade_id))
        return order

    async def _with_orders(self, trades: list[Trade]) -> list[Trade]:
        if not trades:
            return trades
        by_id = {t.id: t for t in trades}
        placeholders = ", ".join("?" for _ in by_id)
        rows = await self.db.fetchall(
            f"SELECT {_ORDER.select} FROM orders WHERE ft_trade_id IN ({placeholders}) ORDER BY id", list(by_id)
        )
        for row in rows:
            order = _ORDER.build(row)
            by_id[order.ft_trade_id].orders.append(order)
        return trades

    async def _trades(self, where: str = "", params: Sequence[Any] = (), tail: str = "ORDER BY id") -> list[Trade]:
        rows = await self.db.fetchall(f"SELECT {_TRADE.select} FROM trades {where} {tail}", params)
        return [_TRADE.build(row, orders=[]) for row in rows]

    async def get_trade(self, trade_id: int) -> Trade | None:
        trades = await self._with_orders(await self._trades("WHERE id = ?", (trade_id,)))
        return trades[0] if trades else None

    async def open_trades(self) -> list[Trade]:
        return await self._with_orders(await self._trades("WHERE is_open = 1"))

    async def trades_page(self, limit: int, offset: int = 0, *, order_by_id: bool = True) -> tuple[list[Trade], int]:
        """A page of trades with their orders, and the total number of trades.

        ``order_by_id``: ascending ids (freqtrade's default); otherwise open trades first, then the
        most recently closed.
        """
        order = "ORDER BY id" if order_by_id else "ORDER BY close_date IS NOT NULL, close_date DESC, id DESC"
        page = await self._trades("", (limit, offset), f"{order} LIMIT ? OFFSET ?")
        total = await self.count_trades()
        return await self._with_orders(page), total

    async def closed_trades(self, *, pair: str | None = None) -> list[Trade]:
        if pair is None:
            return await self._trades("WHERE is_open = 0", (), "ORDER BY close_date, id")
        return await self._trades("WHERE is_open = 0 AND pair = ?", (pair,), "ORDER BY close_date, id")

    async def all_trades(self, *, pair: str | None = None, with_orders: bool = False) -> list[Trade]:
        trades = await (self._trades("WHERE pair = ?", (pair,)) if pair else self._trades())
        return await self._with_orders(trades) if with_orders else trades

    async def count_trades(self, *, is_open: bool | None = None) -> int:
        if is_open is None:
            row = await self.db.fetchone("SELECT COUNT(*) FROM trades")
        else:
            row = await self.db.fetchone("SELECT COUNT(*) FROM trades WHERE is_open = ?", (int(is_open),))
        return int(row[0]) if row else 0

    async def realized_profit_total(self) -> float:
        row = await self.db.fetchone("SELECT COALESCE(SUM(realized_profit), 0) FROM trades")
        return float(row[0]) if row else 0.0

    async def delete_trade(self, trade_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM trades WHERE id = ?", (trade_id,))
            return (cursor.rowcount or 0) > 0

    async def first_trade_open_date(self) -> datetime | None:
        row = await self.db.fetchone("SELECT MIN(open_date) FROM trades")
        return _from_ms(row[0]) if row and row[0] is not None else None

    # ---- locks -------------------------------------------------------------------------------
    async def add_lock(self, lock: PairLock) -> PairLock:
        return await self.save_lock(lock)

    async def save_lock(self, lock: PairLock) -> PairLock:
        values = _LOCK.values(lock)
        async with self.db.transaction() as conn:
            if lock.id is None:
                cursor = await conn.execute(
                    f"INSERT INTO pairlocks ({', '.join(_LOCK.columns)}) VALUES ({', '.join('?' for _ in values)})",
                    values,
                )
                lock.id = cursor.lastrowid
            else:
                await conn.execute(
                    f"UPDATE pairlocks SET {', '.join(f'{c} = ?' for c in _LOCK.columns)} WHERE id = ?",
                    [*values, lock.id],
                )
        return lock

    async def get_lock(self, lock_id: int) -> PairLock | None:
        row = await self.db.fetchone(f"SELECT {_LOCK.select} FROM pairlocks WHERE id = ?", (lock_id,))
        return _LOCK.build(row) if row else None

    async def active_locks(self, now: datetime, pair: str | None = None) -> list[PairLock]:
        sql = f"SELECT {_LOCK.select} FROM pairlocks WHERE active = 1 AND lock_end_time > ?"
        params: list[Any] = [_to_ms(now)]
        if pair is not None:
            sql += " AND pair IN (?, '*')"
            params.append(pair)
        rows = await self.db.fetchall(sql + " ORDER BY id", params)
        return [_LOCK.build(row) for row in rows]

    async def locks(self, *, active_only: bool = True, now: datetime | None = None) -> list[PairLock]:
        if active_only:
            return await self.active_locks(now or self.clock.now())
        rows = await self.db.fetchall(f"SELECT {_LOCK.select} FROM pairlocks ORDER BY id")
        return [_LOCK.build(row) for row in rows]

    # ---- key/value ---------------------------------------------------------------------------
    async def get_value(self, key: str, default: Any = None) -> Any:
        row = await self.db.fetchone("SELECT value FROM kv_store WHERE key = ?", (key,))
        return json.loads(row[0]) if row else default

    async def set_value(self, key: str, value: Any) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO kv_store (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # ---- custom data -------------------------------------------------------------------------
    async def set_custom_data(self, trade_id: int, key: str, value: Any) -> None:
        now = self._now_ms()
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO trade_custom_data (ft_trade_id, cd_key, cd_type, cd_value, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(ft_trade_id, cd_key) DO UPDATE SET "
                "cd_type = excluded.cd_type, cd_value = excluded.cd_value, updated_at = ?",
                (trade_id, key, type(value).__name__, json.dumps(value), now, now),
            )

    async def custom_data(self, trade_id: int, key: str | None = None) -> list[dict[str, Any]]:
        sql = (
            "SELECT id, cd_key, cd_type, cd_value, created_at, updated_at FROM trade_custom_data WHERE ft_trade_id = ?"
        )
        params: list[Any] = [trade_id]
        if key is not None:
            sql += " AND cd_key = ?"
            params.append(key)
        rows = await self.db.fetchall(sql + " ORDER BY id", params)
        return [
            {
                "id": row[0],
                "key": row[1],
                "type": row[2],
                "value": json.loads(row[3]),
                "created_at": _from_ms(row[4]),
                "updated_at": _from_ms(row[5]),
            }
            for row in rows
        ]

    async def open_trades_custom_data(self, key: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(
            "SELECT id FROM trades WHERE is_open = 1 ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
        )
        result = []
        for row in rows:
            data = await self.custom_data(row[0], key)
            if data:
                result.append({"trade_id": row[0], "custom_data": data})
        return result
