"""The audit log: every state-changing request, who made it and how it ended, appended to the database.

A route is audited when its declaration says so (every route that is not a GET, unless its
``Operation`` opts out: POSTs that only read, the token refresh). The middleware sits just inside the
request log and outside the error middleware, so it records the status and ``detail`` the client
got, whatever layer answered: a 401 from auth, a 403 from the role check, a 409 from the bot, a 500.

Recorded: time, who (the user, the API token's name, or the username a refused Basic header claimed),
role, how they authenticated, client address, method, route as declared, parameters (path, query and
JSON body, every value under a key naming a secret replaced, at most ``MAX_PARAMS_CHARS``), status,
outcome and the trade id touched. A failed write is logged and the request still answered: the action
it records has already happened.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from ftserver.api.auth import PRINCIPAL, bearer_token, parse_basic
from ftserver.api.ban import client_ip
from ftserver.api.openapi.route import declaration_of
from ftserver.config.redaction import redact
from ftserver.core.clock import Clock
from ftserver.errors import AuthError, FtServerError
from ftserver.rpc.access_port import AccessStore, AuditEntry

log = logging.getLogger(__name__)

MAX_PARAMS_CHARS = 4096
_MAX_PARSED_BODY = 65536


def _json(body: bytes) -> Any:
    if not body.strip() or len(body) > _MAX_PARSED_BODY:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


async def request_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if request.match_info:
        params["path"] = dict(request.match_info)
    if request.query:
        params["query"] = {key: request.query.getall(key) for key in request.query}
    if request.can_read_body or request.body_exists:
        raw = await request.read()  # aiohttp keeps the body once read: the handler already had it
        body = _json(raw)
        params["body"] = body if body is not None else f"<{len(raw)} bytes, not JSON>"
    safe = redact({"params": params})["params"]
    encoded = orjson.dumps(safe).decode()
    if len(encoded) > MAX_PARAMS_CHARS:
        return {"truncated": encoded[:MAX_PARAMS_CHARS]}
    assert isinstance(safe, dict)
    return safe


def _trade_id(params: dict[str, Any], answer: Any) -> int | None:
    for candidate in (
        params.get("path", {}).get("tradeid"),
        params.get("body", {}).get("tradeid") if isinstance(params.get("body"), dict) else None,
        answer.get("trade_id") if isinstance(answer, dict) else None,
    ):
        if isinstance(candidate, int) or (isinstance(candidate, str) and candidate.isdigit()):
            return int(candidate)
    return None


def _who(request: web.Request) -> tuple[str, str | None, str, str | None]:
    """(actor, role, via, token name) of the request; for a refused one, the username it claimed."""
    principal = request.get(PRINCIPAL)
    if principal is not None:
        actor = principal.username or principal.via
        return actor, str(principal.role), principal.via, principal.token_name
    header = request.headers.get(hdrs.AUTHORIZATION, "")
    if header and bearer_token(header) is None:
        try:
            return parse_basic(header)[0], None, "basic", None
        except AuthError:
            pass
    return "", None, "none", None


def _outcome(response: web.StreamResponse) -> tuple[str, Any]:
    """(outcome text, the JSON answer when there is a small one)."""
    body = response.body if isinstance(response, web.Response) else None
    answer = _json(body) if isinstance(body, bytes) else None
    if response.status < 400:
        return "ok", answer
    detail = answer.get("detail") if isinstance(answer, dict) else None
    return (str(detail) if detail else response.reason or "error"), answer


def setup_audit(app: web.Application, store: AccessStore, clock: Clock) -> None:
    """Install the audit middleware; call right after ``setup_errors`` and ``setup_request_logging``."""

    @web.middleware
    async def audit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        declaration = declaration_of(request.match_info.route)
        if declaration is None or not declaration.audited:
            return await handler(request)
        response = await handler(request)
        try:
            params = await request_params(request)
            outcome, answer = _outcome(response)
            actor, role, via, token_name = _who(request)
            await store.append_audit(
                AuditEntry(
                    at=clock.now(),
                    actor=actor,
                    role=role,
                    via=via,
                    token_name=token_name,
                    client=client_ip(request),
                    method=request.method,
                    route=declaration.canonical,
                    params=params,
                    status=response.status,
                    outcome=outcome,
                    trade_id=_trade_id(params, answer),
                )
            )
        except (FtServerError, OSError, ValueError) as exc:
            log.error("Could not write the audit entry for %s %s: %s", request.method, request.path, exc)
        return response

    # Just inside the request log, outside the error middleware: it sees the answer the client gets.
    app.middlewares.insert(1, audit_middleware)
