"""JWTs as freqtrade issues them (HS256, payload ``{"identity": {"u": user}, "exp", "iat", "type"}``),
bound to the current credentials and revocable.

Access tokens live 15 minutes, refresh tokens 30 days; a token of the wrong ``type`` is refused.
Two claims freqtrade does not have (its clients never read the payload):

- ``fp``: an HMAC of (username, password) keyed with the JWT secret, truncated. A token is accepted
  only while its ``fp`` and ``identity.u`` match a configured user's credentials (as configured:
  plain or hashed), so changing a username or password revokes every token issued to it before.
  The password itself is never in a token. The user's role is looked up at each request, so a
  changed role applies at once.
- ``fam``: the token family. A login issues an access and a refresh token of a new family; a refresh
  issues an access token of the refresh token's family. Revoking a refresh token revokes its family.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections import OrderedDict
from datetime import timedelta
from typing import Literal

import jwt

from ftserver.api.principal import Principal
from ftserver.api.state_store import MemoryStore, StateStore
from ftserver.api.users import UserDirectory
from ftserver.core.clock import Clock, SystemClock
from ftserver.errors import AuthError

TokenType = Literal["access", "refresh"]
ALGORITHM = "HS256"


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate (from odd environment decoding) must fail to match, not raise.
    return text.encode("utf-8", "surrogatepass")


class SignedTokenRefused(AuthError):
    """A token we signed that is no longer good (expired, other type, revoked, stale credentials).

    It proves a past login rather than a guess, so the ban guard does not count it: FreqUI fires
    several requests with its old access token when it expires.
    """


class TokenRevocations:
    """Revoked token families, each kept until every token of it has expired anyway.

    At most ``max_entries`` are kept (only a logged-in client can add one); past that the entry that
    would expire soonest goes. Stored in a ``StateStore`` on every change, so a restart keeps them.
    """

    def __init__(self, *, clock: Clock, store: StateStore | None = None, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self._clock = clock
        self._store = store if store is not None else MemoryStore()
        self.max_entries = max_entries
        self._until: OrderedDict[str, float] = OrderedDict()
        data = self._store.load()
        rows = data.get("revoked") if isinstance(data, dict) else None
        now = self._now()
        if isinstance(rows, dict):
            valid = [(f, u) for f, u in rows.items() if isinstance(u, int | float) and u > now]
            for family, until in sorted(valid, key=lambda item: item[1])[-max_entries:]:
                self._until[family] = float(until)

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def revoke(self, family: str, until: float) -> None:
        self._drop_expired()
        self._until[family] = max(until, self._until.get(family, until))
        if len(self._until) > self.max_entries:
            soonest = min(self._until, key=self._until.__getitem__)
            del self._until[soonest]
        self._store.save({"revoked": dict(self._until)})

    def is_revoked(self, family: str) -> bool:
        until = self._until.get(family)
        return until is not None and until > self._now()

    def _drop_expired(self) -> None:
        now = self._now()
        for family in [f for f, until in self._until.items() if until <= now]:
            del self._until[family]

    def __len__(self) -> int:
        return len(self._until)


class TokenService:
    def __init__(
        self,
        secret: str,
        *,
        username: str,
        password: str,
        access_ttl: timedelta = timedelta(minutes=15),
        refresh_ttl: timedelta = timedelta(days=30),
        clock: Clock | None = None,
        revocations: TokenRevocations | None = None,
        users: UserDirectory | None = None,
    ) -> None:
        """``users``: everyone who may hold a token (default: ``username`` alone, as admin)."""
        self._secret = secret
        self._users = users if users is not None else UserDirectory.single(username, password)
        self._ttl: dict[str, timedelta] = {"access": access_ttl, "refresh": refresh_ttl}
        self._clock = clock or SystemClock()
        self._fingerprint = self.fingerprint(username, password)
        self._fingerprints = {user.username: self.fingerprint(user.username, user.password) for user in self._users}
        self.revocations = revocations if revocations is not None else TokenRevocations(clock=self._clock)

    def fingerprint(self, username: str, password: str) -> str:
        """A short HMAC of the credentials; without the secret it tells nothing about the password."""
        message = _utf8(json.dumps([username, password]))
        digest = hmac.new(_utf8(self._secret), message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:12]).decode("ascii")

    @staticmethod
    def new_family() -> str:
        return secrets.token_urlsafe(12)

    def issue(self, username: str, token_type: TokenType, family: str | None = None) -> str:
        now = self._clock.now()
        payload = {
            "identity": {"u": username},
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl[token_type]).timestamp()),
            "type": token_type,
            "fp": self._fingerprints.get(username, self._fingerprint),
            "fam": family or self.new_family(),
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, expected: TokenType) -> Principal:
        """The principal a valid token of type ``expected`` names; ``AuthError`` for anything else
        (``SignedTokenRefused`` when we signed it)."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"verify_exp": False, "require": ["exp", "type"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError("Invalid token") from exc
        # Expiry is checked against our clock (not the wall clock) so tests can drive time.
        if not isinstance(payload.get("exp"), int | float) or payload["exp"] <= self._clock.now().timestamp():
            raise SignedTokenRefused("Token expired")
        if payload.get("type") != expected:
            raise SignedTokenRefused(f"Invalid token type: expected an {expected} token")
        identity = payload.get("identity")
        username = identity.get("u") if isinstance(identity, dict) else None
        fingerprint = payload.get("fp")
        family = payload.get("fam")
        if not isinstance(username, str) or not isinstance(fingerprint, str) or not isinstance(family, str):
            raise SignedTokenRefused("Token revoked: issued for other credentials")
        user = self._users.get(username)
        # The comparison runs for an unknown user too: the timing does not tell which part failed.
        known = self._fingerprints.get(username, self._fingerprint)
        fp_ok = hmac.compare_digest(fingerprint.encode("utf-8", "surrogatepass"), known.encode("ascii"))
        if user is None or not fp_ok:
            raise SignedTokenRefused("Token revoked: issued for other credentials")
        if self.revocations.is_revoked(family):
            raise SignedTokenRefused("Token revoked")
        return Principal(username=username, role=user.role, via="jwt", token_family=family)

    def revoke_family(self, family: str) -> None:
        """Revoke every token of ``family`` until the last one it could contain has expired."""
        now = self._clock.now()
        # An access token issued from the family's refresh token just before that expired outlives it.
        until = now + self._ttl["refresh"] + self._ttl["access"]
        self.revocations.revoke(family, until.timestamp())
