"""Reading requests: query strings and JSON bodies through marshmallow schemas, path ids in range.

Malformed JSON or a bad query/path value is a 400; a well-formed body that fails validation is a
422 with marshmallow's field messages (the error middleware renders both).
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from marshmallow import Schema, ValidationError

from ftserver.errors import InvalidRequest

SQLITE_MAX_INT = 2**63 - 1


def parse_query(request: web.Request, schema: Schema) -> dict[str, Any]:
    """Validate the query string. Repeated keys become lists for fields declared as lists."""
    raw: dict[str, Any] = {}
    for key in request.query:
        values = request.query.getall(key)
        field = schema.fields.get(key)
        is_list = field is not None and field.__class__.__name__ == "List"
        raw[key] = values if is_list else values[-1]
    try:
        loaded: dict[str, Any] = schema.load(raw)
        return loaded
    except ValidationError as exc:
        raise InvalidRequest(_first_problem(exc)) from None


async def parse_body(request: web.Request, schema: Schema, *, many: bool = False) -> Any:
    """Validate a JSON body. An empty body counts as ``{}`` (FreqUI posts ``{}`` or nothing)."""
    raw = await request.read()
    try:
        data = orjson.loads(raw) if raw.strip() else ({} if not many else [])
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"Malformed JSON body: {exc}") from None
    return schema.load(data, many=many)


def path_int(request: web.Request, name: str) -> int:
    value = request.match_info[name]
    try:
        number = int(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be an integer, not {value!r}") from None
    if not 0 <= number <= SQLITE_MAX_INT:
        raise InvalidRequest(f"{name} is out of range: {value}")
    return number


def _first_problem(exc: ValidationError) -> str:
    messages = exc.normalized_messages()
    if isinstance(messages, dict):
        key, problem = next(iter(messages.items()))
        text = problem[0] if isinstance(problem, list) and problem else problem
        return f"Invalid query parameter '{key}': {text}"
    return f"Invalid query: {messages}"
