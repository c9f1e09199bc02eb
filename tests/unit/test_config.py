import logging
from pathlib import Path

import pytest

from ftserver.config import load_settings, parse_config_text, redact, settings_from_dict
from ftserver.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
MINIMAL = {"stake_currency": "USDT", "stake_amount": 100, "exchange": {"name": "sim"}}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_comments_are_stripped_but_slashes_in_strings_survive() -> None:
    text = '{\n  // a comment\n  "url": "http://example.org/x", /* block\n comment */ "n": 1\n}'
    assert parse_config_text(text) == {"url": "http://example.org/x", "n": 1}


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '{\n  "a": 1,\n  "b": \n}')
    with pytest.raises(ConfigError, match=r"bad\.json: invalid JSON at line 4"):
        load_settings([bad], env={})


def test_files_merge_left_to_right(tmp_path: Path) -> None:
    first = write(
        tmp_path / "a.json",
        '{"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim",'
        ' "pair_whitelist": ["BTC/USDT"]}, "api_server": {"listen_port": 8081}}',
    )
    second = write(tmp_path / "b.json", '{"stake_amount": 20, "api_server": {"username": "me"}}')
    settings = load_settings([first, second], env={})
    assert settings.stake_amount == 20
    assert settings.api_server["listen_port"] == 8081
    assert settings.api_server["username"] == "me"
    assert settings.exchange["pair_whitelist"] == ["BTC/USDT"]
    assert settings.files == (first, second)


def test_environment_overrides_with_json_values_and_case_insensitive_keys() -> None:
    env = {
        "FTSERVER__API_SERVER__CORS_ORIGINS": '["http://127.0.0.1:3000"]',
        "FTSERVER__API_SERVER__PASSWORD": "from-env",
        "FTSERVER__MAX_OPEN_TRADES": "7",
        "FTSERVER__DRY_RUN": "true",
    }
    settings = settings_from_dict(MINIMAL, env=env)
    assert settings.api_server["CORS_origins"] == ["http://127.0.0.1:3000"]
    assert settings.api_server["password"] == "from-env"
    assert settings.max_open_trades == 7
    assert settings.dry_run is True


def test_command_line_overrides_win_over_env(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", '{"stake_currency": "USDT", "stake_amount": 1, "exchange": {"name": "sim"}}')
    settings = load_settings(
        [path], env={"FTSERVER__STRATEGY": "FromEnv"}, overrides={"strategy": "FromCli", "exchange.name": "binance"}
    )
    assert settings.strategy == "FromCli"
    assert settings.exchange["name"] == "binance"


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
        ({"pairlists": [{"method": "VolumePairList"}]}, "pairlists.0.method"),
    ],
)
def test_invalid_values_name_the_key_path(change: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_dict({**MINIMAL, **change})
    assert info.value.key == key
    assert str(info.value).startswith(f"{key}: ")


def test_missing_required_key() -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_dict({"stake_amount": 1, "exchange": {"name": "sim"}})
    assert info.value.key == "stake_currency"


def test_unknown_keys_warn_but_load(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        settings = settings_from_dict({**MINIMAL, "telegram": {"enabled": False}, "api_server": {"colour": "red"}})
    assert "Unknown config key 'telegram' ignored" in caplog.text
    assert "Unknown config key 'api_server.colour' ignored" in caplog.text
    assert settings["telegram"] == {"enabled": False}


def test_redact_hides_every_secret() -> None:
    values = {
        "api_server": {"password": "p", "jwt_secret_key": "j", "ws_token": ["w1", "w2"], "username": "u"},
        "exchange": {"name": "binance", "key": "k", "secret": "s", "password": "x", "uid": "i"},
        "external_message_consumer": {"producers": [{"name": "a", "ws_token": "t"}]},
    }
    text = str(redact(values))
    for secret in ("'p'", "'j'", "w1", "'k'", "'s'", "'x'", "'i'", "'t'"):
        assert secret not in text
    assert redact(values)["api_server"]["username"] == "u"


def test_db_url_default_follows_dry_run() -> None:
    assert settings_from_dict(MINIMAL).db_url == "sqlite:///user_data/tradesv3.dryrun.sqlite"
    assert settings_from_dict({**MINIMAL, "dry_run": False}).db_url == "sqlite:///user_data/tradesv3.sqlite"


@pytest.mark.parametrize("name", ["config.json", "config.example.json"])
def test_shipped_configs_load(name: str) -> None:
    settings = load_settings([REPO / "config" / name], env={})
    assert settings.exchange["name"] == "sim"
    assert settings.dry_run
