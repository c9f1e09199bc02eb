import logging
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from marshmallow import Schema, fields

from ftserver.config import ConfigSchema, load_settings, parse_config_text, redact, settings_from_dict
from ftserver.config.sections import PairlistSettings
from ftserver.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
MINIMAL = {"stake_currency": "USDT", "stake_amount": 100, "exchange": {"name": "sim"}}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_comments_are_stripped_but_slashes_in_strings_survive() -> None:
    text = '{\n  // a comment\n  "url": "http://example.org/x", /* block\n comment */ "n": 1\n}'
    assert parse_config_text(text) == {"url": "http://example.org/x", "n": 1}


def test_trailing_commas_and_comments_load_as_freqtrade_accepts_them(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.json",
        """{
  // freqtrade configs are written like this
  "stake_currency": "USDT",
  "stake_amount": 10,
  "exchange": {"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT",],},
  /* trailing commas too */
  "max_open_trades": 2,
}""",
    )
    settings = load_settings([path], env={})
    assert settings.exchange.pair_whitelist == ("BTC/USDT", "ETH/USDT")
    assert settings.max_open_trades == 2


def test_section_defaults_come_from_the_dataclass() -> None:
    settings = settings_from_dict(MINIMAL)
    assert settings.api_server.max_request_body == 1_048_576
    assert settings.internals.process_throttle_secs == 5
    assert settings.order_types.entry == "limit"


def test_settings_cannot_be_changed() -> None:
    settings = settings_from_dict({**MINIMAL, "exchange": {"name": "sim", "ccxt_config": {"options": {"a": 1}}}})
    with pytest.raises(FrozenInstanceError):
        settings.dry_run = False  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        settings.api_server.max_request_body = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        settings.exchange.pair_whitelist.append("X/Y")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        settings.exchange.ccxt_config["options"]["a"] = 2  # type: ignore[index]


def test_environment_override_of_a_nested_key_arrives_typed() -> None:
    env = {"FTSERVER__API_SERVER__MAX_REQUEST_BODY": "2048", "FTSERVER__INTERNALS__PROCESS_THROTTLE_SECS": "0.5"}
    settings = settings_from_dict(MINIMAL, env=env)
    assert settings.api_server.max_request_body == 2048
    assert isinstance(settings.api_server.max_request_body, int)
    assert settings.internals.process_throttle_secs == 0.5


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '{\n  "a": 1,\n  "b": \n}')
    with pytest.raises(ConfigError, match=r"bad\.json: invalid JSON at line 4"):
        load_settings([bad], env={})


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ConfigError, match=r"cannot read config file .*missing\.json"):
        load_settings([missing], env={})
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(ConfigError, match=r"binary\.json: not UTF-8"):
        load_settings([binary], env={})


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(ConfigError, match="top level must be a JSON object"):
        parse_config_text("[1, 2]", "list.json")


def test_files_merge_left_to_right(tmp_path: Path) -> None:
    first = write(
        tmp_path / "a.json",
        '{"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim",'
        ' "pair_whitelist": ["BTC/USDT"]}, "api_server": {"listen_port": 8081}}',
    )
    second = write(tmp_path / "b.json", '{"stake_amount": 20, "api_server": {"username": "me"}}')
    settings = load_settings([first, second], env={})
    assert settings.stake_amount == 20
    assert settings.api_server.listen_port == 8081
    assert settings.api_server.username == "me"
    assert settings.exchange.pair_whitelist == ("BTC/USDT",)
    assert settings.files == (first, second)


def test_environment_overrides_with_json_values_and_case_insensitive_keys() -> None:
    env = {
        "FTSERVER__API_SERVER__CORS_ORIGINS": '["http://127.0.0.1:3000"]',
        "FTSERVER__API_SERVER__PASSWORD": "from-env",
        "FTSERVER__MAX_OPEN_TRADES": "7",
        "FTSERVER__DRY_RUN": "true",
    }
    settings = settings_from_dict(MINIMAL, env=env)
    assert settings.api_server.CORS_origins == ("http://127.0.0.1:3000",)
    assert settings.api_server.password == "from-env"
    assert settings.max_open_trades == 7
    assert settings.dry_run is True


def test_environment_keeps_text_for_string_keys() -> None:
    env = {"FTSERVER__API_SERVER__PASSWORD": "12345", "FTSERVER__api_server__username": "true"}
    settings = settings_from_dict(MINIMAL, env=env)
    assert settings.api_server.password == "12345"
    assert settings.api_server.username == "true"


def test_environment_overrides_file_values(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.json",
        '{"stake_currency": "USDT", "stake_amount": 1, "exchange": {"name": "sim"}, "max_open_trades": 2}',
    )
    settings = load_settings([path], env={"FTSERVER__MAX_OPEN_TRADES": "-1", "OTHER__MAX_OPEN_TRADES": "9"})
    assert settings.max_open_trades == -1


