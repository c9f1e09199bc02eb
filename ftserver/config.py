"""Configuration: JSON files with comments, merged left to right, then FTSERVER__* environment
variables, then command-line overrides; validated by marshmallow schemas into frozen ``Settings``.

A wrong type, an out-of-range value or a missing required key raises ``ConfigError`` naming the
full key path (``api_server.listen_port``). Unknown keys are kept and logged as warnings.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ftserver.data.timeframes import is_timeframe
from ftserver.data.timerange import parse_date
from ftserver.errors import ConfigError, InvalidRequest

log = logging.getLogger(__name__)

ENV_PREFIX = "FTSERVER__"
REDACTED = "REDACTED"
_SECRET_WORDS = ("secret", "password", "token")
_SECRET_KEYS = {"key", "uid", "private_key", "apikey", "api_key"}


# ---- strict scalar fields ------------------------------------------------------------------------
class StrictBool(fields.Boolean):
    """Only real JSON booleans (marshmallow would accept "yes" and 1)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean (use true or false).")
        return value


class StrictNumber(fields.Float):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Not a number.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictInt(fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class StakeAmount(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | str:
        if value == "unlimited":
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValidationError('Must be a positive number or "unlimited".')
        return float(value)


class NumberOrMapping(fields.Field):
    """``dry_run_wallet``: a number, or {currency: number}."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | dict[str, float]:
        if isinstance(value, dict):
            for currency, amount in value.items():
                if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
                    raise ValidationError(f"Amount for {currency} must be a non-negative number.")
            return {str(k): float(v) for k, v in value.items()}
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValidationError("Must be a non-negative number or an object of currency: amount.")
        return float(value)


class StringOrList(fields.Field):
    """``ws_token``: one string or a list of strings."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | list[str]:
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise ValidationError("Must be a string or a list of strings.")


class Timeframe(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not is_timeframe(text):
            raise ValidationError(f"'{text}' is not a timeframe (e.g. 1m, 5m, 1h, 1d).")
        return text


class RoiTable(fields.Dict):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), values=StrictNumber(), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, float]:
        table = super()._deserialize(value, attr, data, **kwargs)
        for key in table:
            try:
                if float(key) < 0:
                    raise ValueError
            except ValueError:
                raise ValidationError(f"ROI key '{key}' must be a number of minutes.") from None
        return table


def _nested(schema: type[Schema], **kwargs: Any) -> fields.Nested:
    return fields.Nested(schema, load_default=lambda: schema().load({}), **kwargs)


def _choice(*values: str, default: str | None) -> fields.String:
    return fields.String(load_default=default, validate=validate.OneOf(values))


class _Section(Schema):
    error_messages = {"type": "Must be a JSON object."}

    class Meta:
        # Unknown keys are kept (a newer config still loads on an older server) and reported
        # separately with their full path; nothing reads them.
        unknown = INCLUDE


class UnfilledTimeoutSchema(_Section):
    entry = StrictNumber(load_default=10, validate=validate.Range(min=0))
    exit = StrictNumber(load_default=10, validate=validate.Range(min=0))
    unit = _choice("minutes", "seconds", default="minutes")
    exit_timeout_count = StrictInt(load_default=0, validate=validate.Range(min=0))


class DepthOfMarketSchema(_Section):
    enabled = StrictBool(load_default=False)
    bids_to_ask_delta = StrictNumber(load_default=1)


class EntryPricingSchema(_Section):
    price_side = _choice("same", "bid", "ask", "other", default="same")
    use_order_book = StrictBool(load_default=True)
    order_book_top = StrictInt(load_default=1, validate=validate.Range(min=1, max=50))
    price_last_balance = StrictNumber(load_default=0.0, validate=validate.Range(min=0, max=1))
    check_depth_of_market = _nested(DepthOfMarketSchema)


class ExitPricingSchema(_Section):
    price_side = _choice("same", "bid", "ask", "other", default="same")
    use_order_book = StrictBool(load_default=True)
    order_book_top = StrictInt(load_default=1, validate=validate.Range(min=1, max=50))


class OrderTypesSchema(_Section):
    entry = _choice("limit", "market", default="limit")
    exit = _choice("limit", "market", default="limit")
    emergency_exit = _choice("limit", "market", default="market")
    force_entry = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["limit", "market"]))
    force_exit = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["limit", "market"]))
    stoploss = _choice("limit", "market", default="market")
    stoploss_on_exchange = StrictBool(load_default=False)


