"""Who is calling. Today there is one user with every right; scoped tokens will add narrower roles."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    READ = "read"
    TRADE = "trade"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    username: str
    role: Role = Role.ADMIN
    via: str = "basic"  # basic | jwt | ws_token
    # The JWT family the credential belongs to (None for a password or a ws_token): what a logout revokes.
    token_family: str | None = None
