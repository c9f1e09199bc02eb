"""JSON responses encoded with orjson (fast, handles datetimes and numpy scalars, NaN becomes null)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson
from aiohttp import web

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
STREAM_PIECE_BYTES = 64 * 1024


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=_OPTIONS)


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=dumps(data), status=status, content_type="application/json", headers=headers)


async def streamed_json_response(
    request: web.Request,
    data: object,
    *,
    piece_bytes: int = STREAM_PIECE_BYTES,
    headers: Mapping[str, str] | None = None,
) -> web.StreamResponse:
    """The JSON ``json_response`` would send, written in pieces of ~``piece_bytes`` as the client reads them.

    ``data`` is a wire shape (a dataclass) or a mapping. For answers of megabytes (a /trades page
    of 500 trades is ~1.5 MB): a body encoded whole stays in memory once per connection until that
    client has read all of it, so 50 slow clients hold 50 copies. Here the items of top-level lists
    are encoded one by one (they may be shared, pre-encoded ``orjson.Fragment`` rows) and a
    connection holds about one piece at a time.
    """
    response = web.StreamResponse(headers=headers)
    response.content_type = "application/json"
    await response.prepare(request)
    pending: list[bytes] = []
    size = 0
    try:
        for part in _json_parts(data):
            pending.append(part)
            size += len(part)
            if size >= piece_bytes:
                await response.write(b"".join(pending))  # waits while the client is behind
                pending.clear()
                size = 0
        await response.write_eof(b"".join(pending))
    except ConnectionResetError:
        pass  # the client went away mid-answer: nobody is left to tell
    return response


def _members(data: object) -> Iterable[tuple[str, Any]]:
    if isinstance(data, Mapping):
        return data.items()
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return ((f.name, getattr(data, f.name)) for f in dataclasses.fields(data))
    raise TypeError(f"a streamed answer is a JSON object: a dataclass or a mapping, not {type(data).__name__}")


def _json_parts(data: object) -> Iterator[bytes]:
    """The object's JSON: keys in order (a dataclass's field order, as orjson writes it whole)."""
    yield b"{"
    for index, (key, value) in enumerate(_members(data)):
        yield (b"," if index else b"") + dumps(key) + b":"
        if isinstance(value, list):
            yield b"["
            for position, item in enumerate(value):
                if position:
                    yield b","
                yield dumps(item)
            yield b"]"
        else:
            yield dumps(value)
    yield b"}"


def error_response(
    status: int, detail: str, code: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> web.Response:
    """The one error body shape: ``detail`` (what freqtrade clients read), ``error`` (same text), ``code``."""
    return json_response({"detail": detail, "error": detail, "code": code, **extra}, status=status, headers=headers)
