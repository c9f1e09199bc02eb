"""Response schemas of the webserver mode's backtest routes: a backtest's status (with its result once
there is one), the stored results' history lines, and the market-change and wallet tables."""

from __future__ import annotations

from marshmallow import fields

from ftserver.api.schemas.responses import ResponseSchema, nullable_float, nullable_int, nullable_str, optional


class BacktestStatusSchema(ResponseSchema):
    status = fields.String(
        metadata={"description": "not_started, running, ended, error, reset, not_running or stopping"}
    )
    running = fields.Boolean()
    status_msg = fields.String()
    step = fields.String()
    progress = fields.Float()
    trade_count = optional(nullable_float())
    backtest_result = optional(
        fields.Dict(
            keys=fields.String(),
            allow_none=True,
            metadata={"description": "freqtrade's result: metadata, strategy and strategy_comparison"},
        )
    )


class BacktestHistoryEntrySchema(ResponseSchema):
    filename = fields.String(metadata={"description": "the result file's name without its suffix"})
    strategy = fields.String()
    run_id = fields.String()
    backtest_start_time = fields.Integer(metadata={"description": "when the backtest ran (seconds)"})
    notes = nullable_str()
    backtest_start_ts = nullable_int(metadata={"description": "start of the backtested range (seconds)"})
    backtest_end_ts = nullable_int(metadata={"description": "end of the backtested range (seconds)"})
    timeframe = nullable_str()
    timeframe_detail = nullable_str()


class BacktestTableSchema(ResponseSchema):
    columns = fields.List(fields.String())
    length = fields.Integer()
    data = fields.List(fields.List(fields.Raw(allow_none=True)))


class WalletHistorySchema(BacktestTableSchema):
    capture_start_ts = optional(nullable_int())
