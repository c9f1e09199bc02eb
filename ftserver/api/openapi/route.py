"""Routes declared on their handlers: method, path (with its deprecated aliases) and OpenAPI operation.

A routes module keeps one ``RouteTable``; each handler is decorated with its path and ``Operation``::

    routes = RouteTable(API_V1)

    @routes.post("/forceenter", "/forcebuy", op=Operation("trades", "Open a trade now", OpenTradeSchema))
    async def force_enter(request: web.Request) -> web.Response: ...

    def setup_trade_routes(app: web.Application) -> None:
        routes.register(app)

The decorator returns the handler itself (it only sets an attribute), so ``@public`` may sit above or
below it. ``register`` adds the routes in the order they were declared, which is the router's
matching order. An operation is a required argument: a route cannot be declared without one, except
through ``page``, for what is not API (the web UI, the Swagger UI), which the document leaves out;
``require_declared`` (called once the app's routes are all in) refuses a route added by hand.

Each API route needs a role (``Operation.role``): a GET is ``read`` unless it says otherwise, any other
method must name its role or the declaration raises ``TypeError``. The auth middleware reads the
role from the matched route's declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from aiohttp import hdrs, web

from ftserver.api.openapi.operation import Operation
from ftserver.api.principal import Role

API_V1 = "/api/v1"
ROUTES_ATTR = "ftserver_routes"

H = TypeVar("H", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class RouteDeclaration:
    method: str
    path: str  # as registered, prefix included
    handler: Callable[..., Any]
    operation: Operation | None  # None: a page, not part of the API

    @property
    def role(self) -> Role:
        """The least role that may call the route (a page: ``read``, though pages are public)."""
        if self.operation is None or self.operation.role is None:
            return Role.READ
        return self.operation.role

    @property
    def audited(self) -> bool:
        """Whether a call goes into the audit log: every state-changing route that does not opt out."""
        if self.operation is None:
            return False
        if self.operation.audited is None:
            return self.method != hdrs.METH_GET
        return self.operation.audited

    @property
    def canonical(self) -> str:
        """The path as the router reports it (``resource.canonical``): placeholders without their regex."""
        return web.DynamicResource(self.path).canonical if "{" in self.path else self.path


class RouteTable:
    """The routes of one module (or one setup function), in declaration order, under one path prefix."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self._declared: list[RouteDeclaration] = []

    def __iter__(self) -> Iterator[RouteDeclaration]:
        return iter(self._declared)

    def get(self, path: str, *aliases: str, op: Operation) -> Callable[[H], H]:
        return self._route(hdrs.METH_GET, path, aliases, op)

    def post(self, path: str, *aliases: str, op: Operation) -> Callable[[H], H]:
        return self._route(hdrs.METH_POST, path, aliases, op)

    def delete(self, path: str, *aliases: str, op: Operation) -> Callable[[H], H]:
        return self._route(hdrs.METH_DELETE, path, aliases, op)

    def patch(self, path: str, *aliases: str, op: Operation) -> Callable[[H], H]:
        return self._route(hdrs.METH_PATCH, path, aliases, op)

    def page(self, path: str) -> Callable[[H], H]:
        """A GET route that is not API (a web page or its files): never listed in the OpenAPI document."""

        def declare(handler: H) -> H:
            self._declare(RouteDeclaration(hdrs.METH_GET, self.prefix + path, handler, None))
            return handler

        return declare

    def _route(self, method: str, path: str, aliases: tuple[str, ...], op: Operation) -> Callable[[H], H]:
        if not isinstance(op, Operation):
            raise TypeError(f"{method} {self.prefix}{path}: op must be an Operation, not {op!r}")
        if op.role is None:
            if method != hdrs.METH_GET:
                raise TypeError(
                    f"{method} {self.prefix}{path}: a {method} route must name its role (Operation(role=...))"
                )
            op = replace(op, role=Role.READ)

        def declare(handler: H) -> H:
            self._declare(RouteDeclaration(method, self.prefix + path, handler, op))
            for alias in aliases:
                self._declare(RouteDeclaration(method, self.prefix + alias, handler, op.alias(path)))
            return handler

        return declare

    def _declare(self, declaration: RouteDeclaration) -> None:
        if any((d.method, d.path) == (declaration.method, declaration.path) for d in self._declared):
            raise ValueError(f"{declaration.method} {declaration.path} is declared twice")
        self._declared.append(declaration)
        handler = declaration.handler
        setattr(handler, ROUTES_ATTR, (*getattr(handler, ROUTES_ATTR, ()), declaration))

    def register(self, app: web.Application) -> None:
        """Add every declared route to ``app``'s router, in declaration order (GET routes answer HEAD too)."""
        if not self._declared:
            raise RuntimeError(f"No route is declared under {self.prefix or '/'!r}; nothing to register")
        for d in self._declared:
            if d.method == hdrs.METH_GET:
                app.router.add_get(d.path, d.handler)
            else:
                app.router.add_route(d.method, d.path, d.handler)


def require_declared(app: web.Application) -> None:
    """Raise ``LookupError`` naming every route added to ``app`` by hand (aiohttp's HEAD twins and
    CORS preflights aside); call it once every route is registered."""
    undeclared = [
        f"{route.method} {route.resource.canonical if route.resource else route}"
        for route in app.router.routes()
        if route.method not in (hdrs.METH_HEAD, hdrs.METH_OPTIONS) and declaration_of(route) is None
    ]
    if undeclared:
        raise LookupError(f"Routes added without a RouteTable declaration: {', '.join(undeclared)}")


def declaration_of(route: web.AbstractRoute) -> RouteDeclaration | None:
    """The declaration a registered route came from; None when it was added to the router by hand."""
    if route.resource is None:
        return None
    canonical = route.resource.canonical
    declarations: tuple[RouteDeclaration, ...] = getattr(route.handler, ROUTES_ATTR, ())
    for declaration in declarations:
        if declaration.method == route.method and declaration.canonical == canonical:
            return declaration
    return None
