"""Builds the OpenAPI 3 document from the app's router and the operations declared on its handlers.

Every route the router holds is listed (HEAD and CORS preflights aside, and the routes declared as
pages: the UI's catch-all and the Swagger UI itself), with its query parameters and body from the
request schemas, its answer from the wire shape it declares (see ``shapes``), the error body for
failures, and the security it needs: HTTP Basic or a Bearer JWT, except on routes whose handler is
marked public.
A route added to the router without a declaration (see ``route``) makes the build fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from aiohttp import hdrs, web
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from ftserver import __version__
from ftserver.api.auth import PUBLIC_ATTR
from ftserver.api.openapi.operation import Operation
from ftserver.api.openapi.route import API_V1, declaration_of
from ftserver.api.openapi.shapes import is_shape, shape_schema
from ftserver.api.schemas.errors import ErrorSchema
from ftserver.api.schemas.requests import TradeIdField

OPENAPI_VERSION = "3.0.3"  # what the bundled Swagger UI reads
OPENAPI_PATH = f"{API_V1}/openapi.json"
BASIC = "HTTPBasic"
BEARER = "JWT"

_PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "tradeid": {"schema": {"type": "integer", "minimum": 0}, "description": "Trade id"},
    "lockid": {"schema": {"type": "integer", "minimum": 0}, "description": "Lock id"},
    "strategy": {"schema": {"type": "string"}, "description": "Strategy class name"},
}
_ERROR_TEXT = {
    400: "Malformed JSON, or a bad query or path value",
    401: "Missing or invalid credentials or token (see WWW-Authenticate)",
    403: "Refused token, or the caller's role is below the route's (see x-role)",
    404: "Not found",
    409: "Conflicts with the bot's state (already open, locked, no free slot, stopped)",
    422: "Invalid body; marshmallow's messages per field under `errors`",
    429: "Too many failed logins from this address; see Retry-After",
    502: "The exchange (or the feature) answered with an error",
    503: "Bot is not in the correct state (webserver mode) or the exchange is unavailable",
}
_SUCCESS_TEXT = {200: "Success", 101: "Switching to the WebSocket protocol"}
_DESCRIPTION = """\
freqtrade's REST API dialect (API 2.50), served by ftserver.

Authenticate with HTTP Basic (the configured `username`/`password`) or with a Bearer access token
from `POST /api/v1/token/login`. Every error is JSON `{"detail", "error", "code"}`.
"""
_PARAM_WORDS = re.compile(r"[^a-z0-9]+")


class ApiRoute(NamedTuple):
    method: str
    path: str  # the router's canonical path
    route: web.AbstractRoute
    operation: Operation


def documented_routes(app: web.Application) -> Iterator[ApiRoute]:
    """Every route the document lists, in registration order; ``LookupError`` for an undeclared route."""
    for route in app.router.routes():
        if route.method in (hdrs.METH_HEAD, hdrs.METH_OPTIONS) or route.resource is None:
            continue
        path = route.resource.canonical
        declaration = declaration_of(route)
        if declaration is None:
            raise LookupError(f"{route.method} {path} was added to the router without a RouteTable declaration")
        if declaration.operation is not None:
            yield ApiRoute(route.method, path, route, declaration.operation)


def _tuple_items(converter: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """A fixed-length array: OpenAPI 3.0 has no per-position items, so list the types that may occur."""
    if not isinstance(field, fields.Tuple):
        return {}
    items: list[dict[str, Any]] = []
    for inner in field.tuple_fields:
        prop = converter.field2property(inner)
        if prop not in items:
            items.append(prop)
    size = len(field.tuple_fields)
    return {
        "type": "array",
        "minItems": size,
        "maxItems": size,
        "items": items[0] if len(items) == 1 else {"anyOf": items},
    }


def _trade_id(converter: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    if not isinstance(field, TradeIdField):
        return {}
    return {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^(all|[0-9]+)$"}]}


def _operation_id(method: str, path: str) -> str:
    tail = path.removeprefix(f"{API_V1}/")
    return f"{method.lower()}_{_PARAM_WORDS.sub('_', tail.lower()).strip('_')}"


def _json(schema: Any, description: str, media_type: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": schema}}}


def _success(op: Operation) -> dict[str, Any]:
    description = _SUCCESS_TEXT.get(op.status or 200, "Success")
    if op.response is None:
        return {"description": description}
    if is_shape(op.response):
        schema: Any = shape_schema(op.response)(many=op.many)
    elif isinstance(op.response, type):
        # A hand-written response schema would be a second definition of what the RPC verb builds.
        raise TypeError(f"{op.summary!r}: declare the answer's wire shape (a dataclass), not {op.response.__name__}")
    else:
        schema = dict(op.response)
    return _json(schema, description, op.media_type)


def _has_required(schema: type[Schema]) -> bool:
    return any(field.required for field in schema().fields.values())


def _operation(api: ApiRoute) -> dict[str, Any]:
    method, path, route, op = api
    public = bool(getattr(route.handler, PUBLIC_ATTR, False))
    names = re.findall(r"\{(\w+)\}", path)
    doc: dict[str, Any] = {"operationId": _operation_id(method, path), "summary": op.summary, "tags": [op.tag]}
    if op.description:
        doc["description"] = op.description
    if op.deprecated:
        doc["deprecated"] = True
    doc["responses"] = {} if op.status is None else {str(op.status): _success(op)}
    parameters: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, **_PATH_PARAMETERS.get(name, {"schema": {"type": "string"}})}
        for name in names
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    parameters.extend(dict(p) for p in op.parameters)
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {
            "required": _has_required(op.body),
            "content": {"application/json": {"schema": op.body(many=op.body_many)}},
        }
    statuses: set[int] = set(op.errors)
    if parameters or op.body is not None:
        statuses.add(400)
    if op.body is not None:
        statuses.add(422)
    if names:
        statuses.add(404)
    if public:
        doc["security"] = []
    else:
        statuses.update((401, 429))
        doc["x-role"] = str(op.role or "read")  # the least role that may call it (read < trade < admin)
        if op.role not in (None, "read"):
            statuses.add(403)
    for status in sorted(statuses):
        doc["responses"][str(status)] = _json(ErrorSchema, _ERROR_TEXT.get(status, "Error"))
    return doc


def build_document(app: web.Application) -> dict[str, Any]:
    """The OpenAPI 3 document of ``app``'s routes; build it after every route is registered."""
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title="ftserver REST API",
        version=__version__,
        openapi_version=OPENAPI_VERSION,
        plugins=[marshmallow_plugin],
        info={"description": _DESCRIPTION},
        security=[{BASIC: []}, {BEARER: []}],
    )
    converter = marshmallow_plugin.converter  # set by APISpec through the plugin's init_spec
    if converter is None:
        raise RuntimeError("apispec did not initialise the marshmallow plugin")
    converter.add_attribute_function(_tuple_items)
    converter.add_attribute_function(_trade_id)
    spec.components.security_scheme(BASIC, {"type": "http", "scheme": "basic"})
    spec.components.security_scheme(BEARER, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    paths: dict[str, dict[str, Any]] = {}
    for api in documented_routes(app):
        paths.setdefault(api.path, {})[api.method.lower()] = _operation(api)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
