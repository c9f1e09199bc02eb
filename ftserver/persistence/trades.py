"""``TradeRepository``: the only SQL about trades, orders, pair locks, custom data and the key/value store.

Every write commits before the method returns, so the bot may announce a change right after.
``updated_at`` (epoch ms from the clock) is stamped on every trade and order write, and an order
write also stamps its trade, so a later incremental sync can ask for "trades changed since".
Orders are never deleted by a save: dropping one from ``trade.orders`` in memory leaves its row.

Versions for readers that keep answers: this process is the only writer of its database (a
foreign file is refused at open), and every write of trades and orders goes through one
``TradeRepository``, so a counter in memory, moved after each such write has committed (or
failed), tells exactly what changed. A millisecond ``updated_at`` cannot: two writes share one.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ftserver.core.clock import Clock, SystemClock
from ftserver.errors import InvalidRequest, NotFound
from ftserver.models import Order, PairLock, Trade
from ftserver.persistence.db import Database, Row, SortTerm, WriteConnection, sqlite_sort_term
from ftserver.persistence.intents import INTENTS, OrderIntent
from ftserver.persistence.rows import RowMapping, epoch_ms, epoch_us, from_ms, from_us, to_ms, to_us
from ftserver.trade_custom_data import CustomDataEntry, TradeCustomData
from ftserver.trade_query import SORT_KEYS, TradeQuery

_TRADES = RowMapping(
    Trade,
    "trades",
    not_stored=("orders", "custom_data"),
    stamped=("updated_at",),
    shared=(
        "pair",
        "exchange",
        "strategy",
        "fee_open_currency",
        "fee_close_currency",
        "enter_tag",
        "exit_reason",
        "exit_order_status",
    ),
)
_ORDERS = RowMapping(Order, "orders", stamped=("updated_at",), shared=("ft_pair", "ft_order_tag"))
_LOCKS = RowMapping(PairLock, "pairlocks")

# One IN list per chunk keeps under SQLite's bound-parameter limit (32,766) for huge lists.
_IN_LIST_CHUNK = 30_000
_CUSTOM_DATA_COLUMNS = "id, trade_id, key, value_type, value, created_at, updated_at"


@dataclass(frozen=True, slots=True)
class CustomDataRow:
    """One stored custom data entry as it is in the table (``value`` is its JSON text)."""

    trade_id: int
    key: str
    value_type: str
    value: str
    created_at: datetime
    updated_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class OrderSums:
    """What one trade's stored orders add up to (the rules are ``rpc/order_sums.py``'s)."""

    entry_cost: float | None  # None: no entry order filled anything
    volume: float


# Tables a whole history lives in, children first (the order to empty them in).
_HISTORY_TABLES = ("trade_custom_data", "order_intents", "orders", "trades", "pairlocks")


def _to_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRequest(f"{what} must be JSON-serialisable ({type(value).__name__} given): {exc}") from None


def _custom_data_entry(row: Row) -> dict[str, Any]:
    return {
        "id": row[0],
        "key": row[2],
        "type": row[3],
        "value": json.loads(row[4]),
        "created_at": from_us(row[5]),
        "updated_at": from_us(row[6]),
    }


async def _write_custom_data(
    conn: WriteConnection, trade_id: int, writes: list[CustomDataEntry], deletes: list[str]
) -> None:
    for key in deletes:
        await conn.execute("DELETE FROM trade_custom_data WHERE trade_id = ? AND key = ?", (trade_id, key))
    for entry in writes:
        entry.ft_trade_id = trade_id
        await conn.execute(
            "INSERT INTO trade_custom_data (trade_id, key, value, value_type, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trade_id, key) DO UPDATE SET "
            "value = excluded.value, value_type = excluded.value_type, updated_at = excluded.updated_at",
            (
                trade_id,
                entry.cd_key,
                entry.cd_value,
                entry.cd_type,
                epoch_us(entry.created_at),
                to_us(entry.updated_at),
            ),
        )


async def _is_closed(conn: WriteConnection, trade_id: int) -> bool:
    async with conn.execute("SELECT is_open FROM trades WHERE id = ?", (trade_id,)) as cursor:
        row = await cursor.fetchone()
    return row is not None and not row[0]


async def _insert_keeping_ids(
    conn: WriteConnection, mapping: RowMapping[Any], rows: Sequence[tuple[int | None, list[Any]]]
) -> None:
    """Rows brought from another database keep their ids; a row without one gets a new id."""
    await conn.executemany(mapping.insert_keeping_id_sql, [[*values, id_] for id_, values in rows if id_ is not None])
    # After the rows with ids: a new id is then past every id given.
    await conn.executemany(mapping.insert_sql, [values for id_, values in rows if id_ is None])


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


# A history's sort keys as SQL over the trades table; each has an index led by ``is_open`` (migration 5).
_SORT_SQL: dict[str, str] = {
    "id": "id",
    "pair": "pair",
    "open_date": "open_date",
    "close_date": "close_date",
    "profit_ratio": "close_profit",
    "profit_abs": "close_profit_abs",
    "stake_amount": "stake_amount",
    "duration": "(close_date - open_date)",
}
assert set(_SORT_SQL) == set(SORT_KEYS)


def history_where(query: TradeQuery) -> tuple[str, list[Any]]:
    """The WHERE condition (and its parameters) of the trades ``query`` matches."""
    conditions: list[str] = []
    params: list[Any] = []
    if query.updated_since is None:
        conditions.append("is_open = 0")
    else:
        conditions.append("updated_at >= ?")
        params.append(epoch_ms(query.updated_since))
    for column, value in (("pair", query.pair), ("enter_tag", query.enter_tag), ("exit_reason", query.exit_reason)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    if query.closed_from is not None:
        conditions.append("close_date >= ?")
        params.append(epoch_ms(query.closed_from))
    if query.closed_to is not None:
        conditions.append("close_date < ?")
        params.append(epoch_ms(query.closed_to))
    if query.result == "win":
        # /profit counts a trade without a ratio as 0, a winner: the two counts must add up.
        conditions.append("(close_profit >= 0 OR close_profit IS NULL)")
    elif query.result == "loss":
        conditions.append("close_profit < 0")
    return " AND ".join(conditions), params


def history_order(query: TradeQuery, sort_term: SortTerm = sqlite_sort_term) -> str:
    """The ORDER BY list: the sort key, then the id in the same direction, so pages never overlap.

    ``sort_term``: the database's (``Database.sort_term``), so NULLs sort alike on every backend.
    """
    direction = " DESC" if query.descending else ""
    column = _SORT_SQL[query.sort]
    if column == "id":
        return f"id{direction}"
    return f"{sort_term(column, descending=query.descending)}, id{direction}"


class TradeRepository:
    """One per database: the write counter below is only exact while every write goes through it."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        # Moves once per write of trades or orders; never goes back (see the module docstring).
        self._writes = 0
        # The counter at the newest write that touched a closed trade (closed it, changed it,
        # reopened it or deleted it): what is computed over closed trades is valid while it stays.
        self._closed_version = 0
        # By trade id: the counter at the trade's newest write in this process (none: 0, as loaded).
        # Bounded by the number of trades stored; a deleted trade's entry goes with it.
        self._trade_versions: dict[int, int] = {}
        # The updated_at stamps of writes begun and not yet committed (or failed), with their count.
        self._in_flight: Counter[int] = Counter()

    def _stamp(self) -> int:
        """The ``updated_at`` of a write about to start; it is in flight until ``_written``."""
        now = self._now_ms()
        self._in_flight[now] += 1
        return now

    def _written(self, trade_ids: Sequence[int | None], *, touched_closed: bool, stamp: int | None = None) -> None:
        """Count a write of ``trade_ids`` that has committed or failed (a failed one may have changed
        anything it was about to, so it counts as touching closed trades)."""
        if stamp is not None:
            self._in_flight[stamp] -= 1
            if not self._in_flight[stamp]:
                del self._in_flight[stamp]
        self._writes += 1
        for trade_id in trade_ids:
            if trade_id is not None:
                self._trade_versions[trade_id] = self._writes
        if touched_closed:
            self._closed_version = self._writes

    @property
    def writes(self) -> int:
        """How many writes of trades and orders this repository has made (committed or failed)."""
        return self._writes

    def trade_version(self, trade_id: int) -> int:
        """The write counter at the trade's newest write in this process; 0 if not written since it started."""
        return self._trade_versions.get(trade_id, 0)

    def closed_trades_version(self) -> int:
        """Moves when a trade closes, or a closed trade is changed, reopened or deleted.

        Not when an open trade is written (a trailing stop moving every few seconds), so what is
        computed over the closed trades stays valid meanwhile. Exact, and no query.
        """
        return self._closed_version

    def _now_ms(self) -> int:
        return epoch_ms(self.clock.now())

    def sync_point(self) -> datetime:
        """A moment to ask ``updated_since`` from next time, taken before reading the trades.

        Every trade written after the read that follows is stamped at or after it: a write stamps
        ``updated_at`` before it waits for its transaction, so one in flight now (unseen by the
        read, committed later) holds it back to that stamp.
        """
        return from_ms(min([self._now_ms(), *self._in_flight])) or self.clock.now()

    @property
    def write_failure(self) -> str | None:
        """Why the database cannot be written, while the last write failed for that reason."""
        return self.db.write_failure

    async def probe_write(self) -> None:
        await self.db.probe_write()

    # ---- trades: writes -----------------------------------------------------------------------
    async def save_trade(self, trade: Trade, *, settles: OrderIntent | None = None) -> Trade:
        """Insert or update the trade and all of its orders in one transaction.

        Sets ``trade.id``, every order's ``id`` and ``ft_trade_id``, and ``trade.updated_at``. If the
        write fails, the ids the object had before are put back, so a retry inserts again.
        ``settles``: the intent of the order this save books, deleted in the same transaction.
        """
        before = (trade.id, [(o.id, o.ft_trade_id) for o in trade.orders])
        was_closed = False
        writes, deletes = trade.custom_data.take_pending()
        now = self._stamp()  # in flight from here: every path below ends in _written
        try:
            async with self.db.transaction() as conn:
                if trade.id is None:
                    cursor = await conn.execute(_TRADES.insert_sql, _TRADES.values(trade, now))
                    assert cursor.lastrowid is not None  # an INSERT into a rowid table always has one
                    trade.id = cursor.lastrowid
                else:
                    was_closed = await _is_closed(conn, trade.id)
                    cursor = await conn.execute(_TRADES.update_sql, [*_TRADES.values(trade, now), trade.id])
                    if cursor.rowcount == 0:
                        raise NotFound(f"Trade {trade.id} does not exist (deleted?); it cannot be updated")
                for order in trade.orders:
                    order.ft_trade_id = trade.id
                await self._write_orders(conn, trade.orders, now)
                if settles is not None and settles.id is not None:
                    await conn.execute("DELETE FROM order_intents WHERE id = ?", (settles.id,))
                await _write_custom_data(conn, trade.id, writes, deletes)
        except BaseException:
            trade.custom_data.restore_pending(writes, deletes)
            self._written([trade.id, before[0]], touched_closed=True, stamp=now)
            trade.id = before[0]
            for order, (order_id, ft_trade_id) in zip(trade.orders, before[1], strict=False):
                order.id, order.ft_trade_id = order_id, ft_trade_id
            raise
        self._written([trade.id], touched_closed=was_closed or not trade.is_open, stamp=now)
        trade.updated_at = from_ms(now)
        return trade

    async def save_order(self, order: Order) -> Order:
        """Insert or update one order of an already stored trade (``order.ft_trade_id``)."""
        if not order.ft_trade_id:
            raise InvalidRequest(f"Order {order.order_id} has no ft_trade_id: save its trade first")
        before = order.id
        now = self._stamp()
        try:
            async with self.db.transaction() as conn:
                async with conn.execute(
                    "UPDATE trades SET updated_at = ? WHERE id = ? RETURNING is_open", (now, order.ft_trade_id)
                ) as cursor:
                    stamped = await cursor.fetchone()
                if stamped is None:
                    raise NotFound(f"Trade {order.ft_trade_id} of order {order.order_id} does not exist")
                await self._write_orders(conn, [order], now)
        except BaseException:
            self._written([order.ft_trade_id], touched_closed=True, stamp=now)
            order.id = before
            raise
        self._written([order.ft_trade_id], touched_closed=not stamped[0], stamp=now)
        return order

    async def _write_orders(self, conn: WriteConnection, orders: Sequence[Order], now: int) -> None:
        known = [order for order in orders if order.id is not None]
        if known:
            # The ft_trade_id guard stops an order id from silently moving to another trade.
            cursor = await conn.executemany(
                f"{_ORDERS.update_sql} AND ft_trade_id = ?",
                [[*_ORDERS.values(order, now), order.id, order.ft_trade_id] for order in known],
            )
            if cursor.rowcount != len(known):
                ids = ", ".join(str(order.id) for order in known)
                raise NotFound(f"Some of orders {ids} do not exist or belong to another trade; nothing was saved")
        # New orders one by one: each needs its id back.
        for order in orders:
            if order.id is None:
                cursor = await conn.execute(_ORDERS.insert_sql, _ORDERS.values(order, now))
                order.id = cursor.lastrowid

    # ---- order intents ------------------------------------------------------------------------
    async def add_intent(self, intent: OrderIntent) -> OrderIntent:
        """Commit an order about to be placed (sets ``intent.id``)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(INTENTS.insert_sql, INTENTS.values(intent))
        intent.id = cursor.lastrowid
        return intent

    async def drop_intent(self, intent: OrderIntent) -> None:
        """Forget an intent whose order was not placed (or was booked some other way)."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM order_intents WHERE id = ?", (intent.id,))

    async def pending_intents(self) -> list[OrderIntent]:
        """Intents whose order was never booked, oldest first."""
        rows = await self.db.fetchall(f"SELECT {INTENTS.select_list} FROM order_intents ORDER BY id")
        return [INTENTS.build(row) for row in rows]

    async def delete_trade(self, trade_id: int) -> bool:
        """Delete a trade with its orders and custom data. False when there was no such trade."""
        try:
            async with (
                self.db.transaction() as conn,
                conn.execute("DELETE FROM trades WHERE id = ? RETURNING is_open", (trade_id,)) as cursor,
            ):
                deleted = await cursor.fetchone()
        except BaseException:
            self._written([trade_id], touched_closed=True)
            raise
        self._written([trade_id], touched_closed=deleted is not None and not deleted[0])
        self._trade_versions.pop(trade_id, None)
        return deleted is not None

    # ---- trades: reads ------------------------------------------------------------------------
    async def _select_trades(self, tail: str = "ORDER BY id", params: Sequence[Any] = ()) -> list[Trade]:
        trades: list[Trade] = []
        async for rows in self.db.fetch_batches(f"SELECT {_TRADES.select_list} FROM trades {tail}", params):
            trades += [_TRADES.build(row) for row in rows]
        return trades

    async def _attach_orders(self, trades: list[Trade]) -> list[Trade]:
        """Load the orders of all ``trades`` with one query (ordered by order id)."""
        if not trades:
            return trades
        by_id = {trade.id: trade for trade in trades}
        ids = list(by_id)
        for start in range(0, len(ids), _IN_LIST_CHUNK):
            chunk = ids[start : start + _IN_LIST_CHUNK]
            rows = await self.db.fetchall(
                f"SELECT {_ORDERS.select_list} FROM orders WHERE ft_trade_id IN ({_placeholders(len(chunk))}) "
                "ORDER BY id",
                chunk,
            )
            for row in rows:
                order = _ORDERS.build(row)
                by_id[order.ft_trade_id].orders.append(order)
        return trades

    async def get_trade(self, trade_id: int) -> Trade | None:
        trades = await self._attach_orders(await self._select_trades("WHERE id = ?", (trade_id,)))
        return (await self._attach_custom_data(trades))[0] if trades else None

    async def open_trades(self) -> list[Trade]:
        trades = await self._attach_orders(await self._select_trades("WHERE is_open = 1 ORDER BY id"))
        return await self._attach_custom_data(trades)

    async def _attach_custom_data(self, trades: list[Trade]) -> list[Trade]:
        """Load the custom data of ``trades`` (one query), for strategies to read back."""
        ids = [trade.id for trade in trades if trade.id is not None]
        if not ids:
            return trades
        rows = await self.db.fetchall(
            f"SELECT {_CUSTOM_DATA_COLUMNS} FROM trade_custom_data WHERE trade_id IN ({_placeholders(len(ids))}) "
            "ORDER BY id",
            ids,
        )
        grouped: dict[int, list[CustomDataEntry]] = {}
        for row in rows:
            entry = _custom_data_entry(row)
            grouped.setdefault(row[1], []).append(
                CustomDataEntry(
                    row[1],
                    entry["key"],
                    entry["type"],
                    entry["value"],
                    entry["created_at"],
                    entry["updated_at"],
                    row[0],
                )
            )
        for trade in trades:
            trade.custom_data = TradeCustomData(grouped.get(trade.id or 0, ()), now=self.clock.now)
        return trades

    async def save_custom_data(self, trade: Trade) -> None:
        """Store what the strategy set or deleted on a saved trade since its last save."""
        if trade.id is None or not trade.custom_data.pending:
            return
        writes, deletes = trade.custom_data.take_pending()
        try:
            async with self.db.transaction() as conn:
                await _write_custom_data(conn, trade.id, writes, deletes)
        except BaseException:
            trade.custom_data.restore_pending(writes, deletes)
            raise

    async def trades_page_versions(
        self, limit: int, offset: int = 0, *, order_by_id: bool = True, query: TradeQuery | None = None
    ) -> tuple[list[tuple[int, int, bool]], int]:
        """One page of trades as ``(id, trade_version, is_open)``, and how many trades match in all.

        ``query`` (default: freqtrade's order, ``order_by_id``): filters and sort; without
        ``updated_since`` closed trades only, as freqtrade's /trades (open trades are /status's).
        A reader holding answers per trade version asks this first and loads only what it lacks
        (``trades_by_ids``): two columns off an index instead of 500 trades with their orders. Each
        version is read after the page's rows, so a trade loaded after this call is at least as new
        as its version.
        """
        if limit < 0 or offset < 0:
            raise InvalidRequest(f"limit and offset must not be negative (limit={limit}, offset={offset})")
        query = query or TradeQuery.freqtrade(order_by_id=order_by_id)
        where, params = history_where(query)
        # Sort ids only (off an index: see migration 5), then load the page's full rows: sorting
        # whole rows of every trade would cost several times more at 10,000 trades.
        order = history_order(query, self.db.sort_term)
        rows = await self.db.fetchall(
            f"SELECT id, is_open FROM trades WHERE id IN"
            f" (SELECT id FROM trades WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
            [*params, limit, offset],
        )
        counted = await self.db.fetchone(f"SELECT COUNT(*) FROM trades WHERE {where}", params)
        total = int(counted[0]) if counted else 0
        return [(int(row[0]), self.trade_version(int(row[0])), bool(row[1])) for row in rows], total

    async def trade_ids(self, query: TradeQuery) -> array[int]:
        """The ids of every trade ``query`` matches, in its order: 8 bytes a trade, one short read.

        For an export that then loads the rows a batch at a time (``trades_in_order``) between
        writes to a slow client: a cursor held open meanwhile would keep the shared read
        connection's snapshot, so every other read would see stale data until the export ended.
        """
        where, params = history_where(query)
        ids: array[int] = array("q")
        async for rows in self.db.fetch_batches(
            f"SELECT id FROM trades WHERE {where} ORDER BY {history_order(query, self.db.sort_term)}", params, size=5000
        ):
            ids.extend(int(row[0]) for row in rows)
        return ids

    async def trades_in_order(self, trade_ids: Sequence[int]) -> list[Trade]:
        """The trades with these ids (without orders), in the order given; ids not stored are left out."""
        by_id: dict[int, Trade] = {}
        ids = list(trade_ids)
        for start in range(0, len(ids), _IN_LIST_CHUNK):
            chunk = ids[start : start + _IN_LIST_CHUNK]
            for trade in await self._select_trades(f"WHERE id IN ({_placeholders(len(chunk))})", chunk):
                by_id[trade.id or 0] = trade
        return [by_id[trade_id] for trade_id in ids if trade_id in by_id]

    async def trades_by_ids(self, trade_ids: Sequence[int]) -> list[Trade]:
        """The trades with these ids and their orders, in id order; ids not stored are left out."""
        trades: list[Trade] = []
        ids = list(dict.fromkeys(trade_ids))
        for start in range(0, len(ids), _IN_LIST_CHUNK):
            chunk = ids[start : start + _IN_LIST_CHUNK]
            trades += await self._select_trades(f"WHERE id IN ({_placeholders(len(chunk))}) ORDER BY id", chunk)
        trades.sort(key=lambda trade: trade.id or 0)
        return await self._attach_orders(trades)

    async def closed_trades(self, *, pair: str | None = None, with_orders: bool = False) -> list[Trade]:
        """Closed trades, oldest close first; their orders only when asked for (else ``orders == []``)."""
        if pair is None:
            trades = await self._select_trades("WHERE is_open = 0 ORDER BY close_date, id")
        else:
            trades = await self._select_trades("WHERE is_open = 0 AND pair = ? ORDER BY close_date, id", (pair,))
        return await self._attach_orders(trades) if with_orders else trades

    async def closed_trade_order_sums(self) -> dict[int, OrderSums]:
        """Per closed trade with orders: the cost of its filled entry orders and of its closed orders.

        The same sums as ``rpc.order_sums`` over loaded orders, taken in SQL so that statistics over
        every closed trade need not hold every order in memory.
        """
        rows = await self.db.fetchall(
            "SELECT o.ft_trade_id,"
            " SUM(CASE WHEN o.ft_order_side = (CASE WHEN t.is_short <> 0 THEN 'sell' ELSE 'buy' END) AND o.filled > 0"
            "  THEN o.filled * COALESCE(o.average, o.price, o.ft_price) / COALESCE(NULLIF(t.leverage, 0), 1) END),"
            " SUM(CASE WHEN o.status = 'closed' AND o.order_filled_date IS NOT NULL THEN o.cost ELSE 0 END)"
            " FROM orders o JOIN trades t ON t.id = o.ft_trade_id WHERE t.is_open = 0 GROUP BY o.ft_trade_id"
        )
        return {int(row[0]): OrderSums(None if row[1] is None else float(row[1]), float(row[2] or 0.0)) for row in rows}

    async def all_trades(self, *, pair: str | None = None, with_orders: bool = False) -> list[Trade]:
        """Every trade (of ``pair``) by id; orders only when asked for."""
        if pair is None:
            trades = await self._select_trades()
        else:
            trades = await self._select_trades("WHERE pair = ? ORDER BY id", (pair,))
        return await self._attach_orders(trades) if with_orders else trades

    async def count_trades(self, *, is_open: bool | None = None) -> int:
        if is_open is None:
            row = await self.db.fetchone("SELECT COUNT(*) FROM trades")
        else:
            row = await self.db.fetchone("SELECT COUNT(*) FROM trades WHERE is_open = ?", (int(is_open),))
        return int(row[0]) if row else 0

    async def first_trade_open_date(self) -> datetime | None:
        row = await self.db.fetchone("SELECT MIN(open_date) FROM trades")
        return from_ms(row[0]) if row else None

    # ---- pair locks ---------------------------------------------------------------------------
    async def add_lock(self, lock: PairLock) -> PairLock:
        """Store a new lock and set its id."""
        if lock.id is not None:
            raise InvalidRequest(f"Lock {lock.id} is already stored; use save_lock to change it")
        async with self.db.transaction() as conn:
            cursor = await conn.execute(_LOCKS.insert_sql, _LOCKS.values(lock))
        lock.id = cursor.lastrowid
        return lock

    async def save_lock(self, lock: PairLock) -> PairLock:
        """Insert a new lock or update a stored one (to deactivate it, for example)."""
        if lock.id is None:
            return await self.add_lock(lock)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(_LOCKS.update_sql, [*_LOCKS.values(lock), lock.id])
            if cursor.rowcount == 0:
                raise NotFound(f"Lock {lock.id} does not exist")
        return lock

    async def get_lock(self, lock_id: int) -> PairLock | None:
        row = await self.db.fetchone(f"SELECT {_LOCKS.select_list} FROM pairlocks WHERE id = ?", (lock_id,))
        return None if row is None else _LOCKS.build(row)

    async def active_locks(self, now: datetime, pair: str | None = None) -> list[PairLock]:
        """Active locks ending after ``now``; with ``pair``, the locks on that pair and on every pair ("*")."""
        sql = f"SELECT {_LOCKS.select_list} FROM pairlocks WHERE active = 1 AND lock_end_time > ?"
        params: list[Any] = [to_ms(now)]
        if pair is not None:
            sql += " AND pair IN (?, '*')"
            params.append(pair)
        rows = await self.db.fetchall(sql + " ORDER BY id", params)
        return [_LOCKS.build(row) for row in rows]

    async def locks(self, *, active_only: bool = True, now: datetime | None = None) -> list[PairLock]:
        """Active locks at ``now`` (default: the clock's now), or every lock ever stored."""
        if active_only:
            return await self.active_locks(now or self.clock.now())
        rows = await self.db.fetchall(f"SELECT {_LOCKS.select_list} FROM pairlocks ORDER BY id")
        return [_LOCKS.build(row) for row in rows]

    # ---- key/value ----------------------------------------------------------------------------
    async def get_value(self, key: str, default: Any = None) -> Any:
        row = await self.db.fetchone("SELECT value FROM kv_store WHERE key = ?", (key,))
        return default if row is None else json.loads(row[0])

    async def set_value(self, key: str, value: Any) -> None:
        encoded = _to_json(value, f"Value for key '{key}'")
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO kv_store (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, encoded),
            )

    # ---- custom data --------------------------------------------------------------------------
    async def set_custom_data(self, trade_id: int, key: str, value: Any) -> None:
        """Store ``value`` (JSON) under ``key`` for a trade; ``type`` reports its Python type name."""
        encoded = _to_json(value, f"Custom data '{key}'")
        now = epoch_us(self.clock.now())
        async with self.db.transaction() as conn:
            # Asked first (the single writer: nothing deletes it in between) rather than read from
            # each backend's own foreign key error.
            async with conn.execute("SELECT 1 FROM trades WHERE id = ?", (trade_id,)) as cursor:
                if await cursor.fetchone() is None:
                    raise NotFound(f"Trade {trade_id} does not exist; cannot store custom data '{key}'")
            await conn.execute(
                "INSERT INTO trade_custom_data (trade_id, key, value, value_type, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (trade_id, key) DO UPDATE SET "
                "value = excluded.value, value_type = excluded.value_type, updated_at = excluded.created_at",
                (trade_id, key, encoded, type(value).__name__, now),
            )

    async def custom_data(self, trade_id: int, key: str | None = None) -> list[dict[str, Any]]:
        """``[{id, key, type, value, created_at, updated_at}]`` of one trade, value decoded, in id order."""
        sql = f"SELECT {_CUSTOM_DATA_COLUMNS} FROM trade_custom_data WHERE trade_id = ?"
        params: list[Any] = [trade_id]
        if key is not None:
            sql += " AND key = ?"
            params.append(key)
        return [_custom_data_entry(row) for row in await self.db.fetchall(sql + " ORDER BY id", params)]

    async def open_trades_custom_data(self, key: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        """``[{trade_id, custom_data: [...]}]`` for a page (by id) of open trades; trades without data are left out."""
        if limit < 0 or offset < 0:
            raise InvalidRequest(f"limit and offset must not be negative (limit={limit}, offset={offset})")
        id_rows = await self.db.fetchall(
            "SELECT id FROM trades WHERE is_open = 1 ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
        )
        trade_ids = [row[0] for row in id_rows]
        if not trade_ids:
            return []
        sql = (
            f"SELECT {_CUSTOM_DATA_COLUMNS} FROM trade_custom_data WHERE trade_id IN ({_placeholders(len(trade_ids))})"
        )
        params: list[Any] = list(trade_ids)
        if key is not None:
            sql += " AND key = ?"
            params.append(key)
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in await self.db.fetchall(sql + " ORDER BY trade_id, id", params):
            grouped.setdefault(row[1], []).append(_custom_data_entry(row))
        return [{"trade_id": tid, "custom_data": grouped[tid]} for tid in trade_ids if tid in grouped]

    # ---- whole histories (import from and export to other databases) ---------------------------
    async def stored_counts(self) -> dict[str, int]:
        """Rows per table of the trade history: trades, orders, pairlocks, trade_custom_data."""
        counts: dict[str, int] = {}
        for table in ("trades", "orders", "pairlocks", "trade_custom_data"):
            row = await self.db.fetchone(f"SELECT COUNT(*) FROM {table}")
            counts[table] = int(row[0]) if row else 0
        return counts

    async def import_history(
        self,
        trades: Sequence[Trade],
        locks: Sequence[PairLock],
        custom_data: Sequence[CustomDataRow],
        values: Mapping[str, Any],
        *,
        replace: bool = False,
    ) -> None:
        """Write a history brought from another database in one transaction, keeping every id.

        ``replace``: the stored history (trades, orders, locks, custom data, order intents) is
        deleted first, in the same transaction; otherwise an id already stored fails the whole write.
        """
        now = self._stamp()
        try:
            async with self.db.transaction() as conn:
                if replace:
                    for table in _HISTORY_TABLES:
                        await conn.execute(f"DELETE FROM {table}")
                await _insert_keeping_ids(conn, _TRADES, [(t.id, _TRADES.values(t, now)) for t in trades])
                await _insert_keeping_ids(
                    conn, _ORDERS, [(o.id, _ORDERS.values(o, now)) for t in trades for o in t.orders]
                )
                await _insert_keeping_ids(conn, _LOCKS, [(lock.id, _LOCKS.values(lock)) for lock in locks])
                await conn.executemany(
                    "INSERT INTO trade_custom_data (trade_id, key, value_type, value, created_at, updated_at, id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (e.trade_id, e.key, e.value_type, e.value, epoch_us(e.created_at), to_us(e.updated_at), e.id)
                        for e in custom_data
                    ],
                )
                await conn.executemany(
                    "INSERT INTO kv_store (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [(key, _to_json(value, f"Value for key '{key}'")) for key, value in values.items()],
                )
        finally:
            self._written([trade.id for trade in trades], touched_closed=True, stamp=now)
        for trade in trades:
            trade.updated_at = from_ms(now)

    async def all_custom_data(self) -> list[CustomDataRow]:
        """Every custom data entry of every trade, by id."""
        rows = await self.db.fetchall(f"SELECT {_CUSTOM_DATA_COLUMNS} FROM trade_custom_data ORDER BY id")
        return [
            CustomDataRow(
                trade_id=row[1],
                key=row[2],
                value_type=row[3],
                value=row[4],
                created_at=from_us(row[5]) or datetime.min,
                updated_at=from_us(row[6]),
                id=row[0],
            )
            for row in rows
        ]

    async def all_values(self) -> dict[str, Any]:
        """The whole key/value store, values decoded."""
        rows = await self.db.fetchall("SELECT key, value FROM kv_store ORDER BY key")
        return {str(row[0]): json.loads(row[1]) for row in rows}
