"""Start-up security checks of the api_server section: refuse beyond loopback, warn on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftserver.api.security import check_listen_security
from ftserver.config.parsing import read_config_file
from ftserver.config.sections import ApiServerSettings
from ftserver.errors import ConfigError

STRONG: dict[str, Any] = {
    "enabled": True,
    "password": "a-long-and-random-password",
    "jwt_secret_key": "k" * 40,
    "ws_token": "t" * 40,
}


def section(host: str, **changes: Any) -> ApiServerSettings:
    return ApiServerSettings(**{**STRONG, "listen_ip_address": host, **changes})


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.org", ""])
def test_strong_settings_pass_anywhere_without_warnings(host: str) -> None:
    assert check_listen_security(section(host)) == []


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"password": ""}, "api_server.password"),
        ({"password": None}, "api_server.password"),
        ({"jwt_secret_key": ""}, "api_server.jwt_secret_key"),
        ({"jwt_secret_key": "k" * 31}, "api_server.jwt_secret_key"),
        ({"jwt_secret_key": "super-secret"}, "api_server.jwt_secret_key"),
        ({"jwt_secret_key": "somethingRandomSomethingRandom123"}, "api_server.jwt_secret_key"),
        ({"jwt_secret_key": "ftserver-example-jwt-secret-change-me-0123456789"}, "api_server.jwt_secret_key"),
        ({"ws_token": "ftserver-example-ws-token-change-me"}, "api_server.ws_token"),
        ({"ws_token": ["t" * 40, "secret_ws_t0ken."]}, "api_server.ws_token"),
        ({"ws_token": "x"}, "api_server.ws_token"),
        ({"ws_token": "t" * 31}, "api_server.ws_token"),
        ({"ws_token": ["t" * 40, "short"]}, "api_server.ws_token"),
        ({"ws_token": "hZ-y58LXyX_HZ8O1cJzVyN6ePWrLpNQv4Q"}, "api_server.ws_token"),
        ({"password": "ftserver"}, "api_server.password"),
        ({"password": "freqtrader"}, "api_server.password"),
        ({"password": "SuperSecurePassword"}, "api_server.password"),
        ({"password": "SuperSecret1!"}, "api_server.password"),
        ({"password": "replace-with-a-strong-password"}, "api_server.password"),
        ({"password": "a"}, "api_server.password"),
        ({"password": "p" * 11}, "api_server.password"),
    ],
)
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "myhost.lan"])
def test_weak_settings_beyond_loopback_refuse_to_start(host: str, changes: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        check_listen_security(section(host, **changes))
    assert info.value.key == key
    assert host in str(info.value)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]
)
def test_weak_settings_on_loopback_only_warn(host: str) -> None:
    weak = section(host, password="", jwt_secret_key="super-secret", ws_token="ftserver-example-ws-token-change-me")
    warnings = check_listen_security(weak)
    assert len(warnings) == 3
    assert [w.split()[0] for w in warnings] == [
        "api_server.password",
        "api_server.jwt_secret_key",
        "api_server.ws_token",
    ]
    assert all("loopback" in w for w in warnings)


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
@pytest.mark.parametrize("ws_token", ["", []])
def test_empty_ws_token_only_warns(host: str, ws_token: Any) -> None:
    warnings = check_listen_security(section(host, ws_token=ws_token))
    assert len(warnings) == 1
    assert warnings[0].startswith("api_server.ws_token is empty")


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"ws_token": "short"}, "api_server.ws_token"),
        ({"ws_token": ["t" * 40, "short"]}, "api_server.ws_token"),
        ({"password": "ftserver"}, "api_server.password"),
        ({"password": "a"}, "api_server.password"),
    ],
)
def test_short_or_published_credentials_on_loopback_only_warn(changes: dict[str, Any], key: str) -> None:
    warnings = check_listen_security(section("127.0.0.1", **changes))
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{key} is ")
    assert "loopback" in warnings[0]


def test_a_12_character_password_passes_beyond_loopback() -> None:
    assert check_listen_security(section("0.0.0.0", password="p" * 12)) == []


def test_every_password_in_the_sample_configs_is_refused_beyond_loopback() -> None:
    root = Path(__file__).resolve().parents[2]
    for name in ("config.json", "config.example.json"):
        password = read_config_file(root / "config" / name)["api_server"]["password"]
        with pytest.raises(ConfigError) as info:
            check_listen_security(section("0.0.0.0", password=password))
        assert info.value.key == "api_server.password", name


def test_disabled_api_is_not_checked() -> None:
    assert check_listen_security(ApiServerSettings(enabled=False, listen_ip_address="0.0.0.0", password="")) == []
