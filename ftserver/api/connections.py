"""The HTTP listener's defences against connection floods, below aiohttp's request handling.

- :class:`ConnectionGuard` admits a connection only while fewer than ``max_per_ip`` are open from
  its address (an IPv6 client counts per /64, the block one subscriber usually holds). At
  ``max_connections`` in all it closes the oldest connection that has not yet sent a complete
  request head to make room, and refuses only when there is none. A refused socket is closed as
  soon as it is accepted, before a byte is read: one transport and one small object, no aiohttp
  handler.
- :func:`raise_open_file_limit` lifts the soft open-file limit to the hard one, and
  :func:`connection_cap` keeps the total cap below it with room for one accept batch and the
  server's own files, so ``accept()`` never runs out of descriptors.
- The header timeout is aiohttp's keep-alive timer (``keepalive_timeout``), which in aiohttp 3.x
  also runs from the moment a connection is made: a connection that has not delivered a complete
  request head that long after connecting or after its previous response is closed. A slow-loris
  client that sends its head a byte a second is cut off like an idle one.
- :class:`HttpErrorLog` turns aiohttp's traceback for a malformed request (a header line over
  8 KiB, garbage on the port) into one short line; the client still gets aiohttp's 400.

Each refusal is logged with a fixed template, so the log's repeat filter collapses a flood of them.
Behind a reverse proxy every connection comes from the proxy's address: raise
``max_connections_per_ip`` there, or let the proxy do the per-client limiting.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import ssl
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from typing import Any, cast

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

log = logging.getLogger(__name__)

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


def client_key(peername: Any) -> str:
    """What the per-address cap counts: the IPv4 address, or the /64 an IPv6 address lies in."""
    if not isinstance(peername, tuple) or not peername:
        return "local"  # a unix socket, or a transport that does not say
    try:
        address = ipaddress.ip_address(peername[0])
    except ValueError:
        return str(peername[0])
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class ConnectionGuard:
    """Counts open connections in all and per client address; refuses or evicts over a cap.

    When the total cap is reached, the connection that has waited longest without completing its
    first request head (an idle or slow-loris one: a real client sends its head within
    milliseconds) is closed to make room, so many flooding addresses cannot lock new clients out.
    Only when every open connection has sent a request is a newcomer refused.
    """

    def __init__(self, *, max_connections: int, max_per_ip: int) -> None:
        if max_connections < 1 or max_per_ip < 1:
            raise ValueError(f"caps must be at least 1, got {max_connections} and {max_per_ip}")
        self.max_connections = max_connections
        self.max_per_ip = max_per_ip
        self._open: dict[str, int] = {}  # only addresses with an open connection: at most max_connections keys
        self._total = 0
        # Admitted connections whose first request head is not complete yet, oldest first.
        self._waiting: OrderedDict[_AdmissionProtocol, None] = OrderedDict()
        self.refused = 0
        self.evicted = 0

    @property
    def open(self) -> int:
        return self._total

    def open_from(self, key: str) -> int:
        return self._open.get(key, 0)

    def admit(self, key: str, conn: _AdmissionProtocol) -> bool:
        held = self._open.get(key, 0)
        if held >= self.max_per_ip:
            self.refused += 1
            log.warning(
                "Refused a connection from %s: %d open from there (api_server.max_connections_per_ip)", key, held
            )
            return False
        if self._total >= self.max_connections:
            if not self._waiting:
                self.refused += 1
                log.warning(
                    "Refused a connection from %s: %d connections open (api_server.max_connections)", key, self._total
                )
                return False
            victim, _ = self._waiting.popitem(last=False)
            self.evicted += 1
            log.warning(
                "Closed a connection from %s that had sent no request, to admit one (api_server.max_connections)",
                victim.key,
            )
            victim.evict()
        self._open[key] = self._open.get(key, 0) + 1
        self._total += 1
        self._waiting[conn] = None
        return True

    def head_received(self, conn: _AdmissionProtocol) -> None:
        self._waiting.pop(conn, None)

    def release(self, key: str, conn: _AdmissionProtocol) -> None:
        self._waiting.pop(conn, None)
        held = self._open.get(key, 0)
        if held <= 1:
            self._open.pop(key, None)
        else:
            self._open[key] = held - 1
        self._total = max(self._total - 1, 0)

    def wrap(self, factory: ProtocolFactory) -> ProtocolFactory:
        """A protocol factory for ``loop.create_server`` that admits connections before ``factory`` sees them."""
        return lambda: _AdmissionProtocol(self, factory)


_HEAD_END = b"\r\n\r\n"


class _AdmissionProtocol(asyncio.Protocol):
    """Decides at ``connection_made``; an admitted connection is handed to the real protocol.

    Until the first request head is complete it also watches for the head's end (a blank line),
    so the guard knows which connections are still waiting for one.
    """

    __slots__ = ("_factory", "_guard", "_inner", "_released", "_tail", "_transport", "_waiting", "key")

    def __init__(self, guard: ConnectionGuard, factory: ProtocolFactory) -> None:
        self._guard = guard
        self._factory = factory
        self._inner: Any = None
        self._transport: asyncio.Transport | None = None
        self._waiting = True
        self._released = False
        self._tail = b""
        self.key = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        tcp = cast(asyncio.Transport, transport)
        self.key = client_key(transport.get_extra_info("peername"))
        if not self._guard.admit(self.key, self):
            tcp.abort()  # nothing read, nothing lingers: the descriptor is freed now
            return
        self._transport = tcp
        self._inner = self._factory()
        self._inner.connection_made(transport)

    def evict(self) -> None:
        """Close this connection now; its place in the guard is given up at once."""
        self._release()
        if self._transport is not None:
            self._transport.abort()

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._guard.release(self.key, self)

    def connection_lost(self, exc: Exception | None) -> None:
        inner, self._inner = self._inner, None
        self._transport = None
        if inner is not None:
            self._release()
            inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._inner is None:
            return
        if self._waiting:
            seen = self._tail + data
            if _HEAD_END in seen:
                self._waiting = False
                self._tail = b""
                self._guard.head_received(self)
            else:
                self._tail = seen[-3:]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()


class GuardedTCPSite(web.BaseSite):
    """A TCP listener whose connections pass a :class:`ConnectionGuard` before aiohttp handles them."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        *,
        guard: ConnectionGuard,
        backlog: int,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(runner, backlog=backlog, ssl_context=ssl_context)
        self._app_runner = runner
        self._host = host
        self._port = port
        self._listener: asyncio.Server | None = None
        self.guard = guard

    @property
    def name(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        """The bound port (useful when 0 asked for any free one)."""
        if self._listener is not None and self._listener.sockets:
            return int(self._listener.sockets[0].getsockname()[1])
        return self._port

    async def start(self) -> None:
        await super().start()
        server = self._app_runner.server
        if server is None:
            raise RuntimeError("Call runner.setup() before starting a site")
        loop = asyncio.get_running_loop()
        self._listener = await loop.create_server(
            self.guard.wrap(server), self._host, self._port, backlog=self._backlog, ssl=self._ssl_context
        )
        self._server = self._listener  # BaseSite.stop closes it


def raise_open_file_limit() -> int | None:
    """Lift the soft open-file limit to the hard limit where allowed; the soft limit now in force.

    None where the platform has no such limit (Windows).
    """
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # An unlimited hard limit cannot be the soft one on Linux (it is capped by fs.nr_open).
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (OSError, ValueError) as exc:
            log.debug("Open file limit stays at %d (raising it to %d failed: %s)", soft, target, exc)
        else:
            log.debug("Open file limit raised from %d to %d", soft, target)
            soft = target
    return None if soft == resource.RLIM_INFINITY else int(soft)


def connection_cap(max_connections: int, fd_limit: int | None, *, reserve: int) -> int:
    """``max_connections``, lowered so that it plus ``reserve`` descriptors fits under ``fd_limit``."""
    if fd_limit is None or max_connections + reserve <= fd_limit:
        return max_connections
    cap = max(fd_limit - reserve, 1)
    log.warning(
        "api_server.max_connections lowered from %d to %d: the process may open %d files and keeps %d for itself",
        max_connections,
        cap,
        fd_limit,
        reserve,
    )
    return cap


class HttpErrorLog(logging.LoggerAdapter[logging.Logger]):
    """The logger aiohttp's connection handler reports errors to (``logger=`` of the runner).

    A request aiohttp could not parse is the client's fault and common on an open port: one short
    line at INFO instead of a traceback at ERROR. Everything else passes through unchanged.
    """

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__(logger, {})

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            remote = args[0] if args else "unknown"
            reason = " ".join(str(exc_info.message).split())[:200]
            self.logger.info("Malformed request from %s answered %d: %s", remote, exc_info.code or 400, reason)
            return
        self.logger.exception(msg, *args, exc_info=exc_info, **kwargs)

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return msg, kwargs