class TimeInForceSchema(_Section):
    entry = _choice("GTC", "FOK", "IOC", "PO", default="GTC")
    exit = _choice("GTC", "FOK", "IOC", "PO", default="GTC")


class UtcDate(fields.String):
    """A moment written as a timerange side is: YYYYMMDD, YYYYMMDDHHMM or epoch seconds (kept as text)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_date(text)
        except InvalidRequest as exc:
            raise ValidationError(exc.message) from None
        return text


class ReplaySchema(_Section):
    """``exchange.sim.replay``: serve stored candle files instead of generated candles."""

    enabled = StrictBool(load_default=True)
    exchange = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1))
    datadir = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1))
    start = UtcDate(load_default=None, allow_none=True)

    @validates_schema
    def _needs_a_folder(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("enabled", True) and not data.get("exchange") and not data.get("datadir"):
            raise ValidationError(
                "Name the exchange whose stored candles to replay (its folder under <user_data_dir>/data/), "
                "or set datadir.",
                field_name="exchange",
            )


class SimSchema(_Section):
    seed = StrictInt(load_default=42)
    pairs = fields.List(fields.String(), load_default=None, allow_none=True)
    volatility = StrictNumber(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    history_days = StrictInt(load_default=30, validate=validate.Range(min=1, max=400))
    replay = fields.Nested(ReplaySchema, load_default=None, allow_none=True)


class ExchangeSchema(_Section):
    name = fields.String(required=True, validate=validate.Length(min=1))
    key = fields.String(load_default="")
    secret = fields.String(load_default="")
    password = fields.String(load_default="")
    uid = fields.String(load_default="")
    ccxt_config = fields.Dict(load_default=dict)
    ccxt_async_config = fields.Dict(load_default=dict)
    pair_whitelist = fields.List(fields.String(), load_default=list)
    pair_blacklist = fields.List(fields.String(), load_default=list)
    markets_refresh_interval = StrictInt(load_default=60, validate=validate.Range(min=0))
    sim = _nested(SimSchema)


class PairlistSchema(_Section):
    method = fields.String(required=True, validate=validate.OneOf(["StaticPairList"]))


class ProtectionSchema(_Section):
    method = fields.String(required=True, validate=validate.OneOf(["CooldownPeriod"]))
    stop_duration_candles = StrictInt(load_default=None, allow_none=True, validate=validate.Range(min=0))
    stop_duration = StrictNumber(load_default=None, allow_none=True, validate=validate.Range(min=0))


class InternalsSchema(_Section):
    process_throttle_secs = StrictNumber(load_default=5, validate=validate.Range(min=0, min_inclusive=False))
    heartbeat_interval = StrictNumber(load_default=60, validate=validate.Range(min=0))
    log_buffer_size = StrictInt(load_default=1000, validate=validate.Range(min=10, max=100_000))


class ApiServerSchema(_Section):
    enabled = StrictBool(load_default=True)
    listen_ip_address = fields.String(load_default="127.0.0.1")
    listen_port = StrictInt(load_default=8080, validate=validate.Range(min=1024, max=65535))
    verbosity = _choice("error", "info", default="error")
    enable_openapi = StrictBool(load_default=False)
    jwt_secret_key = fields.String(load_default="")
    ws_token = StringOrList(load_default="")
    CORS_origins = fields.List(fields.String(), load_default=list)
    username = fields.String(load_default="")
    password = fields.String(load_default="")
    max_request_body = StrictInt(load_default=1_048_576, validate=validate.Range(min=1024))
    auth_fail_limit = StrictInt(load_default=10, validate=validate.Range(min=1))
    auth_fail_window = StrictNumber(load_default=300, validate=validate.Range(min=0, min_inclusive=False))
    auth_ban_seconds = StrictNumber(load_default=600, validate=validate.Range(min=0, min_inclusive=False))
    ws_queue_size = StrictInt(load_default=1000, validate=validate.Range(min=1))
    ws_send_timeout = StrictNumber(load_default=10, validate=validate.Range(min=0, min_inclusive=False))
    ws_heartbeat = StrictNumber(load_default=30, validate=validate.Range(min=0, min_inclusive=False))
    ui_path = fields.String(load_default=None, allow_none=True)


class ProducerSchema(_Section):
    name = fields.String(required=True)
    host = fields.String(required=True)
    port = StrictInt(load_default=8080, validate=validate.Range(min=1, max=65535))
    secure = StrictBool(load_default=False)
    ws_token = fields.String(required=True)


class ExternalConsumerSchema(_Section):
    enabled = StrictBool(load_default=False)
    producers = fields.List(fields.Nested(ProducerSchema), load_default=list)
    wait_timeout = StrictInt(load_default=30, validate=validate.Range(min=1))
    ping_timeout = StrictInt(load_default=10, validate=validate.Range(min=1))
    sleep_time = StrictInt(load_default=10, validate=validate.Range(min=1))
    remove_entry_exit_signals = StrictBool(load_default=False)
    initial_candle_limit = StrictInt(load_default=1500, validate=validate.Range(min=1, max=1500))
    message_size_limit = StrictInt(load_default=8, validate=validate.Range(min=1, max=20))


class ConfigSchema(_Section):
    bot_name = fields.String(load_default="ftserver")
    dry_run = StrictBool(load_default=True)
    dry_run_wallet = NumberOrMapping(load_default=1000.0)
    stake_currency = fields.String(required=True, validate=validate.Length(min=1))
    stake_amount = StakeAmount(required=True)
    tradable_balance_ratio = StrictNumber(load_default=0.99, validate=validate.Range(min=0, max=1))
    available_capital = StrictNumber(load_default=None, allow_none=True, validate=validate.Range(min=0))
    max_open_trades = StrictInt(load_default=3, validate=validate.Range(min=-1))
    fiat_display_currency = fields.String(load_default="")
    timeframe = Timeframe(load_default=None, allow_none=True)
    minimal_roi = RoiTable(load_default=None, allow_none=True)
    stoploss = StrictNumber(
        load_default=None, allow_none=True, validate=validate.Range(min=-1, max=0, max_inclusive=False)
    )
    trailing_stop = StrictBool(load_default=None, allow_none=True)
    trailing_stop_positive = StrictNumber(load_default=None, allow_none=True, validate=validate.Range(min=0))
    # None: keep the strategy's own value (only keys set in the config override the strategy).
    trailing_stop_positive_offset = StrictNumber(load_default=None, allow_none=True, validate=validate.Range(min=0))
    trailing_only_offset_is_reached = StrictBool(load_default=None, allow_none=True)
    fee = StrictNumber(load_default=None, allow_none=True, validate=validate.Range(min=0, max=0.1))
    trading_mode = _choice("spot", "margin", "futures", default="spot")
    margin_mode = _choice("", "isolated", "cross", default="")
    initial_state = _choice("running", "stopped", "paused", default="stopped")
    force_entry_enable = StrictBool(load_default=False)
    cancel_open_orders_on_exit = StrictBool(load_default=False)
    position_adjustment_enable = StrictBool(load_default=False)
    max_entry_position_adjustment = StrictInt(load_default=-1, validate=validate.Range(min=-1))
    unfilledtimeout = _nested(UnfilledTimeoutSchema)
    entry_pricing = _nested(EntryPricingSchema)
    exit_pricing = _nested(ExitPricingSchema)
    order_types = _nested(OrderTypesSchema)
    order_time_in_force = _nested(TimeInForceSchema)
    exchange = fields.Nested(ExchangeSchema, required=True)
    pairlists = fields.List(fields.Nested(PairlistSchema), load_default=lambda: [{"method": "StaticPairList"}])
    protections = fields.List(fields.Nested(ProtectionSchema), load_default=list)
    strategy = fields.String(load_default="SampleStrategy", validate=validate.Length(min=1))
    strategy_path = fields.String(load_default=None, allow_none=True)
    user_data_dir = fields.String(load_default="user_data")
    db_url = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^sqlite://", error='Must start with "sqlite://" (only SQLite is supported).'),
    )
    datadir = fields.String(load_default=None, allow_none=True)
    dataformat_ohlcv = _choice("feather", "json", default="feather")
    logfile = fields.String(load_default=None, allow_none=True)
    log_max_bytes = StrictInt(load_default=10_485_760, validate=validate.Range(min=1024))
    log_backup_count = StrictInt(load_default=10, validate=validate.Range(min=0))
    internals = _nested(InternalsSchema)
    api_server = _nested(ApiServerSchema)
    external_message_consumer = _nested(ExternalConsumerSchema)

    @validates_schema
    def _live_trading_needs_an_account(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Real orders only on a real exchange, with credentials, in spot: refuse anything else up front."""
        if data.get("dry_run", True):
            return
        exchange = data.get("exchange") or {}
        if exchange.get("name") == "sim":
            problem = {"name": ["The simulated market cannot trade live: set dry_run to true or name a ccxt exchange."]}
        elif not exchange.get("key") or not exchange.get("secret"):
            missing = "key" if not exchange.get("key") else "secret"
            problem = {missing: [f"Live trading (dry_run false) needs the exchange API {missing}."]}
        else:
            problem = {}
        if problem:
            raise ValidationError({"exchange": problem})
        if data.get("trading_mode", "spot") != "spot":
            raise ValidationError("Live trading supports spot only.", field_name="trading_mode")

    @post_load
    def _resolve_replay_datadir(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """``exchange.sim.replay.datadir`` defaults to where ``download-data`` stores that exchange's candles."""
        replay = data["exchange"].get("sim", {}).get("replay")
        if replay and replay.get("exchange") and not replay.get("datadir"):
            replay["datadir"] = str(Path(data["user_data_dir"]) / "data" / replay["exchange"])
        return data


# ---- settings ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """Validated configuration. ``values`` is read-only by convention: build a new Settings to change it."""

    values: dict[str, Any]
    files: tuple[Path, ...] = ()

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is None else value

    @property
    def dry_run(self) -> bool:
        return bool(self.values["dry_run"])

    @property
    def bot_name(self) -> str:
        return str(self.values["bot_name"])

    @property
    def stake_currency(self) -> str:
        return str(self.values["stake_currency"])

    @property
    def stake_amount(self) -> float | str:
        return self.values["stake_amount"]

    @property
    def max_open_trades(self) -> int:
        return int(self.values["max_open_trades"])

    @property
    def api_server(self) -> dict[str, Any]:
        return self.values["api_server"]

    @property
    def exchange(self) -> dict[str, Any]:
        return self.values["exchange"]

    @property
    def user_data_dir(self) -> Path:
        return Path(self.values["user_data_dir"])

    @property
    def db_url(self) -> str:
        if self.values.get("db_url"):
            return str(self.values["db_url"])
        name = "tradesv3.dryrun.sqlite" if self.dry_run else "tradesv3.sqlite"
        return f"sqlite:///{self.user_data_dir / name}"

    @property
    def strategy(self) -> str:
        return str(self.values["strategy"])

    @property
    def strategy_path(self) -> Path:
        if self.values.get("strategy_path"):
            return Path(self.values["strategy_path"])
        return self.user_data_dir / "strategies"

    def redacted(self) -> dict[str, Any]:
        return redact(self.values)


# ---- parsing ----------------------------------------------------------------------------------
def strip_comments(text: str) -> str:
    """Remove ``//`` and ``/* */`` comments that are outside JSON strings; keeps line numbers."""
    out: list[str] = []
    i, n, in_string = 0, len(text), False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join(c for c in text[i:end] if c == "\n"))
            i = end
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def parse_config_text(text: str, source: str = "<string>") -> dict[str, Any]:
    try:
        data = json.loads(strip_comments(text))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a JSON object")
    return data


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config file {path}: not UTF-8 text (byte {exc.start})") from None
    return parse_config_text(text, str(path))


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), dict):
            result[key] = _deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _schema_field_names(schema: Schema) -> dict[str, Any]:
    return dict(schema.fields)


