"""JWTs as freqtrade issues them: HS256, payload ``{"identity": {"u": user}, "exp", "iat", "type"}``.

Access tokens live 15 minutes, refresh tokens 30 days; a token of the wrong ``type`` is refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import jwt

from ftserver.api.principal import Principal
from ftserver.core.clock import Clock, SystemClock
from ftserver.errors import AuthError

TokenType = Literal["access", "refresh"]
ALGORITHM = "HS256"


class TokenService:
    def __init__(
        self,
        secret: str,
        *,
        access_ttl: timedelta = timedelta(minutes=15),
        refresh_ttl: timedelta = timedelta(days=30),
        clock: Clock | None = None,
    ) -> None:
        self._secret = secret
        self._ttl: dict[str, timedelta] = {"access": access_ttl, "refresh": refresh_ttl}
        self._clock = clock or SystemClock()

    def issue(self, username: str, token_type: TokenType) -> str:
        now = self._clock.now()
        payload = {
            "identity": {"u": username},
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl[token_type]).timestamp()),
            "type": token_type,
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, expected: TokenType) -> Principal:
        """The principal a valid token of type ``expected`` names; ``AuthError`` for anything else."""
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
            raise AuthError("Token expired")
        if payload.get("type") != expected:
            raise AuthError(f"Invalid token type: expected an {expected} token")
        identity = payload.get("identity")
        username = identity.get("u") if isinstance(identity, dict) else None
        if not isinstance(username, str):
            raise AuthError("Invalid token")
        return Principal(username=username, via="jwt")
