"""Start-up checks on the API listener: refuse weak secrets beyond loopback, warn on loopback."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from ftserver.errors import ConfigError

MIN_SECRET_LENGTH = 32
# Secrets printed in documentation and sample configs: anyone could sign tokens with them.
KNOWN_EXAMPLE_SECRETS = frozenset(
    {
        "super-secret",
        "somethingrandom",
        "somethingRandomSomethingRandom123",
        "ftserver-example-jwt-secret-change-me-0123456789",
    }
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen_security(api_server: Mapping[str, Any]) -> list[str]:
    """Warnings to log; raises ``ConfigError`` for problems that are unsafe off loopback."""
    if not api_server.get("enabled", True):
        return []
    host = str(api_server.get("listen_ip_address", ""))
    problems: list[tuple[str, str]] = []
    if not api_server.get("password"):
        problems.append(("api_server.password", "is empty: nobody can log in, and anyone could if it were accepted"))
    secret = str(api_server.get("jwt_secret_key") or "")
    if len(secret) < MIN_SECRET_LENGTH:
        problems.append(("api_server.jwt_secret_key", f"is shorter than {MIN_SECRET_LENGTH} characters"))
    elif secret in KNOWN_EXAMPLE_SECRETS:
        problems.append(("api_server.jwt_secret_key", "is a published example value"))
    warnings = []
    ws_token = api_server.get("ws_token")
    tokens = ws_token if isinstance(ws_token, list) else [ws_token]
    if any(t is not None and 0 < len(str(t)) < 16 for t in tokens):
        warnings.append("api_server.ws_token is short; use 16 characters or more")
    if not is_loopback(host):
        for key, text in problems:
            raise ConfigError(
                f"{text}; refusing to listen on {host} (run `ftserver new-config` for fresh secrets)", key=key
            )
    warnings.extend(f"{key} {text} (acceptable only because the API listens on loopback)" for key, text in problems)
    return warnings