def _match_key(candidates: Mapping[str, Any], key: str) -> str:
    lower = key.lower()
    for name in candidates:
        if name.lower() == lower:
            return name
    return lower


def _set_path(target: dict[str, Any], path: list[str], make_value: Callable[[fields.Field | None], Any]) -> None:
    """Set a value at ``path``, matching existing/known keys case-insensitively.

    ``make_value`` gets the schema field at the path (None for unknown keys), because environment
    text is parsed differently for string keys.
    """
    node: dict[str, Any] = target
    schema: Schema | None = ConfigSchema()
    for index, part in enumerate(path):
        known = dict(node)
        if schema is not None:
            known.update(_schema_field_names(schema))
        key = _match_key(known, part)
        if index == len(path) - 1:
            leaf = schema.fields.get(key) if schema is not None else None
            node[key] = make_value(leaf)
            return
        field = schema.fields.get(key) if schema is not None else None
        schema = field.schema if isinstance(field, fields.Nested) else None
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def _env_value(raw: str, field: fields.Field | None) -> Any:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    # A password or name such as 12345 or true is still meant as text when the key holds a string.
    if isinstance(field, fields.String) and value is not None and not isinstance(value, str):
        return raw
    return value


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX):
            continue
        path = [p for p in name[len(ENV_PREFIX) :].split("__") if p]
        if path:
            raw = env[name]
            _set_path(result, path, lambda field, raw=raw: _env_value(raw, field))
    return result


