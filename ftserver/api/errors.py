"""The error middleware: the only place that knows how domain errors become HTTP statuses.

Every failure leaves as JSON ``{detail, error, code}``: never an HTML page, never a traceback.
An unexpected exception is logged with a request id that is also returned to the client.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from marshmallow import ValidationError

from ftserver import errors
from ftserver.api.responses import error_response

log = logging.getLogger(__name__)

_STATUS_BY_ERROR: list[tuple[type[errors.FtServerError], int]] = [
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.InvalidRequest, 400),
    (errors.WrongRunMode, 503),
    (errors.NotAvailable, 503),
    (errors.AuthError, 401),
    (errors.Forbidden, 403),
    (errors.StorageUnavailable, 503),
    (errors.ExchangeUnavailable, 503),
    (errors.ExchangeError, 502),
    (errors.StrategyError, 422),
    (errors.ConfigError, 400),
]

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


def status_for(error: errors.FtServerError) -> int:
    for cls, status in _STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def response_for_domain_error(error: errors.FtServerError) -> web.Response:
    status = status_for(error)
    headers = {"WWW-Authenticate": 'Basic realm="ftserver", Bearer'} if status == 401 else None
    return error_response(status, error.message, error.code, headers=headers)


def _response_for_http_error(exc: web.HTTPException) -> web.StreamResponse:
    if exc.status < 400:
        raise exc
    if exc.content_type == "application/json":
        raise exc  # already one of ours
    detail = exc.reason if exc.text is None or exc.text.startswith(f"{exc.status}:") else exc.text
    headers = {k: v for k, v in exc.headers.items() if k.lower() in {"allow", "www-authenticate", "retry-after"}}
    return error_response(exc.status, detail, _HTTP_CODES.get(exc.status, "http_error"), headers=headers)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except errors.FtServerError as exc:
        return response_for_domain_error(exc)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        return error_response(422, _summarize(messages), "validation_error", errors=messages)
    except web.HTTPException as exc:
        return _response_for_http_error(exc)
    except ConnectionResetError:
        # The client went away mid-answer (a closed tab, a cancelled fetch): nobody is left to read an
        # error, and it is no fault of the server's. 499 is what the access log shows for it.
        log.debug("Client went away during %s %s", request.method, request.path)
        return web.Response(status=499)
    except Exception:
        request_id = uuid.uuid4().hex[:12]
        log.exception("Unhandled error on %s %s (request id %s)", request.method, request.path, request_id)
        return error_response(
            500, f"Internal server error (request id {request_id})", "internal_error", request_id=request_id
        )


def _summarize(messages: dict[str, Any] | list[Any] | str) -> str:
    """One readable line out of marshmallow's nested messages: ``pair: Missing data for required field.``"""
    if isinstance(messages, dict):
        parts = []
        for key, value in messages.items():
            inner = _summarize(value)
            parts.append(f"{key}: {inner}")
        return "; ".join(parts)
    if isinstance(messages, list):
        return " ".join(_summarize(m) for m in messages)
    return str(messages)


def setup_errors(app: web.Application) -> None:
    """Install the error middleware; it must be the outermost one."""
    app.middlewares.insert(0, error_middleware)
