"""Request schemas of the webserver mode's job routes (``/pairlists/evaluate``, ``/download_data``).

Shapes and bounds are checked here; the pairlist handlers' own options are checked by the work side
against each handler's declaration, as the config loader does.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ftserver.api.schemas.requests import _Request

TIMEFRAME = validate.Regexp(r"^[1-9][0-9]{0,2}[smhdwM]$", error="Not a timeframe (1m, 5m, 1h, 1d, ...).")


class _ExchangeModeRequest(_Request):
    """freqtrade's exchange/trading mode keys; this server trades spot, so only spot is accepted."""

    exchange = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    trading_mode = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(["spot"], error="This server trades spot only: must be 'spot'."),
    )
    margin_mode = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([""], error="This server trades spot only: no margin mode."),
    )

    @pre_load
    def _empty_is_none(self, data: Any, **kwargs: Any) -> Any:
        # FreqUI sends "" for a select left at its default.
        if isinstance(data, dict):
            return {k: (None if k in ("exchange", "trading_mode") and v == "" else v) for k, v in data.items()}
        return data


class PairlistsEvaluateRequestSchema(_ExchangeModeRequest):
    pairlists = fields.List(fields.Dict(keys=fields.String()), required=True, validate=validate.Length(min=1, max=50))
    blacklist = fields.List(fields.String(validate=validate.Length(max=1000)), required=True)
    stake_currency = fields.String(required=True, validate=validate.Length(min=1, max=20))


class DownloadDataRequestSchema(_ExchangeModeRequest):
    pairs = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        required=True,
        validate=validate.Length(min=1, max=1000),
    )
    timeframes = fields.List(
        fields.String(validate=TIMEFRAME),
        load_default=lambda: ["1m", "5m"],
        allow_none=True,
        validate=validate.Length(min=1, max=20),
    )
    days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=365 * 20))
    timerange = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    erase = fields.Boolean(load_default=False)
    download_trades = fields.Boolean(
        load_default=False, validate=validate.Equal(False, error="This server downloads candles only, not trades.")
    )
    candle_types = fields.List(
        fields.String(validate=validate.OneOf(["spot"], error="This server trades spot only: must be 'spot'.")),
        load_default=None,
        allow_none=True,
    )
    prepend_data = fields.Boolean(
        load_default=False,
        validate=validate.Equal(False, error="Not supported: downloads continue from the newest stored candle."),
    )

    @validates_schema
    def _days_or_timerange(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("days") and data.get("timerange"):
            raise ValidationError("Give either days or timerange, not both.", field_name="timerange")
