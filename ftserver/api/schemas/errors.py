"""The error body every failed request answers with, as the OpenAPI document shows it.

The one response the API builds itself (``api.responses.error_response``) rather than an RPC verb,
and the one with keys that are not always sent: ``errors`` on 422, ``request_id`` on 500. Every
other answer is a wire shape (``ftserver.rpc.shapes``) documented from its dataclass.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields


class ErrorSchema(Schema):
    """``detail`` (what freqtrade clients read), ``error`` (the same), a snake ``code``."""

    class Meta:
        unknown = RAISE  # documented as additionalProperties: false

    detail = fields.String(required=True)
    error = fields.String(required=True)
    code = fields.String(required=True)
    errors = fields.Raw(metadata={"description": "marshmallow's messages per field (422 only)"})
    request_id = fields.String(metadata={"description": "quoted in the server log (500 only)"})
