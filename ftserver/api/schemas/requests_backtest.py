"""Request schemas of the webserver mode's backtest routes.

A strategy name from a caller never carries ``:`` (freqtrade refuses ``Name:base64``, a strategy's
source embedded in its name), and is at most 100 characters.
"""

from __future__ import annotations

from marshmallow import fields, validate

from ftserver.api.schemas.requests import _Request
from ftserver.api.schemas.requests_jobs import TIMEFRAME

STRATEGY_NAME = validate.And(
    validate.Length(min=1, max=100),
    validate.Regexp(r"^[^:]*$", error="base64 encoded strategies are not allowed."),
)


class BacktestHistoryResultQuerySchema(_Request):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))
    strategy = fields.String(required=True, validate=STRATEGY_NAME)


class BacktestNotesRequestSchema(_Request):
    strategy = fields.String(required=True, validate=STRATEGY_NAME)
    notes = fields.String(load_default="", validate=validate.Length(max=10_000))


class BacktestFreqaiRequestSchema(_Request):
    identifier = fields.String(required=True)


class BacktestRequestSchema(_Request):
    """``POST /backtest``: what the run overrides of the configuration (None: the configuration's value)."""

    strategy = fields.String(required=True, validate=STRATEGY_NAME)
    timeframe = fields.String(load_default=None, allow_none=True, validate=TIMEFRAME)
    timeframe_detail = fields.String(load_default=None, allow_none=True, validate=TIMEFRAME)
    timerange = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    max_open_trades = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=-1))
    stake_amount = fields.Raw(
        load_default=None,
        allow_none=True,
        metadata={"description": "a number, or 'unlimited'", "oneOf": [{"type": "number"}, {"type": "string"}]},
    )
    enable_protections = fields.Boolean(required=True)
    dry_run_wallet = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0))
    backtest_cache = fields.String(load_default=None, allow_none=True)
    freqaimodel = fields.String(load_default=None, allow_none=True)
    freqai = fields.Nested(BacktestFreqaiRequestSchema, load_default=None, allow_none=True)


class LookaheadAnalysisRequestSchema(_Request):
    strategy = fields.String(required=True, validate=STRATEGY_NAME)
    timeframe = fields.String(load_default=None, allow_none=True, validate=TIMEFRAME)
    timerange = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    minimum_trade_amount = fields.Integer(load_default=10, validate=validate.Range(min=1, max=10_000))
    targeted_trade_amount = fields.Integer(load_default=20, validate=validate.Range(min=1, max=10_000))
    lookahead_allow_limit_orders = fields.Boolean(load_default=False)


class RecursiveAnalysisRequestSchema(_Request):
    strategy = fields.String(required=True, validate=STRATEGY_NAME)
    timeframe = fields.String(load_default=None, allow_none=True, validate=TIMEFRAME)
    timerange = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    startup_candle = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=100_000)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=20),
    )
