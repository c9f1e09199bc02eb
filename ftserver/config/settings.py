"""``Settings``: the validated configuration, typed and frozen, and its loading schema."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from marshmallow import Schema, ValidationError, validate, validates_schema
from marshmallow_dataclass import class_schema

from ftserver.bot.pairlists.registry import HANDLERS
from ftserver.config.fields import NumberOrMapping, RoiTable, StakeAmount, Timeframe, thaw
from ftserver.config.sections import (
    ApiServerSettings,
    DiscordSettings,
    EntryPricingSettings,
    ExchangeSettings,
    ExitPricingSettings,
    ExternalConsumerSettings,
    InternalsSettings,
    OrderTypesSettings,
    PairlistSettings,
    ProtectionSettings,
    SectionSchema,
    TelegramSettings,
    TimeInForceSettings,
    UnfilledTimeoutSettings,
    WebhookSettings,
    choice,
    custom,
    in_range,
)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Validated configuration. Build a new one (``load_settings``) to change it."""

    bot_name: str = "ftserver"
    dry_run: bool = True
    dry_run_wallet: float | Mapping[str, float] = custom(NumberOrMapping, default=1000.0)
    stake_currency: str = field(metadata={"validate": validate.Length(min=1)})
    stake_amount: float | str = custom(StakeAmount)
    tradable_balance_ratio: float = in_range(0.99, min=0, max=1)
    available_capital: float | None = in_range(None, min=0)
    max_open_trades: int = in_range(3, min=-1)
    # How far (ratio) a strategy's custom_entry_price / custom_exit_price may be from the proposed rate.
    custom_price_max_distance_ratio: float = in_range(0.02, min=0, max=1)
    # Room kept above a market's minimum stake for fees and a stoploss exit (0.05 = 5 %).
    amount_reserve_percent: float = in_range(0.05, min=0, max=0.5)
    fiat_display_currency: str = ""
    timeframe: str | None = custom(Timeframe, default=None)
    timeframe_detail: str | None = custom(Timeframe, default=None)  # backtesting only
    minimal_roi: Mapping[str, float] | None = custom(RoiTable, default=None)
    stoploss: float | None = in_range(None, min=-1, max=0, max_inclusive=False)
    trailing_stop: bool | None = None
    trailing_stop_positive: float | None = in_range(None, min=0)
    # None: keep the strategy's own value (only keys set in the config override the strategy).
    trailing_stop_positive_offset: float | None = in_range(None, min=0)
    trailing_only_offset_is_reached: bool | None = None
    fee: float | None = in_range(None, min=0, max=0.1)
    trading_mode: str = choice("spot", "margin", "futures", default="spot")
    margin_mode: str = choice("", "isolated", "cross", default="")
    initial_state: str = choice("running", "stopped", "paused", default="stopped")
    force_entry_enable: bool = False
    cancel_open_orders_on_exit: bool = False
    position_adjustment_enable: bool = False
    max_entry_position_adjustment: int = in_range(-1, min=-1)
    unfilledtimeout: UnfilledTimeoutSettings = field(default_factory=UnfilledTimeoutSettings)
    entry_pricing: EntryPricingSettings = field(default_factory=EntryPricingSettings)
    exit_pricing: ExitPricingSettings = field(default_factory=ExitPricingSettings)
    order_types: OrderTypesSettings = field(default_factory=OrderTypesSettings)
    order_time_in_force: TimeInForceSettings = field(default_factory=TimeInForceSettings)
    exchange: ExchangeSettings
    pairlists: tuple[PairlistSettings, ...] = (PairlistSettings(method="StaticPairList"),)
    protections: tuple[ProtectionSettings, ...] = ()
    strategy: str = field(default="SampleStrategy", metadata={"validate": validate.Length(min=1)})
    # The config keys db_url and strategy_path; the properties of those names give the resolved values.
    configured_strategy_path: str | None = field(default=None, metadata={"data_key": "strategy_path"})
    user_data_dir: Path = Path("user_data")
    configured_db_url: str | None = field(
        default=None,
        metadata={
            "data_key": "db_url",
            "validate": validate.Regexp(
                r"^(sqlite|postgres|postgresql(\+\w+)?)://",
                error='Must start with "sqlite://" or "postgresql://" (SQLite or PostgreSQL).',
            ),
        },
    )
    # PostgreSQL only: connections each database pool opens at most (SQLite has one writer, one reader).
    db_pool_size: int = in_range(5, min=1, max=100)
    datadir: str | None = None
    dataformat_ohlcv: Literal["feather", "json"] = choice("feather", "json", default="feather")
    logfile: str | None = None
    log_max_bytes: int = in_range(10_485_760, min=1024)
    log_backup_count: int = in_range(10, min=0)
    internals: InternalsSettings = field(default_factory=InternalsSettings)
    api_server: ApiServerSettings = field(default_factory=ApiServerSettings)
    external_message_consumer: ExternalConsumerSettings = field(default_factory=ExternalConsumerSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)

    # Not config keys: where the settings came from (set by the loader).
    files: tuple[Path, ...] = field(default=(), init=False, compare=False)
    # The merged input as written, unknown keys included: strategies read their own keys from it.
    source: Mapping[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        replay = self.exchange.sim.replay
        if replay and replay.exchange and not replay.datadir:
            # exchange.sim.replay.datadir defaults to where download-data stores that exchange's candles.
            datadir = str(self.user_data_dir / "data" / replay.exchange)
            sim = dataclasses.replace(self.exchange.sim, replay=dataclasses.replace(replay, datadir=datadir))
            object.__setattr__(self, "exchange", dataclasses.replace(self.exchange, sim=sim))

    # A marshmallow hook: marshmallow-dataclass copies it onto the generated schema, where it runs on
    # the loaded fields (sections already dataclasses) before Settings is built.
    @validates_schema
    def _pairlists_start_with_a_generator(self, data: dict[str, Any], **kwargs: Any) -> None:
        steps = data.get("pairlists") or ()
        if steps and not HANDLERS[steps[0].method].IS_GENERATOR:
            raise ValidationError(
                {
                    "pairlists": {
                        0: {"method": [f"{steps[0].method} is a filter: the first pairlist must generate pairs."]}
                    }
                }
            )
        consumer = data.get("external_message_consumer")
        producers = {p.name for p in consumer.producers} if consumer and consumer.enabled else set()
        for index, step in enumerate(steps):
            name = step.options.get("producer_name", "default")
            if step.method == "ProducerPairList" and name not in producers:
                message = (
                    f"No producer named {name!r}: ProducerPairList follows one of "
                    "external_message_consumer.producers (enabled)."
                )
                raise ValidationError({"pairlists": {index: {"producer_name": [message]}}})

    @validates_schema
    def _live_trading_needs_an_account(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Real orders only on a real exchange, with credentials, in spot: refuse anything else up front."""
        if data.get("dry_run", True):
            return
        exchange = data.get("exchange")
        if exchange is None:
            return
        if exchange.name == "sim":
            problem = {"name": ["The simulated market cannot trade live: set dry_run to true or name a ccxt exchange."]}
        elif not exchange.key or not exchange.secret:
            missing = "key" if not exchange.key else "secret"
            problem = {missing: [f"Live trading (dry_run false) needs the exchange API {missing}."]}
        else:
            problem = {}
        if problem:
            raise ValidationError({"exchange": problem})
        if data.get("trading_mode", "spot") != "spot":
            raise ValidationError("Live trading supports spot only.", field_name="trading_mode")

    @property
    def db_url(self) -> str:
        if self.configured_db_url:
            return self.configured_db_url
        name = "tradesv3.dryrun.sqlite" if self.dry_run else "tradesv3.sqlite"
        return f"sqlite:///{self.user_data_dir / name}"

    @property
    def strategy_path(self) -> Path:
        if self.configured_strategy_path:
            return Path(self.configured_strategy_path)
        return self.user_data_dir / "strategies"

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict in config form (key names and JSON shapes), unknown keys included:
        what a strategy gets as ``self.config``."""
        config: dict[str, Any] = _with_unknown(plain(self), self.source)
        return config


def plain(value: Any) -> Any:
    """A section (or any settings value) as plain JSON-shaped data, keyed as in the config file."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.metadata.get("data_key", f.name): plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init
        }
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _with_unknown(known: Any, source: Any) -> Any:
    """``known`` (plain settings) with the keys only ``source`` has appended, at every depth."""
    if isinstance(known, dict) and isinstance(source, Mapping):
        extra = {k: thaw(v) for k, v in source.items() if k not in known}
        return {**{k: _with_unknown(v, source.get(k)) for k, v in known.items()}, **extra}
    if isinstance(known, list) and isinstance(source, tuple | list) and len(known) == len(source):
        return [_with_unknown(k, s) for k, s in zip(known, source, strict=True)]
    return known


ConfigSchema: type[Schema] = class_schema(Settings, base_schema=SectionSchema)
