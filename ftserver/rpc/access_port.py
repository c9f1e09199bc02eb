"""What the API's access control stores: API tokens and audit entries (``persistence.access``).

``persistence.access.AccessRepository`` satisfies it; the API reaches it through its own app key, in
both run modes (the audit log and tokens do not need the bot).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ftserver.persistence.access import ApiTokenRecord, AuditEntry

__all__ = ["AccessStore", "ApiTokenRecord", "AuditEntry"]


class AccessStore(Protocol):
    async def add_token(
        self, *, key: str, secret_hash: str, name: str, role: str, expires_at: datetime | None
    ) -> ApiTokenRecord: ...

    async def token(self, token_id: int) -> ApiTokenRecord | None: ...

    async def token_by_key(self, key: str) -> ApiTokenRecord | None: ...

    async def tokens(self) -> list[ApiTokenRecord]: ...

    async def revoke_token(self, token_id: int) -> ApiTokenRecord | None:
        """Mark it revoked (the first time counts); None when there is no such token."""
        ...

    async def touch_token(self, token_id: int, at: datetime) -> None: ...

    async def append_audit(self, entry: AuditEntry) -> int: ...

    async def audit(self, *, limit: int, offset: int = 0, since: datetime | None = None) -> list[AuditEntry]:
        """Newest first."""
        ...

    async def count_audit(self, *, since: datetime | None = None) -> int: ...
