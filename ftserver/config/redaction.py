"""Secrets out of logs and ``show_config``: every value whose key names a secret is replaced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "REDACTED"
_SECRET_WORDS = ("secret", "password", "token")
_SECRET_KEYS = {"key", "uid", "private_key", "apikey", "api_key", "webhook_url"}
# A webhook's URL usually carries its credential (a token in the path or query).
_SECRET_IN_SECTION = {("webhook", "url")}


def _is_secret(key: str, section: str = "") -> bool:
    lower = key.lower()
    if (section.lower(), lower) in _SECRET_IN_SECTION:
        return True
    return lower in _SECRET_KEYS or any(word in lower for word in _SECRET_WORDS)


def redact(values: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy with every secret value replaced by ``"REDACTED"`` (empty secrets stay empty)."""

    def walk(node: Any, section: str = "") -> Any:
        if isinstance(node, Mapping):
            return {k: (REDACTED if _is_secret(str(k), section) and node[k] else walk(node[k], str(k))) for k in node}
        if isinstance(node, list | tuple):
            return [walk(item) for item in node]
        return node

    redacted: dict[str, Any] = walk(values)
    return redacted
