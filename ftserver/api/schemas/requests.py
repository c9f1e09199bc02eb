"""Request schemas: what each endpoint accepts, with bounds, before anything reaches the bot or the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ftserver.api.request_parsing import SQLITE_MAX_INT
from ftserver.trade_query import SORT_KEYS

PAIR = validate.Length(min=1, max=64)
ORDER_TYPE = validate.OneOf(["market", "limit"])
POSITIVE = validate.Range(min=0, min_inclusive=False)
MAX_CANDLES = 1500


class _Request(Schema):
    class Meta:
        unknown = EXCLUDE  # freqtrade clients send extra keys (e.g. FreqUI's empty strings); ignore them


class MomentField(fields.String):
    """A moment: epoch milliseconds, or an ISO 8601 date or date-time (UTC unless it names an offset)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        text = str(super()._deserialize(value, attr, data, **kwargs)).strip()
        try:
            if text.isdigit():
                return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
            moment = datetime.fromisoformat(text)
        except (ValueError, OverflowError, OSError):
            raise ValidationError("must be epoch milliseconds or an ISO 8601 date, e.g. 2026-03-01") from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _extension(description: str) -> dict[str, str]:
    return {"description": f"ftserver extension: {description}"}


class TradesExportQuerySchema(_Request):
    """Which trades and in which order: freqtrade's ``order_by_id`` and ftserver's filters and sort."""

    order_by_id = fields.Boolean(load_default=True)
    sort = fields.String(
        load_default=None,
        validate=validate.OneOf(SORT_KEYS),
        metadata=_extension("sort by this column (then by id); replaces order_by_id's order"),
    )
    order = fields.String(
        load_default=None,
        validate=validate.OneOf(["asc", "desc"]),
        metadata=_extension("direction of the sort (default asc; without sort, of order_by_id's column)"),
    )
    pair = fields.String(load_default=None, validate=PAIR, metadata=_extension("only this pair"))
    enter_tag = fields.String(
        load_default=None, validate=validate.Length(min=1, max=255), metadata=_extension("only this entry tag")
    )
    exit_reason = fields.String(
        load_default=None, validate=validate.Length(min=1, max=255), metadata=_extension("only this exit reason")
    )
    closed_from = MomentField(
        data_key="from",
        load_default=None,
        metadata=_extension("closed at or after (epoch ms or ISO 8601 date/date-time, UTC)"),
    )
    closed_to = MomentField(
        data_key="to", load_default=None, metadata=_extension("closed before (epoch ms or ISO 8601, UTC)")
    )
    result = fields.String(
        load_default=None,
        validate=validate.OneOf(["win", "loss"]),
        metadata=_extension("win: profit ratio >= 0 (as /profit counts winners); loss: below 0"),
    )
    updated_since = MomentField(
        load_default=None,
        metadata=_extension("trades written at or after this moment (epoch ms), open trades included"),
    )


class TradesQuerySchema(TradesExportQuerySchema):
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=SQLITE_MAX_INT))


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
