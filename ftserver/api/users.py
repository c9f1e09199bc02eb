"""The API's users: the configured ``username``/``password`` (always admin) and ``api_server.users``.

Each user has a role (``read``, ``trade``, ``admin``); a password is plain text or an argon2 hash.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ftserver.api.passwords import PasswordCheck, hash_password, is_password_hash
from ftserver.api.principal import Principal, Role
from ftserver.errors import AuthError

UNAUTHORIZED = "Unauthorized"


@dataclass(frozen=True, slots=True)
class ApiUser:
    username: str
    password: str  # plain text or an argon2 hash, as configured
    role: Role


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class UserDirectory:
    """Looks users up by name and checks their passwords (constant time for plain-text passwords)."""

    def __init__(self, users: Iterable[ApiUser], *, check: PasswordCheck | None = None) -> None:
        self._users: dict[str, ApiUser] = {}
        for user in users:
            if user.username in self._users:
                raise ValueError(f"user {user.username!r} is configured twice")
            self._users[user.username] = user
        self._check = check if check is not None else PasswordCheck()
        # An unknown username still costs one hash check when hashes are in use, so the answer's
        # timing does not tell which usernames exist.
        self._decoy = hash_password("decoy") if any(is_password_hash(u.password) for u in self._users.values()) else ""

    @classmethod
    def single(cls, username: str, password: str) -> UserDirectory:
        """The one admin user of a config without ``users``."""
        return cls([ApiUser(username, password, Role.ADMIN)])

    def __iter__(self) -> Iterator[ApiUser]:
        return iter(self._users.values())

    def get(self, username: str) -> ApiUser | None:
        return self._users.get(username)

    def is_slow(self, username: str, password: str) -> bool:
        """Whether ``authenticate`` would run a password hash (worth doing off the event loop)."""
        user = self._users.get(username)
        configured = user.password if user is not None else self._decoy
        return self._check.is_slow(username, password, configured)

    def authenticate(self, username: str, password: str) -> Principal:
        """The principal for a right (username, password); ``AuthError("Unauthorized")`` otherwise."""
        user = self._users.get(username)
        if user is None:
            # Compare against something anyway so the timing does not tell the username was wrong.
            hmac.compare_digest(_utf8(password), _utf8(password))
            if self._decoy:
                self._check.matches(username, password, self._decoy)
            raise AuthError(UNAUTHORIZED)
        if not self._check.matches(username, password, user.password):
            raise AuthError(UNAUTHORIZED)
        return Principal(username=username, role=user.role, via="basic")
