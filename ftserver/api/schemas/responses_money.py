"""Response schemas of the money routes: balance, count, profit, performance, stats and periods."""

from __future__ import annotations

from marshmallow import fields

from ftserver.api.schemas.responses import ResponseSchema, integer, nullable_float, nullable_int


class CurrencyBalanceSchema(ResponseSchema):
    currency = fields.String()
    free = fields.Float()
    balance = fields.Float()
    used = fields.Float()
    bot_owned = fields.Float()
    est_stake = fields.Float()
    est_stake_bot = fields.Float()
    stake = fields.String()
    side = fields.String()
    is_position = fields.Boolean()
    position = fields.Float()
    is_bot_managed = fields.Boolean()


class BalanceSchema(ResponseSchema):
    currencies = fields.List(fields.Nested(CurrencyBalanceSchema))
    total = fields.Float()
    total_bot = fields.Float()
    symbol = fields.String()
    value = fields.Float()
    value_bot = fields.Float()
    stake = fields.String()
    note = fields.String()
    starting_capital = fields.Float()
    starting_capital_ratio = fields.Float()
    starting_capital_pct = fields.Float()
    starting_capital_fiat = fields.Float()
    starting_capital_fiat_ratio = fields.Float()
    starting_capital_fiat_pct = fields.Float()


class CountSchema(ResponseSchema):
    current = integer()
    max = integer(metadata={"description": "-1 for no limit"})
    total_stake = fields.Float()


class ProfitSchema(ResponseSchema):
    profit_closed_coin = fields.Float()
    profit_closed_percent_mean = fields.Float()
    profit_closed_ratio_mean = fields.Float()
    profit_closed_percent_sum = fields.Float()
    profit_closed_ratio_sum = fields.Float()
    profit_closed_percent = fields.Float()
    profit_closed_ratio = fields.Float()
    profit_closed_fiat = fields.Float()
    profit_all_coin = fields.Float()
    profit_all_percent_mean = fields.Float()
    profit_all_ratio_mean = fields.Float()
    profit_all_percent_sum = fields.Float()
    profit_all_ratio_sum = fields.Float()
    profit_all_percent = fields.Float()
    profit_all_ratio = fields.Float()
    profit_all_fiat = fields.Float()
    trade_count = integer()
    closed_trade_count = integer()
    first_trade_date = fields.String()
    first_trade_humanized = fields.String()
    first_trade_timestamp = integer()
    latest_trade_date = fields.String()
    latest_trade_humanized = fields.String()
    latest_trade_timestamp = integer()
    avg_duration = fields.String()
    best_pair = fields.String()
    best_rate = fields.Float()
    best_pair_profit_ratio = fields.Float()
    best_pair_profit_abs = fields.Float()
    winning_trades = integer()
    losing_trades = integer()
    profit_factor = nullable_float(metadata={"description": "null without a losing trade"})
    winrate = fields.Float()
    expectancy = fields.Float()
    expectancy_ratio = fields.Float()
    sharpe = fields.Float()
    sortino = fields.Float()
    sqn = fields.Float()
    calmar = fields.Float()
    cagr = fields.Float()
    max_drawdown = fields.Float()
    max_drawdown_abs = fields.Float()
    max_drawdown_start = fields.String()
    max_drawdown_start_timestamp = integer()
    max_drawdown_end = fields.String()
    max_drawdown_end_timestamp = integer()
    current_drawdown = fields.Float()
    current_drawdown_abs = fields.Float()
    current_drawdown_high = fields.Float()
    current_drawdown_start = fields.String()
    current_drawdown_start_timestamp = integer()
    trading_volume = fields.Float()
    bot_start_timestamp = integer()
    bot_start_date = fields.String()


class ProfitAllSchema(ResponseSchema):
    all = fields.Nested(ProfitSchema)
    long = fields.Nested(ProfitSchema, allow_none=True, metadata={"description": "null in spot mode"})
    short = fields.Nested(ProfitSchema, allow_none=True, metadata={"description": "null in spot mode"})


class _PerformanceSchema(ResponseSchema):
    profit_ratio = fields.Float()
    profit_pct = fields.Float()
    profit_abs = fields.Float()
    count = integer()


class PairPerformanceSchema(_PerformanceSchema):
    pair = fields.String()
    profit = fields.Float(metadata={"description": "profit_pct, for old clients"})


class EntryPerformanceSchema(_PerformanceSchema):
    enter_tag = fields.String()


class ExitPerformanceSchema(_PerformanceSchema):
    exit_reason = fields.String()


class MixTagPerformanceSchema(_PerformanceSchema):
    mix_tag = fields.String()


class OutcomeCountSchema(ResponseSchema):
    wins = integer()
    losses = integer()
    draws = integer()


class OutcomeDurationSchema(ResponseSchema):
    wins = nullable_float()
    draws = nullable_float()
    losses = nullable_float()


class StatsSchema(ResponseSchema):
    exit_reasons = fields.Dict(keys=fields.String(), values=fields.Nested(OutcomeCountSchema))
    durations = fields.Nested(OutcomeDurationSchema, metadata={"description": "mean seconds per outcome"})


class HistoricBalanceSchema(ResponseSchema):
    columns = fields.List(fields.String())
    data = fields.List(
        fields.Tuple((fields.String(), integer(), fields.Float())),
        metadata={"description": "rows of [date, epoch ms, total in stake currency]"},
    )
    length = integer()
    capture_start_ts = nullable_int()


class PeriodProfitSchema(ResponseSchema):
    date = fields.Date()
    abs_profit = fields.Float()
    rel_profit = fields.Float()
    starting_balance = fields.Float()
    fiat_value = fields.Float()
    trade_count = integer()


class PeriodsSchema(ResponseSchema):
    """``/daily``, ``/weekly`` and ``/monthly``: newest period first."""

    data = fields.List(fields.Nested(PeriodProfitSchema))
    fiat_display_currency = fields.String()
    stake_currency = fields.String()
