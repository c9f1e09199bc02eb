"""Request schemas: what each endpoint accepts, with bounds, before anything reaches the bot or the database."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ftserver.api.request_parsing import SQLITE_MAX_INT

PAIR = validate.Length(min=1, max=64)
ORDER_TYPE = validate.OneOf(["market", "limit"])
POSITIVE = validate.Range(min=0, min_inclusive=False)
MAX_CANDLES = 1500


class _Request(Schema):
    class Meta:
        unknown = EXCLUDE  # freqtrade clients send extra keys (e.g. FreqUI's empty strings); ignore them


class TradesQuerySchema(_Request):
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=SQLITE_MAX_INT))
    order_by_id = fields.Boolean(load_default=True)


class PairFilterQuerySchema(_Request):
    pair = fields.String(load_default=None, validate=PAIR)


class TimescaleQuerySchema(_Request):
    timescale = fields.Integer(load_default=None, validate=validate.Range(min=1, max=365 * 3))


class LogsQuerySchema(_Request):
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000))


class CustomDataQuerySchema(_Request):
    key = fields.String(load_default=None, validate=validate.Length(min=1, max=255))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=SQLITE_MAX_INT))


class BlacklistDeleteQuerySchema(_Request):
    # As long as a pattern may be (BlacklistRequestSchema): whatever was added can be deleted.
    pairs_to_delete = fields.List(fields.String(validate=validate.Length(max=1000)), load_default=list)


class MarketsQuerySchema(_Request):
    base = fields.String(load_default=None)
    quote = fields.String(load_default=None)
    # Webserver mode only (a trading bot shows its own exchange's markets, as freqtrade does).
    include_inactive = fields.Boolean(load_default=False)
    exchange = fields.String(load_default=None, validate=validate.Length(max=64))


class PlotConfigQuerySchema(_Request):
    strategy = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class PairCandlesQuerySchema(_Request):
    pair = fields.String(required=True, validate=PAIR)
    timeframe = fields.String(required=True, validate=validate.Length(min=2, max=5))
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_CANDLES))


class PairCandlesRequestSchema(PairCandlesQuerySchema):
    columns = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=None)


class AvailablePairsQuerySchema(_Request):
    timeframe = fields.String(load_default=None, validate=validate.Length(max=5))
    stake_currency = fields.String(load_default=None, validate=validate.Length(max=20))
    candletype = fields.String(load_default=None, validate=validate.Length(max=20))


class PairHistoryQuerySchema(_Request):
    pair = fields.String(required=True, validate=PAIR)
    timeframe = fields.String(required=True, validate=validate.Length(min=2, max=5))
    timerange = fields.String(load_default=None, validate=validate.Length(max=40))
    strategy = fields.String(required=True, validate=validate.Length(min=1, max=100))
    freqaimodel = fields.String(load_default=None)


class PairHistoryRequestSchema(PairHistoryQuerySchema):
    columns = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=None)


class ForceEnterRequestSchema(_Request):
    # Numbers are finite (no "Infinity"/"NaN" strings); whether a stake is affordable and within the
    # market's limits is the bot's check (409/400), the same one a computed stake meets.
    pair = fields.String(required=True, validate=PAIR)
    side = fields.String(load_default="long", validate=validate.OneOf(["long", "short"]))
    price = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=POSITIVE)
    ordertype = fields.String(load_default=None, allow_none=True, validate=ORDER_TYPE)
    stakeamount = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=POSITIVE)
    entry_tag = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    # Accepted for freqtrade clients; spot trades ignore it and use 1.0 (logged), as freqtrade does.
    leverage = fields.Float(
        load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=1, max=125)
    )


class TradeIdField(fields.Field[int | str]):
    """A trade id (integer, or its string form) or the string "all"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | str:
        if value == "all":
            return "all"
        if isinstance(value, bool):
            raise ValidationError("must be a trade id or 'all'")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError("must be a trade id or 'all'") from None
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError("must be a whole number")
        if not 0 <= number <= SQLITE_MAX_INT:
            raise ValidationError("is out of range")
        return number


class ForceExitRequestSchema(_Request):
    tradeid = TradeIdField(required=True)
    ordertype = fields.String(load_default=None, allow_none=True, validate=ORDER_TYPE)
    amount = fields.Float(load_default=None, allow_none=True, validate=POSITIVE)
    price = fields.Float(load_default=None, allow_none=True, validate=POSITIVE)


class BlacklistRequestSchema(_Request):
    # Only a bound on the body here: the pattern checks and the list's cap are the bot's settings
    # (exchange.max_blacklist_pattern_length, max_blacklist_entries), reported in the answer's errors.
    blacklist = fields.List(
        fields.String(validate=validate.Length(max=1000)), required=True, validate=validate.Length(max=1000)
    )


class LockRequestSchema(_Request):
    pair = fields.String(required=True, validate=PAIR)
    side = fields.String(load_default="*", validate=validate.OneOf(["*", "long", "short"]))
    until = fields.AwareDateTime(required=True, default_timezone=None)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))


class DeleteLockRequestSchema(_Request):
    pair = fields.String(load_default=None, allow_none=True, validate=PAIR)
    lockid = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=SQLITE_MAX_INT))

    @validates_schema
    def _one_of(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("pair") is None and data.get("lockid") is None:
            raise ValidationError("give a pair or a lockid")
