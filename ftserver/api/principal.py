"""Who is calling, and what the role they hold lets them do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Each role holds every right of the ones before it: read < trade < admin."""

    READ = "read"
    TRADE = "trade"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, required: Role) -> bool:
        return self.rank >= required.rank


_RANKS = {Role.READ: 0, Role.TRADE: 1, Role.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class Principal:
    username: str
    role: Role = Role.ADMIN
    via: str = "basic"  # basic | jwt | ws_token | api_token
    # The JWT family the credential belongs to (None for a password or a ws_token): what a logout revokes.
    token_family: str | None = None
    # The name of the API token used (``via == "api_token"``), for the audit log.
    token_name: str | None = None
    token_id: int | None = None
