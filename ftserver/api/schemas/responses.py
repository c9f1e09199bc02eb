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

from marshmallow import RAISE, Schema, fields, validate

from ftserver.models import BotState, RunMode, TradingMode

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


def one_of(values: Any) -> validate.OneOf:
    return validate.OneOf([str(v) for v in values])


TRADING_MODES = one_of(TradingMode)


# ---- errors ----------------------------------------------------------------------------------
class ErrorSchema(ResponseSchema):
    """Every error body: ``detail`` (what freqtrade clients read), ``error`` (the same), a snake ``code``."""

    detail = fields.String()
    error = fields.String()
    code = fields.String()
    errors = optional(fields.Raw(metadata={"description": "marshmallow's messages per field (422 only)"}))
    request_id = optional(fields.String(metadata={"description": "quoted in the server log (500 only)"}))


# ---- public and small answers ----------------------------------------------------------------
class PingSchema(ResponseSchema):
    status = fields.String(validate=validate.Equal("pong"))


class AccessTokenSchema(ResponseSchema):
    access_token = fields.String()


class AccessAndRefreshTokenSchema(AccessTokenSchema):
    refresh_token = fields.String()


class TokenRevokedSchema(ResponseSchema):
    status = fields.String(validate=validate.Equal("Token revoked"))


class VersionSchema(ResponseSchema):
    version = fields.String()


class UiVersionSchema(ResponseSchema):
    version = fields.String()


class StatusMsgSchema(ResponseSchema):
    """The answer of start, stop, pause and reload_config."""

    status = fields.String()


# ---- system ----------------------------------------------------------------------------------
class ShowConfigSchema(ResponseSchema):
    version = fields.String()
    strategy_version = nullable_str()
    api_version = fields.Float()
    dry_run = fields.Boolean()
    trading_mode = fields.String(validate=TRADING_MODES)
    margin_mode = fields.String()
    short_allowed = fields.Boolean()
    stake_currency = fields.String()
    stake_amount = fields.String(metadata={"description": '"unlimited" or the amount as text'})
    available_capital = nullable_float()
    stake_currency_decimals = integer()
    max_open_trades = fields.Float(metadata={"description": "-1 for no limit"})
    minimal_roi = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True)
    stoploss = nullable_float()
    stoploss_on_exchange = fields.Boolean()
    trailing_stop = fields.Boolean()
    trailing_stop_positive = nullable_float()
    trailing_stop_positive_offset = nullable_float()
    trailing_only_offset_is_reached = fields.Boolean()
    unfilledtimeout = fields.Dict(keys=fields.String())
    order_types = fields.Dict(keys=fields.String())
    use_custom_stoploss = fields.Boolean()
    timeframe = nullable_str()
    timeframe_ms = integer()
    timeframe_min = integer()
    exchange = fields.String()
    demo_trading = fields.Boolean()
    strategy = nullable_str()
    force_entry_enable = fields.Boolean()
    exit_pricing = fields.Dict(keys=fields.String())
    entry_pricing = fields.Dict(keys=fields.String())
    bot_name = fields.String()
    state = fields.String(validate=one_of(BotState))
    runmode = fields.String(validate=one_of(RunMode))
    position_adjustment_enable = fields.Boolean()
    max_entry_position_adjustment = fields.Float()
    # Not in freqtrade's answer: the pairlist chain as configured (each step's method and options).
    pairlists = fields.List(fields.Dict(keys=fields.String()))


class LogsSchema(ResponseSchema):
    log_count = integer()
    logs = fields.List(
        fields.Tuple((fields.String(), fields.Float(), fields.String(), fields.String(), fields.String())),
        metadata={"description": "[date, epoch ms, logger, level, message], oldest first"},
    )


class CpuLoadSchema(ResponseSchema):
    cpu = integer()
    pct = fields.Float()


class CpuLoadAverageSchema(ResponseSchema):
    one = fields.Float(data_key="1m")
    five = fields.Float(data_key="5m")
    fifteen = fields.Float(data_key="15m")


class SysInfoSchema(ResponseSchema):
    cpu_pct = fields.List(fields.Float())
    cpu_load = fields.List(fields.Nested(CpuLoadSchema))
    cpu_load_avg = fields.Nested(CpuLoadAverageSchema)
    cpu_count = integer()
    cpu_avg = fields.Float()
    ram_pct = fields.Float()
    platform = fields.String()


class HealthSchema(ResponseSchema):
    last_process = nullable_str()
    last_process_ts = nullable_int()
    bot_start = nullable_str()
    bot_start_ts = nullable_int()
    bot_startup = nullable_str()
    bot_startup_ts = nullable_int()
