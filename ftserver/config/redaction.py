"""Secrets out of logs and ``show_config``: every value whose key names a secret is replaced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "REDACTED"
_SECRET_WORDS = ("secret", "password", "token")
_SECRET_KEYS = {"key", "uid", "private_key", "apikey", "api_key"}


def _is_secret(key: str) -> bool:
    lower = key.lower()
    return lower in _SECRET_KEYS or any(word in lower for word in _SECRET_WORDS)


def redact(values: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy with every secret value replaced by ``"REDACTED"`` (empty secrets stay empty)."""

    def walk(node: Any) -> Any:
        if isinstance(node, Mapping):
            return {k: (REDACTED if _is_secret(str(k)) and node[k] else walk(node[k])) for k in node}
        if isinstance(node, list | tuple):
            return [walk(item) for item in node]
        return node

    redacted: dict[str, Any] = walk(values)
    return redacted