def test_command_line_overrides_win_over_env(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", '{"stake_currency": "USDT", "stake_amount": 1, "exchange": {"name": "sim"}}')
    settings = load_settings(
        [path], env={"FTSERVER__STRATEGY": "FromEnv"}, overrides={"strategy": "FromCli", "exchange.name": "binance"}
    )
    assert settings.strategy == "FromCli"
    assert settings.exchange.name == "binance"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"api_server": {"listen_port": "abc"}}, "api_server.listen_port"),
        ({"api_server": {"listen_port": 80}}, "api_server.listen_port"),
        ({"max_open_trades": 1.5}, "max_open_trades"),
        ({"dry_run": "yes"}, "dry_run"),
        ({"stake_amount": -5}, "stake_amount"),
        ({"timeframe": "5x"}, "timeframe"),
        ({"exchange": {"name": "sim", "pair_whitelist": ["A/B", 3]}}, "exchange.pair_whitelist.1"),
        ({"external_message_consumer": {"producers": [{"name": "p"}]}}, "external_message_consumer.producers.0.host"),
        ({"pairlists": [{"method": "NoSuchPairList"}]}, "pairlists.0.method"),
        ({"pairlists": [{"method": "SpreadFilter"}]}, "pairlists.0.method"),
        ({"pairlists": [{"method": "ProducerPairList", "producer_name": "p"}]}, "pairlists.0.producer_name"),
        ({"pairlists": [{"method": "MarketCapPairList", "number_assets": 5}]}, "pairlists.0.method"),
        ({"pairlists": [{"method": "StaticPairList"}, {"method": "VolumePairList"}]}, "pairlists.1.number_assets"),
        (
            {"pairlists": [{"method": "StaticPairList"}, {"method": "VolumePairList", "number_assets": "20"}]},
            "pairlists.1.number_assets",
        ),
        ({"pairlists": [{"method": "StaticPairList", "allow_inactive": 1}]}, "pairlists.0.allow_inactive"),
        (
            {"pairlists": [{"method": "StaticPairList"}, {"method": "SpreadFilter", "max_spread_ratio": -1}]},
            "pairlists.1.max_spread_ratio",
        ),
        (
            {"pairlists": [{"method": "StaticPairList"}, {"method": "ShuffleFilter", "shuffle_frequency": "daily"}]},
            "pairlists.1.shuffle_frequency",
        ),
        ({"protections": [{"method": "NoSuchGuard"}]}, "protections.0.method"),
        ({"protections": [{"method": "StoplossGuard", "trade_limit": 0}]}, "protections.0.trade_limit"),
        ({"protections": [{"method": "CooldownPeriod", "unlock_at": "25:00"}]}, "protections.0.unlock_at"),
        ({"api_server": 5}, "api_server"),
        ({"stoploss": 0}, "stoploss"),
        ({"db_url": "mysql://x"}, "db_url"),
        ({"db_pool_size": 0}, "db_pool_size"),
        ({"unfilledtimeout": {"entry": True}}, "unfilledtimeout.entry"),
        ({"entry_pricing": {"order_book_top": 51}}, "entry_pricing.order_book_top"),
        ({"exchange": {"name": "sim", "sim": {"history_days": 0}}}, "exchange.sim.history_days"),
    ],
)
def test_invalid_values_name_the_key_path(change: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_dict({**MINIMAL, **change})
    assert info.value.key == key
    assert str(info.value).startswith(f"{key}: ")


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"stake_amount": 1, "exchange": {"name": "sim"}}, "stake_currency"),
        ({"stake_currency": "USDT", "exchange": {"name": "sim"}}, "stake_amount"),
        ({"stake_currency": "USDT", "stake_amount": 1, "exchange": {}}, "exchange.name"),
    ],
)
def test_missing_required_key(values: dict, key: str) -> None:
    with pytest.raises(ConfigError, match="Missing data") as info:
        settings_from_dict(values)
    assert info.value.key == key


def test_defaults_are_filled() -> None:
    settings = settings_from_dict({**MINIMAL, "stake_amount": "unlimited"})
    assert settings.stake_amount == "unlimited"
    assert settings.max_open_trades == 3
    assert settings.bot_name == "ftserver"
    assert settings.strategy == "SampleStrategy"
    assert settings.user_data_dir == Path("user_data")
    assert settings.strategy_path == Path("user_data") / "strategies"
    assert settings.api_server.listen_port == 8080
    assert settings.unfilledtimeout.unit == "minutes"
    assert settings.pairlists == (PairlistSettings(method="StaticPairList"),)
    assert settings.exchange.sim.seed == 42


