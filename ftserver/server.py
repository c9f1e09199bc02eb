"""Runs a built app until Ctrl-C / SIGTERM: on a loopback port, or headless when the API is disabled."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from ftserver.api.security import check_listen_security
from ftserver.app import create_app
from ftserver.config import Settings
from ftserver.logs import LogBuffer
from ftserver.models import RunMode

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 5.0


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
    for warning in check_listen_security(api):
        log.warning("SECURITY WARNING - %s", warning)
    app = create_app(settings, runmode=runmode, log_buffer=log_buffer, settings_loader=settings_loader)
    if not api.enabled:
        asyncio.run(_run_headless(app))
        return 0
    host, port = api.listen_ip_address, api.listen_port
    log.info("Starting API server on http://%s:%d (UI at /, API at /api/v1)", host, port)
    try:
        web.run_app(
            app,
            host=host,
            port=port,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            print=None,
            access_log=None,
            handle_signals=True,
        )
    except OSError as exc:
        log.error("Could not listen on %s:%d: %s", host, port, exc.strerror or exc)
        return 1
    return 0


async def _run_headless(app: web.Application) -> None:
    """Run the app's startup/cleanup (trading loop, database) without an HTTP listener."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("API server disabled: running the trading loop only (Ctrl-C to stop)")
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
