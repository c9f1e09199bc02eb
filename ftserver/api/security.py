"""Start-up checks on the API listener: refuse weak credentials beyond loopback, warn on loopback.

On a loopback address only local processes can reach the API, so an empty password or a weak JWT
secret is tolerated with a warning. Listening anywhere else with them raises ``ConfigError`` naming
the setting: an empty password disables every login, a short or published secret lets anyone sign
tokens. A published example ``ws_token`` is refused beyond loopback for the same reason; an empty
or short one only warns (empty means the message WebSocket accepts JWT access tokens only).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ftserver.config.sections import ApiServerSettings
from ftserver.errors import ConfigError

MIN_SECRET_LENGTH = 32
MIN_WS_TOKEN_LENGTH = 16
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


def check_listen_security(api_server: ApiServerSettings) -> list[str]:
    """Warnings to log for the ``api_server`` section; ``ConfigError`` when it is unsafe off loopback."""
    if not api_server.enabled:
        return []
    host = api_server.listen_ip_address
    problems: list[tuple[str, str]] = []
    if not api_server.password:
        problems.append(("api_server.password", "is empty, so nobody can log in"))
    secret = api_server.jwt_secret_key
    if secret in KNOWN_EXAMPLE_SECRETS:
        problems.append(("api_server.jwt_secret_key", "is a published example value: anyone can sign tokens with it"))
    elif len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            (
                "api_server.jwt_secret_key",
                f"is {len(secret)} characters long; use at least {MIN_SECRET_LENGTH} random characters",
            )
        )
    ws_tokens = _ws_tokens(api_server.ws_token)
    if any(token in KNOWN_EXAMPLE_WS_TOKENS for token in ws_tokens):
        problems.append(("api_server.ws_token", "is a published example value: anyone can open the message WebSocket"))

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
    elif any(len(token) < MIN_WS_TOKEN_LENGTH for token in ws_tokens):
        warnings.append(f"api_server.ws_token is short; use at least {MIN_WS_TOKEN_LENGTH} random characters")
    return warnings
