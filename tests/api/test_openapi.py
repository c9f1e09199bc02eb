"""The OpenAPI document at /api/v1/openapi.json and the Swagger UI at /docs, on and off."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from ftserver.api.openapi import API_V1, declaration_of, documented_routes
from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.support.scripted_market import ScriptedMarket

from .conftest import PASSWORD, START, Server, app_settings, basic_auth

SECRET = "a-test-secret-that-is-long-enough-0123456789"
WS_TOKEN = "ws-test-token"


async def start_server(aiohttp_client: Any, tmp_path: Path, *, enable_openapi: bool) -> Server:
    """The full server as the ``server`` fixture builds it, with ``enable_openapi`` set."""
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    defaults = app_settings(tmp_path)
    api_server = {**defaults.as_dict()["api_server"], "enable_openapi": enable_openapi}
    settings = app_settings(tmp_path, api_server=api_server)
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    return Server(client, clock, market)


@pytest.fixture
async def docs_server(aiohttp_client: Any, tmp_path: Path) -> Server:
    return await start_server(aiohttp_client, tmp_path, enable_openapi=True)


async def fetch_document(server: Server) -> dict[str, Any]:
    response = await server.client.get("/api/v1/openapi.json")  # no credentials: the document is public
    assert response.status == 200
    assert response.content_type == "application/json"
    return await response.json()


async def test_document_is_valid_openapi_3(docs_server: Server) -> None:
    document = await fetch_document(docs_server)
    assert document["openapi"].startswith("3.0")
    validate(document)  # raises on any violation of the OpenAPI 3.0 schema


async def test_every_registered_route_is_declared_and_in_the_document(docs_server: Server) -> None:
    app = docs_server.client.app
    document = await fetch_document(docs_server)
    # Every route but aiohttp's HEAD twins and the CORS preflights came through a RouteTable.
    undeclared = [
        f"{route.method} {route.resource.canonical if route.resource else route}"
        for route in app.router.routes()
        if route.method not in ("HEAD", "OPTIONS") and declaration_of(route) is None
    ]
    assert undeclared == []
    registered = {(api.method, api.path) for api in documented_routes(app)}
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert registered == listed
    # Ping, a GET with a path id and the aliases are among them: the walk did not skip the usual shapes.
    assert {("GET", "/api/v1/ping"), ("GET", "/api/v1/trade/{tradeid}"), ("POST", "/api/v1/forcesell")} <= listed
    # Each operation in the document is the one declared on the route's handler.
    for api in documented_routes(app):
        operation = document["paths"][api.path][api.method.lower()]
        assert (operation["summary"], operation["tags"]) == (api.operation.summary, [api.operation.tag])


async def test_aliases_are_the_same_handler_documented_as_deprecated(docs_server: Server) -> None:
    app = docs_server.client.app
    paths = (await fetch_document(docs_server))["paths"]
    routes = {(api.method, api.path): api for api in documented_routes(app)}
    aliases = {"/forcebuy": "/forceenter", "/forcesell": "/forceexit", "/stopentry": "/pause", "/stopbuy": "/pause"}
    for alias, of in aliases.items():
        old, new = routes[("POST", API_V1 + alias)], routes[("POST", API_V1 + of)]
        assert old.route.handler is new.route.handler, alias
        assert paths[API_V1 + alias]["post"]["summary"] == f"{new.operation.summary} (alias of {of})"
        assert paths[API_V1 + alias]["post"]["responses"] == paths[API_V1 + of]["post"]["responses"]
    deprecated = {path for path, item in paths.items() for operation in item.values() if operation.get("deprecated")}
    assert deprecated == {API_V1 + alias for alias in aliases}


async def test_every_route_of_the_app_router_is_covered(docs_server: Server) -> None:
    """Walking the router directly: only HEAD, preflights and the non-API pages are left out."""
    document = await fetch_document(docs_server)
    skipped = set()
    for route in docs_server.client.app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method.lower() in document["paths"].get(path, {}):
            continue
        skipped.add((route.method, path))
    assert {method for method, _ in skipped} <= {"HEAD", "OPTIONS", "GET"}
    assert {path for method, path in skipped if method == "GET"} == {
        "/{tail}",
        "/docs",
        "/docs/",
        "/docs/static/{name}",
    }


async def test_security_follows_the_public_marks(docs_server: Server) -> None:
    document = await fetch_document(docs_server)
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBasic"] == {"type": "http", "scheme": "basic"}
    assert schemes["JWT"]["scheme"] == "bearer"
    assert document["security"] == [{"HTTPBasic": []}, {"JWT": []}]
    paths = document["paths"]
    for path, method in [
        ("/api/v1/ping", "get"),
        ("/api/v1/token/login", "post"),
        ("/api/v1/token/refresh", "post"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/message/ws", "get"),
    ]:
        assert paths[path][method]["security"] == [], path
    status = paths["/api/v1/status"]["get"]
    assert "security" not in status  # inherits Basic or JWT
    assert status["responses"]["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    # The routes the auth middleware really lets through are exactly the ones documented as public.
    for path, item in paths.items():
        for method, operation in item.items():
            concrete = re.sub(r"\{\w+\}", "1", path)
            response = await docs_server.client.request(method.upper(), concrete)
            if operation.get("security") != []:
                assert response.status == 401, f"{method} {path}"
            elif "401" not in operation["responses"]:  # the token routes check their own credentials
                assert response.status != 401, f"{method} {path}"


async def test_inputs_come_from_the_request_schemas(docs_server: Server) -> None:
    paths = (await fetch_document(docs_server))["paths"]
    trades = {p["name"]: p for p in paths["/api/v1/trades"]["get"]["parameters"]}
    assert trades["limit"]["in"] == "query"
    assert trades["limit"]["schema"]["maximum"] == 500
    freqtrade = {"limit", "offset", "order_by_id"}
    extensions = {"sort", "order", "pair", "enter_tag", "exit_reason", "from", "to", "result", "updated_since"}
    assert set(trades) == freqtrade | extensions
    assert all(trades[name]["description"].startswith("ftserver extension") for name in extensions)
    candles = {p["name"]: p for p in paths["/api/v1/pair_candles"]["get"]["parameters"]}
    assert candles["pair"]["required"] is True
    trade = paths["/api/v1/trade/{tradeid}"]["get"]["parameters"]
    assert trade == [
        {
            "in": "path",
            "name": "tradeid",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
            "description": "Trade id",
        }
    ]
    body = paths["/api/v1/forceenter"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ForceEnterRequest"}
    locks = paths["/api/v1/locks"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert locks == {"type": "array", "items": {"$ref": "#/components/schemas/LockRequest"}}
    assert "422" in paths["/api/v1/forceenter"]["post"]["responses"]
    assert paths["/api/v1/forcebuy"]["post"]["deprecated"] is True


async def test_response_schemas_forbid_unknown_keys_and_require_every_key(docs_server: Server) -> None:
    schemas = (await fetch_document(docs_server))["components"]["schemas"]
    trade = schemas["OpenTrade"]
    assert trade["additionalProperties"] is False
    assert set(trade["required"]) == set(trade["properties"])
    assert trade["properties"]["close_rate"]["nullable"] is True
    assert schemas["Error"]["required"] == ["code", "detail", "error"]


async def test_document_reveals_no_secret(docs_server: Server) -> None:
    response = await docs_server.client.get("/api/v1/openapi.json")
    text = await response.text()
    for secret in (PASSWORD, SECRET, WS_TOKEN):
        assert secret not in text


async def test_docs_page_loads_swagger_ui_from_this_server(docs_server: Server) -> None:
    response = await docs_server.client.get("/docs")  # public, like freqtrade's
    assert response.status == 200
    assert response.content_type == "text/html"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    html = await response.text()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith("/docs/static/"), asset  # nothing from another host
        loaded = await docs_server.client.get(asset)
        assert loaded.status == 200, asset
        body = await loaded.read()
        assert body, asset
        if asset.endswith(".js"):
            assert loaded.content_type == "text/javascript"
        elif asset.endswith(".css"):
            assert loaded.content_type == "text/css"
    bundle = await (await docs_server.client.get("/docs/static/swagger-ui-bundle.js")).text()
    assert "SwaggerUIBundle" in bundle and len(bundle) > 100_000
    init = await (await docs_server.client.get("/docs/static/ftserver-docs.js")).text()
    assert '"/api/v1/openapi.json"' in init
    assert "validatorUrl: null" in init  # no call to an online validator


async def test_docs_serves_only_the_bundle_files_it_names(docs_server: Server) -> None:
    for path in (
        "/docs/static/index.html",
        "/docs/static/swagger-initializer.js",
        "/docs/static/..%2F..%2F__init__.py",
        "/docs/static/swagger-ui-bundle.js.map",
    ):
        response = await docs_server.client.get(path)
        assert response.status == 404, path
        assert "detail" in await response.json()
    redirect = await docs_server.client.get("/docs/", allow_redirects=False)
    assert redirect.status == 308
    assert redirect.headers["Location"] == "/docs"


async def test_disabled_openapi_serves_nothing(aiohttp_client: Any, tmp_path: Path) -> None:
    server = await start_server(aiohttp_client, tmp_path, enable_openapi=False)
    for path in ("/api/v1/openapi.json", "/docs", "/docs/", "/docs/static/swagger-ui-bundle.js"):
        response = await server.client.get(path, headers=basic_auth())
        assert response.status == 404, path
        assert response.content_type == "application/json"
