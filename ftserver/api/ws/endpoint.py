"""``GET /api/v1/message/ws?token=...``: the message WebSocket for FreqUI and consumer bots.

The token is a configured ``ws_token``, a valid JWT access token or an API token (``fts_...``;
revoking it closes the connections opened with it, code 1008). Anything else is refused with
403 before the upgrade, which is what freqtrade clients see from freqtrade (its ``close(1008)``
before ``accept`` reaches them as a rejected handshake); the attempt is logged, never the token.
Wrong tokens count towards the ban guard like forged Bearer tokens (key: the address, no username);
a banned client gets 429 before the upgrade, unless its token is right (see ``ban.py``).

Only this handler reads from the socket; every frame sent goes through the connection's outbox,
so replies and pushed messages keep their order.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from aiohttp import WSCloseCode, WSMsgType, web

from ftserver.api.api_tokens import ApiTokens
from ftserver.api.auth import authenticate_api_token, client_ip, guard_attempt, public
from ftserver.api.ban import BanGuard, ban_key
from ftserver.api.openapi import API_V1, Operation, RouteTable
from ftserver.api.principal import Principal
from ftserver.api.tokens import TokenService
from ftserver.api.ws.connection import WsConnection
from ftserver.api.ws.hub import WsHub
from ftserver.api.ws.protocol import RequestType, WsProtocolError, WsRequest, encode, error_frame, parse_request
from ftserver.api.ws.replies import AnalyzedFrame, AnalyzedReplyCache
from ftserver.core import messages
from ftserver.errors import AuthError, FtServerError

log = logging.getLogger(__name__)

WS_PATH = f"{API_V1}/message/ws"
WS_OPERATION = Operation(
    "websocket",
    "The message WebSocket",
    None,
    status=101,
    errors=(403, 429),
    parameters=(
        {
            "in": "query",
            "name": "token",
            "required": True,
            "schema": {"type": "string"},
            "description": "a configured ws_token or a JWT access token",
        },
    ),
    description=(
        "Upgrade to a WebSocket. Send `subscribe`, `whitelist` or `analyzed_df` requests; every bus "
        "message of a subscribed type is pushed. A `subscribe` with `since` (ftserver extension) first "
        "replays the buffered messages after that `seq` (frames then carry `seq`), or sends "
        "`resync_required` when they are gone. A wrong token is refused before the upgrade (429 once "
        "the client is banned for too many wrong ones)."
    ),
)


class WsDataSource(Protocol):
    """What the endpoint needs from the bot; calls are synchronous and cheap."""

    def ws_whitelist(self) -> list[str]: ...

    def ws_analyzed_frames(self, limit: int | None, pair: str | None) -> list[AnalyzedFrame]:
        """``[((pair, timeframe, candle_type), dataframe, last_analyzed)]`` for ``pair`` or every pair.

        The endpoint asks with ``limit=None`` for the stored frames themselves, uncut: it cuts them
        only when it encodes a reply, and recognises an unchanged analysis by the frame's identity.
        """
        ...


class WsTokenCheck:
    """Accepts a configured ws_token (constant-time; empty tokens never match) or a JWT access token."""

    def __init__(self, ws_tokens: Sequence[str], tokens: TokenService) -> None:
        self._ws_tokens = [t.encode("utf-8") for t in ws_tokens if t]
        self._tokens = tokens

    def authenticate(self, token: str) -> Principal:
        """The principal ``token`` stands for; ``AuthError`` when it is none of ours."""
        if not token:
            raise AuthError("Invalid WebSocket token")
        given = token.encode("utf-8", "surrogatepass")
        # Compare against every configured token so the timing does not tell which one matched.
        matches = [hmac.compare_digest(given, expected) for expected in self._ws_tokens]
        if any(matches):
            return Principal(username="", via="ws_token")
        return self._tokens.verify(token, "access")

    def accepts(self, token: str) -> bool:
        try:
            self.authenticate(token)
        except AuthError:
            return False
        return True


class _Session:
    """Answers one client's requests."""

    def __init__(self, conn: WsConnection, source: WsDataSource, replies: AnalyzedReplyCache, hub: WsHub) -> None:
        self.conn = conn
        self.hub = hub
        self.source = source
        self.replies = replies

    async def handle(self, request: WsRequest) -> None:
        if request.type is RequestType.SUBSCRIBE:
            self.conn.subscribe(request.types)  # freqtrade sends no reply to a subscribe
            if request.since is not None:
                self.hub.resume(self.conn, request.since)
        elif request.type is RequestType.WHITELIST:
            self.conn.enqueue(encode(messages.whitelist(self.source.ws_whitelist()).to_wire()))
        else:
            # Whole frames (no limit): cutting a DataFrame costs more than sending the cached reply,
            # so the cache cuts them only when it encodes, in a thread; repeats are a lookup per pair.
            frames = self.source.ws_analyzed_frames(None, request.pair)
            for frame in await self.replies.replies(frames, request.limit):
                self.conn.enqueue(frame)