def _apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for dotted, value in overrides.items():
        _set_path(result, dotted.split("."), lambda _field, value=value: value)
    return result


# ---- validation ---------------------------------------------------------------------------------
def _first_error(messages: Any, prefix: str = "") -> tuple[str, str]:
    """Walk marshmallow's nested messages to the first leaf: (dotted path, message)."""
    if isinstance(messages, dict):
        key = next(iter(messages))
        # "_schema" marks an error of the section itself (e.g. a number where an object belongs).
        path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        return _first_error(messages[key], path)
    if isinstance(messages, list) and messages:
        return _first_error(messages[0], prefix) if isinstance(messages[0], dict | list) else (prefix, str(messages[0]))
    return prefix, str(messages)


def _warn_unknown(data: Any, schema: Schema | None, prefix: str = "") -> None:
    if not isinstance(data, dict) or schema is None:
        return
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        field = schema.fields.get(key)
        if field is None:
            log.warning("Unknown config key '%s' ignored", path)
            continue
        if isinstance(field, fields.Nested):
            _warn_unknown(value, field.schema, path)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) and isinstance(value, list):
            for index, item in enumerate(value):
                _warn_unknown(item, field.inner.schema, f"{path}.{index}")


def _validate(data: dict[str, Any], files: tuple[Path, ...]) -> Settings:
    schema = ConfigSchema()
    try:
        values = schema.load(data)
    except ValidationError as exc:
        key, message = _first_error(exc.normalized_messages())
        raise ConfigError(message, key=key) from None
    _warn_unknown(data, schema)
    return Settings(values=values, files=files)


def load_settings(
    paths: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    merged: dict[str, Any] = {}
    files = tuple(Path(p) for p in paths)
    for path in files:
        merged = _deep_merge(merged, _read_file(path))
    merged = _apply_env(merged, os.environ if env is None else env)
    if overrides:
        merged = _apply_overrides(merged, overrides)
    return _validate(merged, files)


def settings_from_dict(values: Mapping[str, Any], *, env: Mapping[str, str] | None = None) -> Settings:
    data = _apply_env(copy.deepcopy(dict(values)), env or {})
    return _validate(data, ())


def _is_secret(key: str) -> bool:
    lower = key.lower()
    return lower in _SECRET_KEYS or any(word in lower for word in _SECRET_WORDS)


def redact(values: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy with every secret value replaced by ``"REDACTED"`` (empty secrets stay empty)."""

    def walk(node: Any) -> Any:
        if isinstance(node, Mapping):
            return {k: (REDACTED if _is_secret(str(k)) and node[k] else walk(node[k])) for k in node}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(values)
