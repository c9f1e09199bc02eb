"""Configured passwords: plain text, or an argon2id hash (``ftserver hash-password`` prints one).

argon2-cffi does the hashing: verifying a hash costs tens of milliseconds and tens of MiB by design,
which HTTP Basic clients (freqtrade-client) would pay on every request. So a verified (user,
password) pair is remembered under a keyed digest (the key is random per process, the password is
never kept); only a wrong password, or a first request, runs the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASH_PREFIX = "$argon2"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh salt, in the PHC string format."""
    return _hasher.hash(password)


def is_password_hash(configured: str) -> bool:
    return configured.startswith(HASH_PREFIX)


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate (from odd environment decoding) must fail to match, not raise.
    return text.encode("utf-8", "surrogatepass")


class PasswordCheck:
    """Compares a given password with a configured one (plain or hashed), remembering good hashed matches."""

    def __init__(self, *, max_remembered: int = 1024) -> None:
        self._key = secrets.token_bytes(32)
        self._verified: set[bytes] = set()
        self._max_remembered = max_remembered

    def _digest(self, username: str, given: str, configured: str) -> bytes:
        return hmac.new(self._key, _utf8("\0".join((username, configured, given))), hashlib.sha256).digest()

    def is_slow(self, username: str, given: str, configured: str) -> bool:
        """Whether ``matches`` would run the hash (tens of milliseconds): a hash not yet matched by ``given``."""
        return is_password_hash(configured) and self._digest(username, given, configured) not in self._verified

    def matches(self, username: str, given: str, configured: str) -> bool:
        if not configured:
            return False  # an empty configured password authenticates nobody
        if not is_password_hash(configured):
            return hmac.compare_digest(_utf8(given), _utf8(configured))
        digest = self._digest(username, given, configured)
        if digest in self._verified:
            return True
        try:
            _hasher.verify(configured, _utf8(given))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if len(self._verified) >= self._max_remembered:
            self._verified.clear()
        self._verified.add(digest)
        return True
