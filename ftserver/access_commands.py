"""``ftserver token create|list|revoke``: API tokens in the configured database, without a running server.

Each change is written to the audit log too (who: ``cli``), as the API's changes are.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Mapping
from datetime import timedelta

from ftserver.api.api_tokens import ApiTokens, parse_lifetime
from ftserver.api.principal import Role
from ftserver.config import Settings
from ftserver.core.clock import SystemClock
from ftserver.persistence.access import AccessRepository, ApiTokenRecord, AuditEntry


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


def _describe(record: ApiTokenRecord) -> str:
    expires = record.expires_at.isoformat() if record.expires_at else "never"
    used = record.last_used_at.isoformat() if record.last_used_at else "never"
    state = f"revoked {record.revoked_at.isoformat()}" if record.revoked_at else "active"
    return (
        f"{record.id:>4}  {record.name:<20} {record.role:<6} created {record.created_at.isoformat()}  "
        f"expires {expires}  last used {used}  {state}"
    )


async def _audit(
    repo: AccessRepository, clock: SystemClock, route: str, params: Mapping[str, object], outcome: str
) -> None:
    await repo.append_audit(
        AuditEntry(
            at=clock.now(),
            actor=f"cli:{_os_user()}",
            role=None,
            via="cli",
            token_name=None,
            client="local",
            method="CLI",
            route=route,
            params=dict(params),
            status=0,
            outcome=outcome,
        )
    )


def create_token(settings: Settings, *, name: str, role: str, expires: str | None) -> int:
    lifetime: timedelta | None = parse_lifetime(expires) if expires else None
    clock = SystemClock()

    async def run() -> tuple[str, ApiTokenRecord]:
        repo = AccessRepository(settings.db_url, clock)
        await repo.open()
        try:
            made = await ApiTokens(repo, clock).create(name=name, role=Role(role), lifetime=lifetime)
            params = {"name": name, "role": role, "expires": expires, "id": made[1].id}
            await _audit(repo, clock, "token create", params, "created")
            return made
        finally:
            await repo.close()

    token, record = asyncio.run(run())
    print(token)
    print(f"API token {record.id} {record.name!r} ({record.role}) made; it is shown only now.")
    return 0


def list_tokens(settings: Settings) -> int:
    clock = SystemClock()

    async def run() -> list[ApiTokenRecord]:
        repo = AccessRepository(settings.db_url, clock)
        await repo.open()
        try:
            return await repo.tokens()
        finally:
            await repo.close()

    for record in asyncio.run(run()):
        print(_describe(record))
    return 0


def revoke_token(settings: Settings, token_id: int) -> int:
    clock = SystemClock()

    async def run() -> ApiTokenRecord:
        repo = AccessRepository(settings.db_url, clock)
        await repo.open()
        try:
            record = await ApiTokens(repo, clock).revoke(token_id)
            await _audit(repo, clock, "token revoke", {"id": token_id}, "revoked")
            return record
        finally:
            await repo.close()

    print(_describe(asyncio.run(run())))
    return 0
