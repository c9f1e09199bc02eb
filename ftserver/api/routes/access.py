"""API tokens (``POST/GET /api/v1/tokens``, ``DELETE /api/v1/tokens/{id}``) and the audit log
(``GET /api/v1/audit``): admin only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from ftserver.api import keys
from ftserver.api.api_tokens import parse_lifetime
from ftserver.api.openapi import API_V1, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body, parse_query, path_int
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests_access import AuditQuerySchema, CreateApiTokenRequestSchema
from ftserver.rpc.access_port import ApiTokenRecord, AuditEntry
from ftserver.rpc.shapes.access import ApiToken, AuditLog, AuditRecord, CreatedApiToken

_create_body = CreateApiTokenRequestSchema()
_audit_query = AuditQuerySchema()
TAG = "access"
NOT_FOUND = 404

routes = RouteTable(API_V1)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _token_fields(record: ApiTokenRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "role": record.role,
        "created_at": record.created_at.isoformat(),
        "expires_at": _iso(record.expires_at),
        "last_used_at": _iso(record.last_used_at),
        "revoked_at": _iso(record.revoked_at),
    }


def token_shape(record: ApiTokenRecord) -> ApiToken:
    return ApiToken(**_token_fields(record))


def audit_shape(entry: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=entry.id if entry.id is not None else 0,  # entries read back always have their row id
        at=entry.at.isoformat(),
        at_ms=int(entry.at.timestamp() * 1000),
        actor=entry.actor,
        role=entry.role,
        via=entry.via,
        token_name=entry.token_name,
        client=entry.client,
        method=entry.method,
        route=entry.route,
        params=entry.params,
        status=entry.status,
        outcome=entry.outcome,
        trade_id=entry.trade_id,
    )


@routes.post(
    "/tokens",
    op=Operation(
        TAG,
        "Make a long-lived API token with a role",
        CreatedApiToken,
        body=CreateApiTokenRequestSchema,
        role=Role.ADMIN,
        description="The token text is in this answer only; the server keeps a hash of it.",
    ),
)
async def create_api_token(request: web.Request) -> web.Response:
    body = await parse_body(request, _create_body)
    lifetime = parse_lifetime(body["expires"]) if body["expires"] else None
    token, record = await request.app[keys.API_TOKENS].create(
        name=body["name"], role=Role(body["role"]), lifetime=lifetime
    )
    return json_response(CreatedApiToken(**_token_fields(record), token=token))


@routes.get("/tokens", op=Operation(TAG, "API tokens, revoked ones too", ApiToken, many=True, role=Role.ADMIN))
async def list_api_tokens(request: web.Request) -> web.Response:
    return json_response([token_shape(r) for r in await request.app[keys.API_TOKENS].list()])


@routes.delete(
    "/tokens/{tokenid}",
    op=Operation(
        TAG,
        "Revoke an API token: refused from its next request on, its WebSockets closed",
        ApiToken,
        errors=(NOT_FOUND,),
        role=Role.ADMIN,
    ),
)
async def revoke_api_token(request: web.Request) -> web.Response:
    record = await request.app[keys.API_TOKENS].revoke(path_int(request, "tokenid"))
    return json_response(token_shape(record))


@routes.get(
    "/audit",
    op=Operation(
        TAG,
        "The audit log, newest first: every state-changing request and its outcome",
        AuditLog,
        query=AuditQuerySchema,
        role=Role.ADMIN,
    ),
)
async def get_audit_log(request: web.Request) -> web.Response:
    q = parse_query(request, _audit_query)
    since = datetime.fromtimestamp(q["since"] / 1000, UTC) if q["since"] is not None else None
    store = request.app[keys.ACCESS]
    entries = await store.audit(limit=q["limit"], offset=q["offset"], since=since)
    total = await store.count_audit(since=since)
    return json_response(
        AuditLog(entries=[audit_shape(e) for e in entries], total=total, offset=q["offset"], limit=q["limit"])
    )


def setup_access_routes(app: web.Application) -> None:
    routes.register(app)