def test_unknown_keys_warn_but_load(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        settings = settings_from_dict(
            {
                **MINIMAL,
                "freqai": {"enabled": False},
                "api_server": {"colour": "red"},
                "pairlists": [{"method": "StaticPairList", "extra": 1}],
            }
        )
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sorted(warnings) == [
        "Unknown config key 'api_server.colour' ignored",
        "Unknown config key 'freqai' ignored",
        "Unknown config key 'pairlists.0.extra' ignored",
    ]
    assert not hasattr(settings.api_server, "colour")
    # A strategy still sees every key of its config, its own included.
    assert settings.as_dict()["freqai"] == {"enabled": False}
    assert settings.as_dict()["api_server"]["colour"] == "red"


def test_redact_hides_every_secret() -> None:
    values = {
        "api_server": {"password": "p", "jwt_secret_key": "j", "ws_token": ["w1", "w2"], "username": "u"},
        "exchange": {"name": "binance", "key": "k", "secret": "s", "password": "x", "uid": "i", "private_key": "pk"},
        "external_message_consumer": {"producers": [{"name": "a", "ws_token": "t"}, {"name": "b", "ws_token": "t2"}]},
        "custom": {"my_api_token": "ct", "db_password_hint": "dp"},
    }
    redacted = redact(values)
    text = str(redacted)
    for secret in ("'p'", "'j'", "w1", "'k'", "'s'", "'x'", "'i'", "'pk'", "'t'", "'t2'", "'ct'", "'dp'"):
        assert secret not in text
    assert redacted["external_message_consumer"]["producers"][1] == {"name": "b", "ws_token": "REDACTED"}
    assert redacted["api_server"]["username"] == "u"
    assert values["api_server"]["password"] == "p"  # a copy: the input is untouched


def test_redacting_loaded_settings_hides_their_secrets() -> None:
    settings = settings_from_dict({**MINIMAL, "api_server": {"password": "hunter2", "jwt_secret_key": "k" * 40}})
    shown = redact(settings.as_dict())
    assert shown["api_server"]["password"] == "REDACTED"
    assert shown["api_server"]["jwt_secret_key"] == "REDACTED"
    assert settings.api_server.password == "hunter2"


def test_db_url_default_follows_dry_run() -> None:
    assert settings_from_dict(MINIMAL).db_url == "sqlite:///user_data/tradesv3.dryrun.sqlite"
    live = {**MINIMAL, "dry_run": False, "exchange": {"name": "binance", "key": "k", "secret": "s"}}
    assert settings_from_dict(live).db_url == "sqlite:///user_data/tradesv3.sqlite"
    other_dir = settings_from_dict({**MINIMAL, "user_data_dir": "elsewhere"})
    assert other_dir.db_url == "sqlite:///elsewhere/tradesv3.dryrun.sqlite"
    explicit = settings_from_dict({**MINIMAL, "db_url": "sqlite:///x.sqlite"})
    assert explicit.db_url == "sqlite:///x.sqlite"


@pytest.mark.parametrize(
    "url",
    ["postgresql://u:p@db:5432/ft?schema=bot_a", "postgres://u@db/ft", "postgresql+psycopg://u@db/ft"],
)
def test_db_url_may_name_a_postgresql_database(url: str) -> None:
    assert settings_from_dict({**MINIMAL, "db_url": url}).db_url == url


@pytest.mark.parametrize("name", ["config.json", "config.example.json"])
def test_shipped_configs_load(name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        settings = load_settings([REPO / "config" / name], env={})
    assert settings.exchange.name == "sim"
    assert settings.dry_run
    assert "Unknown config key" not in caplog.text


def test_embedded_default_config_is_the_documented_demo() -> None:
    settings = load_settings([REPO / "config" / "config.json"], env={})
    assert [step.method for step in settings.pairlists] == ["VolumePairList", "AgeFilter", "SpreadFilter"]
    assert settings.pairlists[0].options["number_assets"] == 10
    assert settings.stake_currency == "USDT"
    assert settings.max_open_trades == 5
    assert settings.timeframe == "1m"
    assert settings.initial_state == "running"
    assert settings.api_server.listen_ip_address == "127.0.0.1"
    assert len(settings.api_server.jwt_secret_key) >= 40


def _schema_keys(schema: Schema, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in schema.fields.items():
        path = f"{prefix}{field.data_key or name}"
        keys.add(path)
        if isinstance(field, fields.Nested):
            keys |= _schema_keys(field.schema, f"{path}.")
    return keys


def _document_keys(data: dict, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, value in data.items():
        keys.add(f"{prefix}{name}")
        if isinstance(value, dict) and name not in ("ccxt_config", "ccxt_async_config", "minimal_roi"):
            keys |= _document_keys(value, f"{prefix}{name}.")
    return keys


def test_example_config_documents_every_key() -> None:
    example = parse_config_text((REPO / "config" / "config.example.json").read_text(encoding="utf-8"))
    assert _schema_keys(ConfigSchema()) - _document_keys(example) == set()


@pytest.mark.parametrize(
    ("exchange", "key"),
    [
        ({"name": "sim"}, "exchange.name"),
        ({"name": "binance", "secret": "s"}, "exchange.key"),
        ({"name": "binance", "key": "k"}, "exchange.secret"),
    ],
)
def test_live_trading_needs_a_real_exchange_and_credentials(exchange: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_dict({**MINIMAL, "dry_run": False, "exchange": exchange})
    assert caught.value.key == key


def test_live_trading_is_spot_only() -> None:
    live = {**MINIMAL, "dry_run": False, "trading_mode": "futures"}
    with pytest.raises(ConfigError) as caught:
        settings_from_dict({**live, "exchange": {"name": "binance", "key": "k", "secret": "s"}})
    assert caught.value.key == "trading_mode"
