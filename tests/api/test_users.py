"""Configured users: start-up checks of their passwords, one name per user, ``ftserver hash-password``."""

from __future__ import annotations

import io
from typing import Any

import pytest
from argon2 import PasswordHasher

from ftserver.api.passwords import PasswordCheck, hash_password
from ftserver.api.principal import Role
from ftserver.api.security import check_listen_security
from ftserver.api.setup import user_directory
from ftserver.api.users import ApiUser, UserDirectory
from ftserver.cli import main
from ftserver.config.sections import ApiServerSettings, ApiUserSettings
from ftserver.errors import AuthError, ConfigError

STRONG: dict[str, Any] = {
    "enabled": True,
    "username": "admin",
    "password": "a-long-and-random-password",
    "jwt_secret_key": "k" * 40,
    "ws_token": "t" * 40,
}


def section(host: str, *users: ApiUserSettings) -> ApiServerSettings:
    return ApiServerSettings(**STRONG, listen_ip_address=host, users=users)


def test_a_short_user_password_refuses_to_start_beyond_loopback_naming_the_user() -> None:
    weak = ApiUserSettings(username="dash", password="short", role="read")
    with pytest.raises(ConfigError, match=r"api_server.users\[0\].password: is 5 characters long"):
        check_listen_security(section("0.0.0.0", weak))
    warnings = check_listen_security(section("127.0.0.1", weak))
    assert [w for w in warnings if "users[0]" in w] == [
        "api_server.users[0].password is 5 characters long; use at least 12 random characters "
        "(tolerated only because the API listens on loopback)"
    ]


def test_a_hashed_user_password_passes_beyond_loopback() -> None:
    hashed = ApiUserSettings(username="dash", password=hash_password("short"), role="read")
    assert check_listen_security(section("0.0.0.0", hashed)) == []


def test_a_username_given_twice_is_a_config_error() -> None:
    again = ApiUserSettings(username="admin", password="another-long-password", role="read")
    with pytest.raises(ConfigError, match=r"api_server.users\[0\].username: user 'admin' is configured twice"):
        user_directory(section("127.0.0.1", again))


def test_the_directory_gives_each_user_its_role_and_refuses_wrong_passwords() -> None:
    users = user_directory(
        section("127.0.0.1", ApiUserSettings(username="dash", password=hash_password("pw-dash"), role="trade"))
    )
    assert users.authenticate("admin", "a-long-and-random-password").role is Role.ADMIN
    assert users.authenticate("dash", "pw-dash").role is Role.TRADE
    for name, password in [("dash", "pw-dasH"), ("admin", "pw-dash"), ("nobody", "pw-dash"), ("dash", "")]:
        with pytest.raises(AuthError):
            users.authenticate(name, password)


def test_a_hash_is_checked_once_per_right_password_then_remembered() -> None:
    check = PasswordCheck(max_remembered=2)
    hashed = hash_password("right")
    assert check.matches("u", "right", hashed)
    assert len(check._verified) == 1
    assert check.matches("u", "right", hashed)  # from memory
    assert not check.matches("u", "wrong", hashed)
    assert len(check._verified) == 1  # wrong passwords are never remembered
    assert not check.matches("u", "right", "")  # an empty configured password matches nothing


def test_an_empty_plain_password_authenticates_nobody() -> None:
    users = UserDirectory([ApiUser("dash", "", Role.READ)])
    with pytest.raises(AuthError):
        users.authenticate("dash", "")


def test_hash_password_prints_an_argon2id_hash_of_the_password_read_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("$argon2id$")
    assert PasswordHasher().verify(printed, "correct horse battery")


def test_hash_password_refuses_an_empty_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["hash-password"]) == 2
    assert "the password is empty" in capsys.readouterr().err


def test_only_an_unchecked_password_against_a_hash_is_slow() -> None:
    users = UserDirectory(
        [ApiUser("admin", "plain-password", Role.ADMIN), ApiUser("dash", hash_password("pw"), Role.READ)]
    )
    assert not users.is_slow("admin", "anything")  # plain text: a constant-time compare
    assert users.is_slow("dash", "pw")
    users.authenticate("dash", "pw")
    assert not users.is_slow("dash", "pw")  # remembered once right
    assert users.is_slow("dash", "wrong")  # a wrong one never is
    assert users.is_slow("nobody", "pw")  # an unknown user costs the decoy hash, as a known one would
