"""Request logging at the configured ``api_server.verbosity``: "info" logs every request, "error" only failures."""

from __future__ import annotations

import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler

log = logging.getLogger("ftserver.api.access")


def setup_request_logging(app: web.Application, verbosity: str) -> None:
    log_all = verbosity == "info"

    @web.middleware
    async def request_logger(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        response = await handler(request)
        status = response.status
        if log_all or status >= 500:
            elapsed_ms = (time.perf_counter() - started) * 1000
            level = logging.WARNING if status >= 500 else logging.INFO
            log.log(level, "%s %s %d %.1fms %s", request.method, request.path, status, elapsed_ms, request.remote)
        return response

    # Outermost of all, so it also sees the statuses the error middleware produced.
    app.middlewares.insert(0, request_logger)
