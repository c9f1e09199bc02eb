"""Request schemas of the access routes: making an API token, paging the audit log."""

from __future__ import annotations

from marshmallow import fields, validate

from ftserver.api.request_parsing import SQLITE_MAX_INT
from ftserver.api.schemas.requests import _Request

ROLES = validate.OneOf(["read", "trade", "admin"])


class CreateApiTokenRequestSchema(_Request):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    role = fields.String(required=True, validate=ROLES)
    expires = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "lifetime: a number and m, h, d or w (90d); null: never expires"},
    )


class AuditQuerySchema(_Request):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=SQLITE_MAX_INT))
    since = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=SQLITE_MAX_INT),
        metadata={"description": "only entries at or after this time (epoch milliseconds)"},
    )
