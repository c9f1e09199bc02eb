"""The role check: a request whose principal's role is below the matched route's declared role gets 403.

Installed right after ``setup_auth`` (innermost), so it sees the principal. The role comes from the
route's declaration (``Operation.role``, see ``openapi/route.py``); public routes have no principal
and are not checked, nor are requests that match no route (404/405 answer them).
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from ftserver.api.auth import PRINCIPAL
from ftserver.api.openapi.route import declaration_of
from ftserver.api.principal import Principal, Role
from ftserver.errors import Forbidden


def required_role(request: web.Request) -> Role | None:
    """The role the matched route needs; None when no declared route matched."""
    declaration = declaration_of(request.match_info.route)
    return declaration.role if declaration is not None else None


def check_role(principal: Principal, required: Role) -> None:
    if not principal.role.allows(required):
        raise Forbidden(
            f"This needs the {required} role; {principal.username or 'this token'} has the {principal.role} role"
        )


def setup_roles(app: web.Application) -> None:
    """Install the role middleware; call right after ``setup_auth``."""

    @web.middleware
    async def role_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        principal = request.get(PRINCIPAL)
        if principal is not None:
            required = required_role(request)
            if required is not None:
                check_role(principal, required)
        return await handler(request)

    app.middlewares.append(role_middleware)
