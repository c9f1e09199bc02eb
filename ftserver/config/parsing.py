"""Config text: JSON as freqtrade configs are written, with ``//``/``/* */`` comments and trailing commas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rapidjson

from ftserver.errors import ConfigError

_MODE = rapidjson.PM_COMMENTS | rapidjson.PM_TRAILING_COMMAS


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    before = text.encode("utf-8")[:offset].decode("utf-8", errors="ignore")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def parse_config_text(text: str, source: str = "<string>") -> dict[str, Any]:
    try:
        data = rapidjson.loads(text, parse_mode=_MODE)
    except rapidjson.JSONDecodeError as exc:
        # rapidjson reports "Parse error at offset N: message" with a byte offset into the UTF-8 text.
        head, _, message = str(exc).partition(": ")
        offset = int(head.rsplit(" ", 1)[-1]) if head.rsplit(" ", 1)[-1].isdigit() else 0
        line, column = _line_and_column(text, offset)
        raise ConfigError(f"{source}: invalid JSON at line {line}, column {column}: {message or exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a JSON object")
    return data


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config file {path}: not UTF-8 text (byte {exc.start})") from None
    return parse_config_text(text, str(path))
