"""Start-up checks on the API listener: refuse weak credentials beyond loopback, warn on loopback.

On a loopback address only local processes can reach the API, so weak credentials are tolerated
with a warning. Listening anywhere else with them raises ``ConfigError`` naming the setting:

- ``password``: empty (nobody can log in), a published example (README, sample configs, freqtrade's
  docs), or shorter than ``MIN_PASSWORD_LENGTH``: the ban guard slows guessing, it cannot make a
  short password safe;
- ``jwt_secret_key``: published, or shorter than ``MIN_SECRET_LENGTH`` (anyone could sign tokens);
- each ``users[i].password`` given in plain text: the same rules as ``password`` (a hash is taken
  as it is: it does not tell how strong the password is);
- ``ws_token``: published, or shorter than ``MIN_WS_TOKEN_LENGTH`` (the same rule as the JWT
  secret: it is a bearer secret too; freqtrade's docs generate it with ``secrets.token_urlsafe(25)``,
  34 characters). Empty is allowed: the message WebSocket then accepts JWT access tokens only.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ftserver.api.passwords import is_password_hash
from ftserver.config.sections import ApiServerSettings
from ftserver.errors import ConfigError

MIN_SECRET_LENGTH = 32
MIN_WS_TOKEN_LENGTH = 32
MIN_PASSWORD_LENGTH = 12
# Passwords printed in our README and sample configs and in freqtrade's documentation and samples.
KNOWN_EXAMPLE_PASSWORDS = frozenset(
    {
        "ftserver",
        "freqtrader",
        "SuperSecurePassword",
        "SuperSecret1!",
        "replace-with-a-strong-password",
    }
)
# Values printed in freqtrade's documentation and in our sample configs: anyone could use them.
KNOWN_EXAMPLE_SECRETS = frozenset(
    {
        "super-secret",
        "somethingrandom",
        "somethingRandomSomethingRandom123",
        "ftserver-example-jwt-secret-change-me-0123456789",
        "replace-with-at-least-32-random-characters",
    }
)
KNOWN_EXAMPLE_WS_TOKENS = frozenset(
    {
        "secret_ws_t0ken.",
        "sercet_Ws_t0ken",
        "hZ-y58LXyX_HZ8O1cJzVyN6ePWrLpNQv4Q",
        "ftserver-example-ws-token-change-me",
        "replace-with-a-random-token",
    }
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) only accepts connections from this machine."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # another host name may resolve to anything
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _ws_tokens(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def _weakness(values: list[str], published: frozenset[str], minimum: int, published_means: str) -> str | None:
    """Why the credential(s) ``values`` are weak (a published example, or too short), or None."""
    if any(value in published for value in values):
        return f"is a published example value: {published_means}"
    shortest = min((len(value) for value in values), default=minimum)
    if shortest < minimum:
        return f"is {shortest} characters long; use at least {minimum} random characters"
    return None


def check_listen_security(api_server: ApiServerSettings) -> list[str]:
    """Warnings to log for the ``api_server`` section; ``ConfigError`` when it is unsafe off loopback."""
    if not api_server.enabled:
        return []
    host = api_server.listen_ip_address
    ws_tokens = _ws_tokens(api_server.ws_token)
    checks = [
        (
            "api_server.password",
            _weakness(
                [api_server.password or ""], KNOWN_EXAMPLE_PASSWORDS, MIN_PASSWORD_LENGTH, "anyone can log in with it"
            )
            if api_server.password
            else "is empty, so nobody can log in",
        ),
        (
            "api_server.jwt_secret_key",
            _weakness(
                [api_server.jwt_secret_key], KNOWN_EXAMPLE_SECRETS, MIN_SECRET_LENGTH, "anyone can sign tokens with it"
            ),
        ),
        (
            "api_server.ws_token",
            _weakness(ws_tokens, KNOWN_EXAMPLE_WS_TOKENS, MIN_WS_TOKEN_LENGTH, "anyone can open the message WebSocket"),
        ),
        *(
            (
                f"api_server.users[{index}].password",
                _weakness([user.password], KNOWN_EXAMPLE_PASSWORDS, MIN_PASSWORD_LENGTH, "anyone can log in with it")
                if user.password
                else "is empty, so this user cannot log in",
            )
            for index, user in enumerate(api_server.users)
            if not is_password_hash(user.password)  # a hash says nothing of the password's strength
        ),
    ]
    problems = [(key, text) for key, text in checks if text is not None]

    if not is_loopback(host):
        for key, text in problems:
            raise ConfigError(
                f"{text}; refusing to listen on '{host}' (run `ftserver new-config` for fresh secrets, "
                "or listen on 127.0.0.1)",
                key=key,
            )
    warnings = [f"{key} {text} (tolerated only because the API listens on loopback)" for key, text in problems]
    if not ws_tokens:
        warnings.append("api_server.ws_token is empty: the message WebSocket accepts JWT access tokens only")
    return warnings
