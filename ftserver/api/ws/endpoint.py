"""``GET /api/v1/message/ws?token=...``: the message WebSocket for FreqUI and consumer bots.

The token is the configured ``ws_token`` (one or a list) or a valid JWT access token; anything else
is refused with 403 before the upgrade (the attempt is logged, never the token). Only this handler
reads from the socket; everything sent goes through the connection's outbox.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from ftserver.api.auth import client_ip, public
from ftserver.api.tokens import TokenService
from ftserver.api.ws.connection import WsConnection
from ftserver.api.ws.hub import WsHub
from ftserver.api.ws.protocol import WsProtocolError, WsRequest, encode, error_frame, parse_request
from ftserver.core import messages
from ftserver.errors import AuthError, FtServerError

log = logging.getLogger(__name__)


class WsDataSource(Protocol):
    def ws_whitelist(self) -> list[str]: ...

    def ws_analyzed_frames(
        self, limit: int | None, pair: str | None
    ) -> list[tuple[tuple[str, str, str], Any, datetime]]: ...


def token_accepted(token: str, ws_tokens: Sequence[str], tokens: TokenService) -> bool:
    given = token.encode("utf-8", "surrogatepass")
    if any(t and hmac.compare_digest(given, t.encode("utf-8")) for t in ws_tokens):
        return True
    try:
        tokens.verify(token, "access")
    except AuthError:
        return False
    return True


def setup_ws(
    app: web.Application,
    *,
    hub: WsHub,
    tokens: TokenService,
    ws_tokens: Sequence[str],
    source_key: web.AppKey[Any],
    heartbeat: float = 30.0,
    max_msg_size: int = 1 << 20,
) -> None:
    def answer(conn: WsConnection, request: WsRequest, source: WsDataSource) -> None:
        if request.type == "subscribe":
            conn.types = request.types
        elif request.type == "whitelist":
            conn.enqueue(encode(messages.whitelist(source.ws_whitelist()).to_wire()))
        else:
            frames = source.ws_analyzed_frames(request.limit, request.pair)
            for (pair, timeframe, candle_type), df, analyzed_at in frames:
                message = messages.analyzed_df(pair, timeframe, candle_type, df, analyzed_at)
                conn.enqueue(encode(message.to_wire()))

    @public
    async def message_ws(request: web.Request) -> web.StreamResponse:
        peer = client_ip(request)
        if not token_accepted(request.query.get("token", ""), ws_tokens, tokens):
            log.warning("WebSocket auth failed from %s", peer)
            raise web.HTTPForbidden(text="Invalid WebSocket token")
        ws = web.WebSocketResponse(heartbeat=heartbeat, max_msg_size=max_msg_size)
        await ws.prepare(request)
        transport = request.transport
        conn = WsConnection(
            ws,
            peer,
            queue_size=hub.queue_size,
            send_timeout=hub.send_timeout,
            abort=transport.abort if transport is not None else None,
        )
        hub.register(conn)
        source: WsDataSource = request.app[source_key]
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    if frame.type is WSMsgType.BINARY:
                        conn.enqueue(error_frame("Invalid request: send JSON text frames"))
                    continue
                try:
                    answer(conn, parse_request(frame.data), source)
                except WsProtocolError as exc:
                    log.info("WebSocket %s: %s", peer, exc)
                    conn.enqueue(error_frame(str(exc)))
                except FtServerError as exc:
                    conn.enqueue(error_frame(exc.message))
                except Exception:
                    # The socket is already upgraded: answer on it, never with an HTTP error page.
                    log.exception("WebSocket request from %s failed", peer)
                    conn.enqueue(error_frame("Internal error while answering the request"))
        finally:
            hub.unregister(conn)
            await conn.close(reason="client gone")
        return ws

    app.router.add_get("/api/v1/message/ws", message_ws)
