"""The error middleware on a toy app: what each kind of failure becomes, and what gets logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp import web

from ftserver.api.errors import setup_errors


def toy_app(failure: BaseException) -> web.Application:
    async def fail(request: web.Request) -> web.Response:
        raise failure

    app = web.Application()
    setup_errors(app)
    app.router.add_get("/fail", fail)
    return app


async def test_a_client_gone_mid_answer_is_not_logged_as_a_server_error(
    aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # What aiohttp raises when a handler writes to a connection its client has closed.
    client = await aiohttp_client(toy_app(ConnectionResetError("Cannot write to closing transport")))
    with caplog.at_level(logging.DEBUG):
        response = await client.get("/fail")
    assert response.status == 499
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


async def test_an_unexpected_error_is_a_500_with_a_request_id_and_a_logged_traceback(
    aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aiohttp_client(toy_app(RuntimeError("boom")))
    response = await client.get("/fail")
    body = await response.json()
    assert response.status == 500
    assert body["code"] == "internal_error"
    assert "boom" not in body["detail"]
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)
