"""Brute-force guard: failed logins are counted per (client address, username); too many in a window ban that key.

freqtrade has no such guard; we add one because the API holds the keys to a trading bot.

What a ban refuses, with 429 and ``Retry-After`` (whole seconds, rounded up):

- a password for the banned (address, username) key: it is not even checked, so a guesser learns
  nothing more until the ban ends (letting the right password through would tell the guesser when it
  guessed right, which makes the ban worthless). Other usernames from that address, and the same
  username from other addresses, are not affected;
- a token we did not sign (or a wrong ``ws_token``) from a banned address: such failures are counted
  on the key (address, no username).

What a ban never refuses: a valid token we signed (access, refresh, or a configured ``ws_token``:
they cannot be guessed, and refusing them would let anyone behind the same NAT lock out a logged-in
UI), public routes such as ``/api/v1/ping`` or the UI's files (a ban is on credentials, not on an
address shared by many people), and CORS preflights.

Bans are state: they are kept in a ``StateStore`` (a small JSON file the composition root names),
written only when a ban starts or ends, so a restart does not lift them.

The client address is ``request.remote``, or, when that peer is one of ``trusted_proxies``, the
right-most address in ``X-Forwarded-For`` (or, without that header, ``Forwarded``) that is not a
trusted proxy: proxies append the address they received the request from, so everything left of it
was written by the client and proves nothing.

Both log lines are stable, so fail2ban can ban at the firewall too. With the default log format
(``%(asctime)s - %(name)s - %(levelname)s - %(message)s``) fail2ban cuts the date out of each line
(``datepattern = ^%%Y-%%m-%%d %%H:%%M:%%S,%%f``) and matches the rest against::

    ^ - ftserver\\.api\\.ban - WARNING - Failed login from <HOST>$
    ^ - ftserver\\.api\\.ban - WARNING - Banned <HOST> for \\d+ s after \\d+ failed login attempts$

Both rules are anchored right after the date, at the logger's name: a rule that began with ``^.*``
would also match another logger's line that merely ends with a client's text quoting these words.

The ban middleware resolves the client address once per request; it must sit between the error and
the auth middlewares (outermost first: error -> ban -> auth). Call ``setup_errors``, then
``setup_ban``, then ``setup_auth``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from ftserver.api.state_store import MemoryStore, StateStore
from ftserver.core.clock import Clock
from ftserver.errors import ConfigError

log = logging.getLogger(__name__)

V = TypeVar("V")
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (client address, hashed username or "" when no username is known)
BanKey = tuple[str, str]
CLIENT_ADDRESS: web.RequestKey[str] = web.RequestKey("client_address", str)
_MAX_ADDRESS_LENGTH = 64


def user_key(username: str | None) -> str:
    """The username part of a ban key: a short hash, so whatever a client typed is neither kept nor
    stored (people type their password into the username field) and every key has the same size."""
    if username is None:
        return ""
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def ban_key(address: str, username: str | None) -> BanKey:
    return (address, user_key(username))


def client_ip(request: web.Request) -> str:
    """The client's address as the ban middleware resolved it (``unknown`` for peers without one)."""
    resolved: str | None = request.get(CLIENT_ADDRESS)
    if resolved is not None:
        return resolved
    return request.remote or "unknown"


def parse_networks(entries: Iterable[str], key: str = "api_server.trusted_proxies") -> tuple[IpNetwork, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ConfigError(f"{entry!r} is not an IP address or network (e.g. 10.0.0.0/8)", key=key) from None
    return tuple(networks)


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a forwarded-header entry: ``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``::1``."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class ClientAddresses:
    """Finds the client's address behind the reverse proxies we trust."""

    def __init__(self, trusted_proxies: Sequence[str] = ()) -> None:
        self.trusted = parse_networks(trusted_proxies)

    def _is_trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address.version == net.version and address in net for net in self.trusted)

    def resolve(self, request: web.Request) -> str:
        remote = request.remote or "unknown"
        if not self.trusted:
            return remote
        peer = _parse_ip(remote)
        if peer is None or not self._is_trusted(peer):
            return remote  # forwarded headers from anyone else are the client's own claims
        chain = self._forwarded_chain(request)
        client = peer
        for entry in reversed(chain):
            address = _parse_ip(entry)
            if address is None:
                break  # an entry a trusted proxy would not write: stop at the last one we can vouch for
            client = address
            if not self._is_trusted(address):
                break
        return str(client)[:_MAX_ADDRESS_LENGTH]

    @staticmethod
    def _forwarded_chain(request: web.Request) -> list[str]:
        xff = request.headers.getall(hdrs.X_FORWARDED_FOR, [])
        if xff:
            return [part for header in xff for part in header.split(",") if part.strip()]
        return [str(hop["for"]) for hop in request.forwarded if hop.get("for")]


