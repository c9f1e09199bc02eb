"""Response schemas: the base every outgoing body shares, errors, and the bot-wide answers.

Handlers encode plain data with orjson; these schemas describe that data for the OpenAPI document
and let the tests check real answers against it. They are strict both ways: every declared key is
required (nullable only where ``allow_none``) and an undeclared key is an error (``RAISE``, which
the document renders as ``additionalProperties: false``), so a handler that drops, renames or adds
a field fails the schema test instead of drifting silently.

The other resources live beside this module: ``responses_trades``,
``responses_pairs`` and ``responses_candles``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields

OPTIONAL = "optional"  # metadata flag: a key that is not always sent


class ResponseSchema(Schema):
    """An outgoing JSON object: every key always sent unless marked optional, no key undeclared."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        field_obj.required = not field_obj.metadata.get(OPTIONAL, False)


def optional(field: fields.Field[Any]) -> fields.Field[Any]:
    """Mark ``field`` as a key the body may leave out."""
    field.metadata = {**field.metadata, OPTIONAL: True}
    return field


def nullable_float(**kwargs: Any) -> fields.Float:
    return fields.Float(allow_none=True, **kwargs)


def nullable_int(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, allow_none=True, **kwargs)


def nullable_str(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=True, **kwargs)


def integer(**kwargs: Any) -> fields.Integer:
    """An integer that must be one in the JSON (5.0 or "5" is drift)."""
    return fields.Integer(strict=True, **kwargs)


# ---- errors ----------------------------------------------------------------------------------
class ErrorSchema(ResponseSchema):
    """Every error body: ``detail`` (what freqtrade clients read), ``error`` (the same), a snake ``code``."""

    detail = fields.String()
    error = fields.String()
    code = fields.String()
    errors = optional(fields.Raw(metadata={"description": "marshmallow's messages per field (422 only)"}))
    request_id = optional(fields.String(metadata={"description": "quoted in the server log (500 only)"}))
