"""Shapes of the access-control answers: API tokens and the audit log (ftserver's own routes)."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ftserver.rpc.shapes import choices, described, shape

ROLE_NAMES = ("read", "trade", "admin")


@shape
class ApiToken:
    """An API token as ``GET /tokens`` lists it (never its text)."""

    id: int
    name: str
    role: str = field(metadata=choices(ROLE_NAMES))
    created_at: str = field(metadata=described("ISO 8601, UTC"))
    expires_at: str | None = field(metadata=described("ISO 8601, UTC; null: never"))
    last_used_at: str | None
    revoked_at: str | None


@shape
class CreatedApiToken(ApiToken):
    """A new API token: the listing's fields and, in this answer only, the token text."""

    token: str = field(metadata=described("the bearer token; shown only in this answer"))


@shape
class AuditRecord:
    id: int
    at: str = field(metadata=described("ISO 8601, UTC"))
    at_ms: int
    actor: str = field(metadata=described("the username, the API token's name, or telegram:<user id> @<username>"))
    role: str | None
    via: str = field(metadata=described("basic, jwt, api_token, ws_token, cli, telegram, or none (refused)"))
    token_name: str | None
    client: str
    method: str
    route: str
    params: dict[str, Any] = field(metadata=described("path, query and body; secrets left out"))
    status: int
    outcome: str
    trade_id: int | None


@shape
class AuditLog:
    entries: list[AuditRecord]
    total: int
    offset: int
    limit: int
