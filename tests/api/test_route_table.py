"""Routes declared on their handlers (``RouteTable``) on a toy app: order, prefix, aliases, public marks, pages."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from marshmallow import Schema, fields

from ftserver.api.auth import public, setup_auth
from ftserver.api.ban import setup_ban
from ftserver.api.errors import setup_errors
from ftserver.api.openapi import (
    API_V1,
    Operation,
    RouteTable,
    build_document,
    declaration_of,
    documented_routes,
    require_declared,
)
from ftserver.api.principal import Role
from ftserver.api.responses import json_response
from ftserver.api.tokens import TokenService
from ftserver.core.clock import ManualClock
from ftserver.rpc.shapes.system import StatusMsg

USER, PASSWORD = "freq", "a-password"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
PING = Operation("auth", "Liveness check", StatusMsg)
PAUSE = Operation("control", "Stop opening trades", StatusMsg, role=Role.ADMIN)


async def answer(request: web.Request) -> web.Response:
    return json_response({"status": "pong"})


def toy_table() -> RouteTable:
    routes = RouteTable(API_V1)

    @routes.get("/ping", op=PING)
    @public
    async def ping(request: web.Request) -> web.Response:
        return await answer(request)

    @public
    @routes.get("/ping_too", op=PING)
    async def ping_too(request: web.Request) -> web.Response:
        return await answer(request)

    @routes.post("/pause", "/stopentry", "/stopbuy", op=PAUSE)
    async def pause(request: web.Request) -> web.Response:
        return json_response({"status": "paused"})

    @routes.page("/page")
    @public
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html></html>", content_type="text/html")

    return routes


def toy_app(routes: RouteTable) -> web.Application:
    clock = ManualClock(datetime(2026, 3, 2, tzinfo=UTC))
    app = web.Application()
    setup_errors(app)
    setup_ban(app)
    setup_auth(
        app,
        username=USER,
        password=PASSWORD,
        tokens=TokenService(SECRET, username=USER, password=PASSWORD, clock=clock),
        ban=None,
    )
    routes.register(app)
    return app


def test_routes_are_registered_in_declaration_order_under_the_prefix() -> None:
    app = toy_app(toy_table())
    assert [(route.method, route.resource.canonical) for route in app.router.routes() if route.resource] == [
        ("HEAD", "/api/v1/ping"),
        ("GET", "/api/v1/ping"),
        ("HEAD", "/api/v1/ping_too"),
        ("GET", "/api/v1/ping_too"),
        ("POST", "/api/v1/pause"),
        ("POST", "/api/v1/stopentry"),
        ("POST", "/api/v1/stopbuy"),
        ("HEAD", "/api/v1/page"),
        ("GET", "/api/v1/page"),
    ]


def test_aliases_share_the_handler_and_are_deprecated_copies_of_the_operation() -> None:
    routes = {(r.method, r.path): r for r in documented_routes(toy_app(toy_table()))}
    primary = routes[("POST", "/api/v1/pause")]
    assert primary.operation == PAUSE
    for alias in ("/api/v1/stopentry", "/api/v1/stopbuy"):
        declared = routes[("POST", alias)]
        assert declared.route.handler is primary.route.handler
        assert declared.operation.deprecated is True
        assert declared.operation.summary == "Stop opening trades (alias of /pause)"
        assert declared.operation.response is PAUSE.response


async def test_public_mark_holds_whichever_decorator_is_outermost(aiohttp_client: Any) -> None:
    client = await aiohttp_client(toy_app(toy_table()))
    for path in ("/api/v1/ping", "/api/v1/ping_too", "/api/v1/page"):
        response = await client.get(path)
        assert response.status == 200, path
    assert (await client.post("/api/v1/stopbuy")).status == 401  # not marked: credentials needed
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert (await client.post("/api/v1/stopbuy", headers={"Authorization": f"Basic {basic}"})).status == 200


def test_pages_are_left_out_of_the_document() -> None:
    document = build_document(toy_app(toy_table()))
    assert set(document["paths"]) == {
        "/api/v1/ping",
        "/api/v1/ping_too",
        "/api/v1/pause",
        "/api/v1/stopentry",
        "/api/v1/stopbuy",
    }
    assert document["paths"]["/api/v1/stopbuy"]["post"]["deprecated"] is True
    assert "deprecated" not in document["paths"]["/api/v1/pause"]["post"]


def test_a_route_cannot_be_declared_without_an_operation() -> None:
    routes = RouteTable(API_V1)
    with pytest.raises(TypeError):
        routes.get("/version")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="GET /api/v1/version: op must be an Operation"):
        routes.get("/version", op=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="op must be an Operation"):
        routes.post("/version", op={"summary": "a dict is not an operation"})  # type: ignore[arg-type]


def test_a_route_that_is_not_a_get_cannot_be_declared_without_a_role() -> None:
    routes = RouteTable(API_V1)
    with pytest.raises(TypeError, match="POST /api/v1/pause: a POST route must name its role"):
        routes.post("/pause", op=PING)
    with pytest.raises(TypeError, match="DELETE /api/v1/locks: a DELETE route must name its role"):
        routes.delete("/locks", op=PING)
    routes.get("/ping", op=PING)(answer)  # a GET is read unless it says otherwise
    routes.get("/show_config", op=replace(PING, role=Role.ADMIN))(answer)
    assert [(d.path, d.role) for d in routes] == [("/api/v1/ping", Role.READ), ("/api/v1/show_config", Role.ADMIN)]


def test_a_path_declared_twice_is_refused() -> None:
    routes = RouteTable(API_V1)
    routes.get("/ping", op=PING)(answer)
    routes.post("/ping", op=PAUSE)(answer)  # another method on the same path is fine
    with pytest.raises(ValueError, match="GET /api/v1/ping is declared twice"):
        routes.get("/ping", op=PING)(answer)
    with pytest.raises(ValueError, match="POST /api/v1/ping is declared twice"):
        routes.post("/pong", "/ping", op=PAUSE)(answer)


def test_an_empty_table_refuses_to_register() -> None:
    with pytest.raises(RuntimeError, match="No route is declared"):
        RouteTable(API_V1).register(web.Application())


def test_a_route_added_to_the_router_by_hand_fails_the_document() -> None:
    app = toy_app(toy_table())
    require_declared(app)
    app.router.add_get("/api/v1/by_hand", answer)
    with pytest.raises(LookupError, match=r"without a RouteTable declaration: GET /api/v1/by_hand$"):
        require_declared(app)
    route = next(r for r in app.router.routes() if r.method == "GET" and r.resource.canonical.endswith("by_hand"))
    assert declaration_of(route) is None
    with pytest.raises(LookupError, match="GET /api/v1/by_hand was added to the router without"):
        build_document(app)


def test_a_declared_handler_registered_on_another_path_by_hand_is_still_undeclared() -> None:
    routes = toy_table()
    app = toy_app(routes)
    pause = next(d.handler for d in routes if d.path == "/api/v1/pause")
    app.router.add_post("/api/v1/sneaky", pause)
    with pytest.raises(LookupError, match="POST /api/v1/sneaky"):
        build_document(app)


def test_a_placeholder_with_a_pattern_matches_its_declaration() -> None:
    routes = RouteTable(API_V1)
    routes.get("/trade/{tradeid:[0-9]+}", op=PING)(answer)
    app = web.Application()
    routes.register(app)
    assert [r.path for r in documented_routes(app)] == ["/api/v1/trade/{tradeid}"]


def test_a_hand_written_response_schema_fails_the_document() -> None:
    class PongSchema(Schema):
        status = fields.String()

    routes = toy_table()

    @routes.get("/pong", op=Operation("auth", "Liveness check, described twice", PongSchema))
    async def pong(request: web.Request) -> web.Response:
        return await answer(request)

    with pytest.raises(TypeError, match=r"declare the answer's wire shape .*, not PongSchema"):
        build_document(toy_app(routes))
