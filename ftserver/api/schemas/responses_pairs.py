"""Response schemas of the pair routes: whitelist, blacklist, locks and the available pair lists."""

from __future__ import annotations

from marshmallow import fields, validate

from ftserver.api.schemas.responses import ResponseSchema, integer, nullable_str


class WhitelistSchema(ResponseSchema):
    whitelist = fields.List(fields.String())
    length = integer()
    method = fields.List(fields.String())


class BlacklistErrorSchema(ResponseSchema):
    error_msg = fields.String()


class BlacklistSchema(ResponseSchema):
    blacklist = fields.List(fields.String(), metadata={"description": "as configured: pairs or patterns"})
    blacklist_expanded = fields.List(fields.String(), metadata={"description": "the markets the patterns match"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(BlacklistErrorSchema),
        metadata={"description": "patterns refused by this request: {pattern: {error_msg}}"},
    )
    length = integer()
    method = fields.List(fields.String())


class LockSchema(ResponseSchema):
    id = integer()
    active = fields.Boolean()
    lock_end_time = fields.String()
    lock_end_timestamp = integer()
    lock_time = fields.String()
    lock_timestamp = integer()
    pair = fields.String()
    side = fields.String(validate=validate.OneOf(["*", "long", "short"]))
    reason = nullable_str()


class LocksSchema(ResponseSchema):
    lock_count = integer()
    locks = fields.List(fields.Nested(LockSchema))


class PairlistHandlerSchema(ResponseSchema):
    name = fields.String()
    is_pairlist_generator = fields.Boolean()
    params = fields.Dict(keys=fields.String())
    description = fields.String()
    supports_backtesting = fields.String()


class PairlistsSchema(ResponseSchema):
    pairlists = fields.List(fields.Nested(PairlistHandlerSchema))
