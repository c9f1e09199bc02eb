"""Response schemas of the access routes: API tokens and the audit log."""

from __future__ import annotations

from marshmallow import fields

from ftserver.api.schemas.requests_access import ROLES
from ftserver.api.schemas.responses import ResponseSchema, nullable_int, nullable_str


class ApiTokenSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String(validate=ROLES)
    created_at = fields.String(metadata={"description": "ISO 8601, UTC"})
    expires_at = nullable_str(metadata={"description": "ISO 8601, UTC; null: never"})
    last_used_at = nullable_str()
    revoked_at = nullable_str()


class CreatedApiTokenSchema(ApiTokenSchema):
    token = fields.String(metadata={"description": "the bearer token; shown only in this answer"})


class AuditEntrySchema(ResponseSchema):
    id = fields.Integer()
    at = fields.String(metadata={"description": "ISO 8601, UTC"})
    at_ms = fields.Integer()
    actor = fields.String(metadata={"description": "the username or the API token's name"})
    role = nullable_str()
    via = fields.String(metadata={"description": "basic, jwt, api_token, ws_token, cli, or none (refused)"})
    token_name = nullable_str()
    client = fields.String()
    method = fields.String()
    route = fields.String()
    params = fields.Dict(keys=fields.String(), metadata={"description": "path, query and body; secrets left out"})
    status = fields.Integer()
    outcome = fields.String()
    trade_id = nullable_int()


class AuditLogSchema(ResponseSchema):
    entries = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Integer()
    offset = fields.Integer()
    limit = fields.Integer()
