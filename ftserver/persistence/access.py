"""API access records: long-lived API tokens (a hash of each secret, never the secret) and the audit log.

The audit log is append-only: this module has no statement that changes or deletes an entry, and
triggers in the schema refuse any that another tool might run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ftserver.core.clock import Clock
from ftserver.persistence.db import DEFAULT_POOL_SIZE, Database, Row
from ftserver.persistence.rows import epoch_ms, from_ms, to_ms


@dataclass(frozen=True, slots=True)
class ApiTokenRecord:
    id: int
    key: str  # the public part of the token, which finds its row
    secret_hash: str
    name: str
    role: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str  # the username, or the API token's name
    role: str | None
    via: str  # basic | jwt | api_token | ws_token | cli | none
    token_name: str | None
    client: str
    method: str
    route: str  # the route as declared, with its placeholders
    params: dict[str, Any]
    status: int
    outcome: str
    trade_id: int | None = None
    id: int | None = None  # set once stored


_TOKEN_COLUMNS = "id, token_key, secret_hash, name, role, created_at, expires_at, last_used_at, revoked_at"
_AUDIT_COLUMNS = "id, at, actor, role, via, token_name, client, method, route, params, status, outcome, trade_id"


def _token(row: Row) -> ApiTokenRecord:
    created = from_ms(row[5])
    assert created is not None  # NOT NULL column
    return ApiTokenRecord(
        id=row[0],
        key=row[1],
        secret_hash=row[2],
        name=row[3],
        role=row[4],
        created_at=created,
        expires_at=from_ms(row[6]),
        last_used_at=from_ms(row[7]),
        revoked_at=from_ms(row[8]),
    )


def _entry(row: Row) -> AuditEntry:
    at = from_ms(row[1])
    assert at is not None  # NOT NULL column
    return AuditEntry(
        id=row[0],
        at=at,
        actor=row[2],
        role=row[3],
        via=row[4],
        token_name=row[5],
        client=row[6],
        method=row[7],
        route=row[8],
        params=json.loads(row[9]),
        status=row[10],
        outcome=row[11],
        trade_id=row[12],
    )


class AccessRepository:
    """API tokens and audit entries in the trade database; opened and closed with the app.

    It opens its own connections (the trade loop has its own, and webserver mode has no trade loop):
    SQLite in WAL mode serialises the writers of both.
    """

    def __init__(self, db_url: str, clock: Clock, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self._db_url = db_url
        self._pool_size = pool_size
        self._clock = clock
        self._db: Database | None = None

    async def open(self) -> None:
        self._db = await Database.open(self._db_url, pool_size=self._pool_size)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the access repository is not open")
        return self._db

    def _now_ms(self) -> int:
        return epoch_ms(self._clock.now())

    async def add_token(
        self, *, key: str, secret_hash: str, name: str, role: str, expires_at: datetime | None
    ) -> ApiTokenRecord:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO api_tokens (token_key, secret_hash, name, role, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, secret_hash, name, role, self._now_ms(), to_ms(expires_at)),
            )
            token_id = cursor.lastrowid
        record = await self.token(int(token_id or 0))
        assert record is not None
        return record

    async def token(self, token_id: int) -> ApiTokenRecord | None:
        row = await self.db.fetchone(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE id = ?", (token_id,))
        return None if row is None else _token(row)

    async def token_by_key(self, key: str) -> ApiTokenRecord | None:
        row = await self.db.fetchone(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE token_key = ?", (key,))
        return None if row is None else _token(row)

    async def tokens(self) -> list[ApiTokenRecord]:
        return [_token(row) for row in await self.db.fetchall(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens ORDER BY id")]

    async def revoke_token(self, token_id: int) -> ApiTokenRecord | None:
        """Mark the token revoked (once: a second revoke keeps the first time); None when there is none."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (self._now_ms(), token_id)
            )
        return await self.token(token_id)

    async def touch_token(self, token_id: int, at: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (epoch_ms(at), token_id))

    async def append_audit(self, entry: AuditEntry) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"INSERT INTO audit_log ({_AUDIT_COLUMNS.removeprefix('id, ')}) VALUES ({', '.join('?' * 12)})",
                (
                    epoch_ms(entry.at),
                    entry.actor,
                    entry.role,
                    entry.via,
                    entry.token_name,
                    entry.client,
                    entry.method,
                    entry.route,
                    json.dumps(entry.params, separators=(",", ":"), default=str),
                    entry.status,
                    entry.outcome,
                    entry.trade_id,
                ),
            )
            return int(cursor.lastrowid or 0)

    async def audit(self, *, limit: int, offset: int = 0, since: datetime | None = None) -> list[AuditEntry]:
        """Entries newest first; ``since`` keeps those at or after it."""
        since_ms = to_ms(since) if since is not None else -1
        rows = await self.db.fetchall(
            f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE at >= ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (since_ms, limit, offset),
        )
        return [_entry(row) for row in rows]

    async def count_audit(self, *, since: datetime | None = None) -> int:
        since_ms = to_ms(since) if since is not None else -1
        row = await self.db.fetchone("SELECT COUNT(*) FROM audit_log WHERE at >= ?", (since_ms,))
        return int(row[0]) if row is not None else 0
