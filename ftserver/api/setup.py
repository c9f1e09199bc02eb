"""Assembles the HTTP application: middlewares in their order, every route, CORS last.

Middleware order, outermost first: request log -> metrics (when enabled) -> audit -> error -> ban ->
auth -> roles. Metrics and audit see the answer the client got. The error middleware
turns whatever the inner layers raise into JSON; the ban middleware resolves the client's address
(behind trusted proxies); auth consults the ban guard for the credentials it checks, so handlers
always see an authenticated principal; roles refuses (403) a principal below the route's role.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from ftserver.api import keys
from ftserver.api.api_tokens import ApiTokens
from ftserver.api.audit import setup_audit
from ftserver.api.auth import setup_auth
from ftserver.api.ban import BanGuard, ClientAddresses, setup_ban
from ftserver.api.cors import setup_cors
from ftserver.api.errors import setup_errors
from ftserver.api.etag import setup_etags
from ftserver.api.logging_middleware import setup_request_logging
from ftserver.api.metrics import setup_metrics
from ftserver.api.openapi import require_declared
from ftserver.api.principal import Role
from ftserver.api.roles import setup_roles
from ftserver.api.routes.access import setup_access_routes
from ftserver.api.routes.backtest import setup_backtest_routes
from ftserver.api.routes.candles import setup_candle_routes
from ftserver.api.routes.control import setup_control_routes
from ftserver.api.routes.docs import setup_openapi
from ftserver.api.routes.jobs import setup_job_routes
from ftserver.api.routes.pairs import setup_pair_routes
from ftserver.api.routes.ping import setup_ping_routes
from ftserver.api.routes.profit import setup_profit_routes
from ftserver.api.routes.research import setup_research_routes
from ftserver.api.routes.system import setup_system_routes
from ftserver.api.routes.tokens import setup_token_routes
from ftserver.api.routes.trades import setup_trade_routes
from ftserver.api.state_store import StateStore
from ftserver.api.tls import setup_hsts, tls_enabled
from ftserver.api.tokens import TokenRevocations, TokenService
from ftserver.api.ui import resolve_ui_dir, setup_ui_routes
from ftserver.api.users import ApiUser, UserDirectory
from ftserver.api.ws.endpoint import setup_ws
from ftserver.api.ws.hub import WsHub
from ftserver.api.ws.replay import ReplayBuffer
from ftserver.config import Settings
from ftserver.config.sections import ApiServerSettings
from ftserver.core.clock import Clock
from ftserver.errors import ConfigError
from ftserver.rpc.access_port import AccessStore

log = logging.getLogger(__name__)


def setup_api(
    app: web.Application,
    settings: Settings,
    *,
    clock: Clock,
    ban_store: StateStore | None = None,
    revocation_store: StateStore | None = None,
    access: AccessStore | None = None,
) -> None:
    """``ban_store`` and ``revocation_store`` keep bans and revoked tokens across restarts (in memory
    only when not given); ``access`` stores API tokens and the audit log (neither exists without it)."""
    api = settings.api_server
    users = user_directory(api)
    revocations = TokenRevocations(clock=clock, store=revocation_store)
    tokens = TokenService(
        api.jwt_secret_key,
        username=api.username,
        password=api.password,
        clock=clock,
        revocations=revocations,
        users=users,
    )
    app[keys.TOKENS] = tokens
    guard = BanGuard(
        limit=api.auth_fail_limit,
        window=api.auth_fail_window,
        ban_seconds=api.auth_ban_seconds,
        clock=clock,
        store=ban_store,
    )
    setup_errors(app)
    if tls_enabled(api):
        setup_hsts(app)
    setup_request_logging(app, api.verbosity)
    if access is not None:
        setup_audit(app, access, clock)
    setup_ban(app, ClientAddresses(api.trusted_proxies))
    api_tokens = None
    if access is not None:
        app[keys.ACCESS] = access
        api_tokens = ApiTokens(access, clock)
        app[keys.API_TOKENS] = api_tokens
    setup_auth(app, tokens=tokens, ban=guard, users=users, api_tokens=api_tokens)
    setup_roles(app)
    setup_etags(app)  # innermost: only answers the caller was allowed to see are tagged

    setup_ping_routes(app)
    setup_token_routes(app, tokens=tokens, ban=guard, users=users)
    setup_system_routes(app)
    setup_control_routes(app)
    setup_trade_routes(app)
    setup_profit_routes(app)
    setup_pair_routes(app)
    setup_candle_routes(app)
    setup_research_routes(app)
    setup_job_routes(app)
    setup_backtest_routes(app)
    if access is not None:
        setup_access_routes(app)

    hub = WsHub(
        app[keys.BUS],
        queue_size=api.ws_queue_size,
        send_timeout=api.ws_send_timeout,
        replay=ReplayBuffer(max_messages=api.ws_replay_size, max_age=api.ws_replay_age),
    )
    app[keys.WS_HUB] = hub
    ws_token = api.ws_token
    setup_ws(
        app,
        hub=hub,
        tokens=tokens,
        ws_tokens=[ws_token] if isinstance(ws_token, str) else list(ws_token),
        source_key=keys.RPC,
        heartbeat=api.ws_heartbeat,
        ban=guard,
        api_tokens=api_tokens,
    )

    async def hub_lifecycle(app: web.Application) -> AsyncIterator[None]:
        await hub.start()
        yield
        await hub.close()

    app.cleanup_ctx.append(hub_lifecycle)

    if api.enable_metrics:
        setup_metrics(app, clock)  # before the UI's catch-all route
    setup_openapi(app, enabled=api.enable_openapi)  # after the API routes; built on first request
    setup_ui_routes(app, resolve_ui_dir(api.ui_path))  # last route: it takes every other GET path
    require_declared(app)  # each route carries its OpenAPI operation (or is declared a page)
    setup_cors(app, api.CORS_origins)


def user_directory(api: ApiServerSettings) -> UserDirectory:
    """``username``/``password`` as admin, then ``users`` with their roles; a name given twice is a config error."""
    users = [ApiUser(api.username, api.password, Role.ADMIN)]
    for index, user in enumerate(api.users):
        if any(known.username == user.username for known in users):
            raise ConfigError(f"user {user.username!r} is configured twice", key=f"api_server.users[{index}].username")
        users.append(ApiUser(user.username, user.password, Role(user.role)))
    return UserDirectory(users)