class BanGuard:
    """Counts failures per key within ``window`` seconds; ``limit`` of them ban the key for ``ban_seconds``.

    At most ``max_tracked`` keys are remembered in each table (failure counts, bans); past that the
    oldest entry goes, so a flood of addresses cannot exhaust memory (nor the store's file).
    """

    def __init__(
        self,
        *,
        limit: int,
        window: float,
        ban_seconds: float,
        clock: Clock,
        max_tracked: int = 10_000,
        store: StateStore | None = None,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if window <= 0:
            raise ValueError(f"window must be a positive number of seconds, got {window}")
        if ban_seconds <= 0:
            raise ValueError(f"ban_seconds must be a positive number of seconds, got {ban_seconds}")
        if max_tracked < 1:
            raise ValueError(f"max_tracked must be at least 1, got {max_tracked}")
        self.limit = limit
        self.window = window
        self.ban_seconds = ban_seconds
        self.max_tracked = max_tracked
        self._clock = clock
        self._store = store if store is not None else MemoryStore()
        # Insertion order is recency order: a key is re-inserted on each failure.
        self._failures: OrderedDict[BanKey, deque[float]] = OrderedDict()
        # Every ban lasts ban_seconds, so insertion order is also expiry order.
        self._banned_until: OrderedDict[BanKey, float] = OrderedDict()
        self._load()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _load(self) -> None:
        data = self._store.load()
        rows = data.get("bans") if isinstance(data, dict) else None
        now = self._now()
        valid = []
        for row in rows if isinstance(rows, list) else []:
            if (
                isinstance(row, list)
                and len(row) == 3
                and isinstance(row[0], str)
                and isinstance(row[1], str)
                and isinstance(row[2], int | float)
                and row[2] > now
            ):
                valid.append(((row[0], row[1]), float(row[2])))
        for key, until in sorted(valid, key=lambda item: item[1]):
            self._banned_until[key] = until
        _trim(self._banned_until, self.max_tracked)

    def _save(self) -> None:
        rows = [[address, user, until] for (address, user), until in self._banned_until.items()]
        try:
            self._store.save({"bans": rows})
        except OSError as exc:
            # Losing the file only shortens bans at the next restart: keep serving.
            log.error("Could not store the API bans: %s", exc)

    def retry_after(self, key: BanKey) -> float | None:
        """Seconds left in ``key``'s ban, or None when it is not banned."""
        until = self._banned_until.get(key)
        if until is None:
            return None
        left = until - self._now()
        if left <= 0:
            del self._banned_until[key]
            self._save()
            return None
        return left

    def record_failure(self, key: BanKey) -> None:
        now = self._now()
        address = key[0]
        log.warning("Failed login from %s", address)
        failures = self._failures.pop(key, None) or deque()
        failures.append(now)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if len(failures) >= self.limit:
            self._banned_until.pop(key, None)
            self._banned_until[key] = now + self.ban_seconds
            log.warning(
                "Banned %s for %d s after %d failed login attempts",
                address,
                math.ceil(self.ban_seconds),
                len(failures),
            )
            _trim(self._banned_until, self.max_tracked)
            self._save()
        else:
            self._failures[key] = failures
            _trim(self._failures, self.max_tracked)

    def record_success(self, key: BanKey) -> None:
        """A good password clears that key's failure count (not a running ban, nor other keys')."""
        self._failures.pop(key, None)

    @property
    def tracked(self) -> int:
        """Keys currently remembered (failure counts plus bans); bounded by ``2 * max_tracked``."""
        return len(self._failures) + len(self._banned_until)


def _trim(table: OrderedDict[Any, V], size: int) -> None:
    while len(table) > size:
        table.popitem(last=False)


def too_many_attempts(left: float) -> web.HTTPTooManyRequests:
    """The 429 a banned key gets (the error middleware turns it into JSON and keeps ``Retry-After``)."""
    seconds = max(1, math.ceil(left))
    return web.HTTPTooManyRequests(
        text=f"Too many failed login attempts; retry in {seconds} s", headers={"Retry-After": str(seconds)}
    )


def setup_ban(app: web.Application, addresses: ClientAddresses | None = None) -> None:
    """Install the middleware that resolves each request's client address; call after ``setup_errors``
    and before ``setup_auth``. The guard itself is consulted where credentials are checked."""
    resolver = addresses if addresses is not None else ClientAddresses()

    @web.middleware
    async def ban_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[CLIENT_ADDRESS] = resolver.resolve(request)
        return await handler(request)

    app.middlewares.append(ban_middleware)
