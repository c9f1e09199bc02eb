"""Long-lived API tokens with a role, for dashboards, scripts and consumer bots.

A token reads ``fts_<key>_<secret>``: the key (12 hex digits) finds its row, the secret (256 random
bits) proves it. Only a SHA-256 of the secret is stored: a slow password hash guards guessable
passwords, and 256 random bits cannot be guessed, so a fast hash loses nothing and costs nothing per
request. The token text is shown once, when it is made.

Every check reads the token's row through a small cache that revoking (through this object) updates
at once, so a revoked token is refused on its next request; a key the cache does not hold is looked
up in the database, so a token made by ``ftserver token create`` while the server runs works too.
``last_used`` is written at most once per ``touch_interval`` per token, not on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from ftserver.api.principal import Principal, Role
from ftserver.api.tokens import SignedTokenRefused
from ftserver.core.clock import Clock
from ftserver.errors import AuthError, InvalidRequest, NotFound
from ftserver.rpc.access_port import AccessStore, ApiTokenRecord

PREFIX = "fts_"
_FORMAT = re.compile(r"^fts_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_LIFETIME = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
INVALID = "Invalid API token"


def parse_lifetime(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``2w`` as a timedelta; ``InvalidRequest`` for anything else."""
    match = _LIFETIME.match(text)
    if match is None or int(match.group(1)) == 0:
        raise InvalidRequest(f"expires must be a positive number followed by m, h, d or w (e.g. 90d), not {text!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class ApiTokens:
    def __init__(self, store: AccessStore, clock: Clock, *, touch_interval: timedelta = timedelta(minutes=1)) -> None:
        self._store = store
        self._clock = clock
        self._touch_interval = touch_interval
        self._by_key: dict[str, ApiTokenRecord] = {}
        self._touched: dict[int, float] = {}
        # Called with a token's id when it is revoked: the WebSocket closes that token's connections.
        self.on_revoke: list[Callable[[int], None]] = []

    @staticmethod
    def recognises(token: str) -> bool:
        """Whether ``token`` is meant as an API token (rather than a JWT); says nothing of its validity."""
        return token.startswith(PREFIX)

    async def create(self, *, name: str, role: Role, lifetime: timedelta | None = None) -> tuple[str, ApiTokenRecord]:
        """A new token: (its text, shown only now; its record)."""
        if not name.strip():
            raise InvalidRequest("a token needs a name")
        key = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        expires = self._clock.now() + lifetime if lifetime is not None else None
        record = await self._store.add_token(
            key=key, secret_hash=_digest(secret), name=name.strip(), role=str(role), expires_at=expires
        )
        self._by_key[key] = record
        return f"{PREFIX}{key}_{secret}", record

    async def list(self) -> list[ApiTokenRecord]:
        return await self._store.tokens()

    async def revoke(self, token_id: int) -> ApiTokenRecord:
        record = await self._store.revoke_token(token_id)
        if record is None:
            raise NotFound(f"No API token with id {token_id}")
        self._by_key[record.key] = record
        for listener in self.on_revoke:
            listener(record.id)
        return record

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; ``AuthError`` for a malformed or unknown one,
        ``SignedTokenRefused`` for one of ours that is revoked or expired."""
        match = _FORMAT.match(token)
        if match is None:
            raise AuthError(INVALID)
        key, secret = match.groups()
        record = self._by_key.get(key)
        if record is None:
            record = await self._store.token_by_key(key)
            if record is None:
                raise AuthError(INVALID)
            self._by_key[key] = record
        if not hmac.compare_digest(_digest(secret), record.secret_hash):
            raise AuthError(INVALID)
        now = self._clock.now()
        if record.revoked_at is not None:
            raise SignedTokenRefused("API token revoked")
        if record.expires_at is not None and record.expires_at <= now:
            raise SignedTokenRefused("API token expired")
        last = self._touched.get(record.id)
        if last is None or now.timestamp() - last >= self._touch_interval.total_seconds():
            self._touched[record.id] = now.timestamp()
            await self._store.touch_token(record.id, now)
        return Principal(
            username=record.name, role=Role(record.role), via="api_token", token_name=record.name, token_id=record.id
        )
