"""Response schemas of the candle and research routes: analyzed candles, plot config, markets, strategies,
stored pairs and exchanges."""

from __future__ import annotations

from marshmallow import fields, validate

from ftserver.api.schemas.responses import ResponseSchema, integer, nullable_float, nullable_str, optional


class PairCandlesSchema(ResponseSchema):
    """An analyzed frame: ``/pair_candles`` (live) and ``/pair_history`` (stored candles)."""

    strategy = fields.String()
    pair = fields.String()
    timeframe = fields.String()
    timeframe_ms = integer()
    columns = fields.List(fields.String(), metadata={"description": "the names of each data row's values"})
    all_columns = fields.List(fields.String(), metadata={"description": "every column the analysis produced"})
    data = fields.List(
        fields.List(fields.Raw(allow_none=True)),
        metadata={"description": "one row per candle, values in the order of columns; NaN is null"},
    )
    annotations = fields.List(fields.Dict(keys=fields.String()))
    length = integer()
    buy_signals = integer()
    sell_signals = integer()
    enter_long_signals = integer()
    exit_long_signals = integer()
    enter_short_signals = integer()
    exit_short_signals = integer()
    last_analyzed = fields.String()
    last_analyzed_ts = integer()
    data_start_ts = integer()
    data_start = fields.String()
    data_stop = fields.String()
    data_stop_ts = integer()


def _plot_lines() -> fields.Dict:
    """Indicator name -> its plot options (color, type, ...)."""
    return fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String()))


class PlotConfigSchema(ResponseSchema):
    """A strategy's ``plot_config``; ``{}`` when it has none."""

    main_plot = optional(_plot_lines())
    subplots = optional(fields.Dict(keys=fields.String(), values=_plot_lines(), metadata={"description": "per pane"}))


class MarketPrecisionSchema(ResponseSchema):
    amount = nullable_float()
    price = nullable_float()


class MinMaxSchema(ResponseSchema):
    min = nullable_float()
    max = nullable_float()


class MarketLimitsSchema(ResponseSchema):
    amount = fields.Nested(MinMaxSchema)
    cost = fields.Nested(MinMaxSchema)


class MarketSchema(ResponseSchema):
    symbol = fields.String()
    base = fields.String()
    quote = fields.String()
    active = fields.Boolean()
    spot = fields.Boolean()
    swap = fields.Boolean()
    type = fields.String(validate=validate.OneOf(["spot", "swap"]))
    settle = nullable_str()
    precision = fields.Nested(MarketPrecisionSchema)
    limits = fields.Nested(MarketLimitsSchema)
    maker = fields.Float()
    taker = fields.Float()


class MarketsSchema(ResponseSchema):
    markets = fields.Dict(keys=fields.String(), values=fields.Nested(MarketSchema))
    exchange_id = fields.String()


class StrategyListSchema(ResponseSchema):
    strategies = fields.List(fields.String())


class StrategySchema(ResponseSchema):
    strategy = fields.String()
    code = fields.String(metadata={"description": "the strategy file's source"})
    timeframe = nullable_str()
    params = fields.List(fields.Dict(keys=fields.String()))


class AvailablePairsSchema(ResponseSchema):
    length = integer()
    pairs = fields.List(fields.String())
    pair_interval = fields.List(fields.Tuple((fields.String(), fields.String())))


class TradeModeSchema(ResponseSchema):
    trading_mode = fields.String()
    margin_mode = fields.String()


class ExchangeSchema(ResponseSchema):
    name = fields.String()
    classname = fields.String()
    valid = fields.Boolean()
    supported = fields.Boolean()
    comment = fields.String()
    dex = fields.Boolean()
    is_alias = fields.Boolean()
    alias_for = nullable_str()
    trade_modes = fields.List(fields.Nested(TradeModeSchema))


class ExchangesSchema(ResponseSchema):
    exchanges = fields.List(fields.Nested(ExchangeSchema))
