"""JSON responses encoded with orjson (fast, handles datetimes and numpy scalars, NaN becomes null)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=_OPTIONS)


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=dumps(data), status=status, content_type="application/json", headers=headers)


def error_response(
    status: int, detail: str, code: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> web.Response:
    """The one error body shape: ``detail`` (what freqtrade clients read), ``error`` (same text), ``code``."""
    return json_response({"detail": detail, "error": detail, "code": code, **extra}, status=status, headers=headers)
