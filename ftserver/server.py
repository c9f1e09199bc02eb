"""Runs a built app until Ctrl-C / SIGTERM: on a loopback port, or headless when the API is disabled."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from ftserver.api.connections import (
    ConnectionGuard,
    GuardedTCPSite,
    HttpErrorLog,
    connection_cap,
    raise_open_file_limit,
)
from ftserver.api.security import check_listen_security, is_loopback
from ftserver.api.tls import server_ssl_context, tls_enabled
from ftserver.app import create_app
from ftserver.config import Settings
from ftserver.config.sections import ApiServerSettings
from ftserver.logs import LogBuffer
from ftserver.models import RunMode

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 5.0
# Connections the kernel may queue before we accept them; one accept batch can be this large.
BACKLOG = 128
# Descriptors kept for everything but client connections: database, log files, exchange sockets.
OWN_FILES = 100


def serve(
    settings: Settings,
    *,
    runmode: RunMode | None = None,
    log_buffer: LogBuffer | None = None,
    settings_loader: Callable[[], Settings] | None = None,
) -> int:
    api = settings.api_server
    if runmode is RunMode.WEBSERVER and not api.enabled:
        log.error("webserver mode needs api_server.enabled = true")
        return 2
    for warning in [*check_listen_security(api), *transport_warnings(api)]:
        log.warning("SECURITY WARNING - %s", warning)
    if api.enabled:
        server_ssl_context(api)  # a bad certificate or key stops us before the database opens
    app = create_app(settings, runmode=runmode, log_buffer=log_buffer, settings_loader=settings_loader)
    if not api.enabled:
        asyncio.run(_run_headless(app))
        return 0
    host, port = api.listen_ip_address, api.listen_port
    scheme = "https" if tls_enabled(api) else "http"
    log.info("Starting API server on %s://%s:%d (UI at /, API at /api/v1)", scheme, host, port)
    try:
        asyncio.run(_run_listening(app, api))
    except OSError as exc:
        log.error("Could not listen on %s:%d: %s", host, port, exc.strerror or exc)
        return 1
    return 0


def transport_warnings(api: ApiServerSettings) -> list[str]:
    """Beyond loopback without TLS, anyone on the path reads the Basic credentials and tokens."""
    if not api.enabled or tls_enabled(api) or is_loopback(api.listen_ip_address):
        return []
    return [
        f"listening on {api.listen_ip_address} without TLS: passwords, tokens and trades travel in clear; "
        "set api_server.tls_cert and tls_key (ftserver new-config --tls-self-signed writes a pair) "
        "or put a TLS reverse proxy in front"
    ]


async def start_listening(
    app: web.Application,
    api: ApiServerSettings,
    *,
    port: int | None = None,
    backlog: int = BACKLOG,
    own_files: int = OWN_FILES,
) -> tuple[web.AppRunner, GuardedTCPSite]:
    """Start ``app`` (its startup hooks run here) and listen on ``api``'s address behind the connection guard.

    ``port`` overrides ``api.listen_port`` (0: any free port, for tests and benchmarks).
    """
    ssl_context = server_ssl_context(api)
    fd_limit = raise_open_file_limit()
    guard = ConnectionGuard(
        max_connections=connection_cap(api.max_connections, fd_limit, reserve=backlog + own_files),
        max_per_ip=api.max_connections_per_ip,
    )
    runner = web.AppRunner(
        app,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        access_log=None,
        # aiohttp's keep-alive timer also runs from connect: it is the request head timeout.
        keepalive_timeout=api.header_timeout,
        logger=HttpErrorLog(logging.getLogger("ftserver.api.http")),
    )
    await runner.setup()
    site = GuardedTCPSite(
        runner,
        api.listen_ip_address,
        api.listen_port if port is None else port,
        guard=guard,
        backlog=backlog,
        ssl_context=ssl_context,
    )
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, site


async def _run_listening(app: web.Application, api: ApiServerSettings) -> None:
    runner, _ = await start_listening(app, api)
    try:
        await _until_signalled()
    finally:
        await runner.cleanup()


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _run_headless(app: web.Application) -> None:
    """Run the app's startup/cleanup (trading loop, database) without an HTTP listener."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    log.info("API server disabled: running the trading loop only (Ctrl-C to stop)")
    try:
        await _until_signalled()
    finally:
        await runner.cleanup()