def setup_ws(
    app: web.Application,
    *,
    hub: WsHub,
    tokens: TokenService,
    ws_tokens: Sequence[str],
    source_key: web.AppKey[Any],
    heartbeat: float = 30.0,
    max_msg_size: int = 1 << 20,
    replies: AnalyzedReplyCache | None = None,
    ban: BanGuard | None = None,
    api_tokens: ApiTokens | None = None,
) -> None:
    """Route the message WebSocket; at shutdown its clients are closed with 1001 before aiohttp waits for handlers.

    ``replies`` is the analyzed_df reply cache (a default-sized one unless given); ``ban`` the
    brute-force guard wrong tokens are reported to; ``api_tokens`` the long-lived API tokens also
    accepted as ``?token=`` (revoking one closes its open connections with 1008).
    """
    check = WsTokenCheck(ws_tokens, tokens)
    by_api_token: dict[int, set[WsConnection]] = {}
    closing: set[asyncio.Task[None]] = set()  # held so a pending close is not garbage-collected

    def close_revoked(token_id: int) -> None:
        for conn in by_api_token.pop(token_id, set()):
            task = asyncio.get_running_loop().create_task(conn.close(WSCloseCode.POLICY_VIOLATION, "token revoked"))
            closing.add(task)
            task.add_done_callback(closing.discard)

    if api_tokens is not None:
        api_tokens.on_revoke.append(close_revoked)
    replies = replies if replies is not None else AnalyzedReplyCache()
    routes = RouteTable()

    @routes.get(WS_PATH, op=WS_OPERATION)
    @public  # the WebSocket checks its own ?token=
    async def message_ws(request: web.Request) -> web.StreamResponse:
        peer = client_ip(request)
        token = request.query.get("token", "")
        try:
            if api_tokens is not None and api_tokens.recognises(token):
                principal = await authenticate_api_token(peer, ban, api_tokens, token)
            else:
                # A missing token is a probe, not a guess: it is refused without counting.
                principal = guard_attempt(
                    ban if token else None, ban_key(peer, None), lambda: check.authenticate(token), password=False
                )
        except AuthError:
            log.warning("WebSocket auth failed from %s", peer)
            raise web.HTTPForbidden(text="Invalid WebSocket token") from None
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
        if not hub.register(conn):
            await conn.close(WSCloseCode.GOING_AWAY, "server shutdown")
            return ws
        conn.start()
        if principal.token_id is not None:
            by_api_token.setdefault(principal.token_id, set()).add(conn)
        session = _Session(conn, request.app[source_key], replies, hub)
        log.info("WebSocket client %s connected", peer)
        try:
            async for frame in ws:
                if frame.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                await _answer(session, frame.data, peer)
        finally:
            if principal.token_id is not None:
                by_api_token.get(principal.token_id, set()).discard(conn)
            hub.unregister(conn)
            await conn.close(WSCloseCode.GOING_AWAY, "client gone")
            log.info("WebSocket client %s disconnected (%s)", peer, conn.closed_reason)
        return ws

    async def close_clients(_: web.Application) -> None:
        await hub.close()

    routes.register(app)
    app.on_shutdown.append(close_clients)


async def _answer(session: _Session, data: str | bytes, peer: str) -> None:
    """Act on one client frame; whatever goes wrong is answered with an ``exception`` frame on the socket."""
    try:
        await session.handle(parse_request(data))
    except WsProtocolError as exc:
        log.info("WebSocket %s: %s", peer, exc.text)
        session.conn.enqueue(error_frame(exc.text))
    except FtServerError as exc:
        session.conn.enqueue(error_frame(exc.message))
    except Exception:
        # The socket is upgraded: the answer goes on it, never as an HTTP error page.
        log.exception("WebSocket request from %s failed", peer)
        session.conn.enqueue(error_frame("Internal error while answering the request"))
