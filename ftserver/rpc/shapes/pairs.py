"""Shapes of the pair routes: whitelist, blacklist, pair locks and the available pair list handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ftserver.rpc.shapes import choices, described


@dataclass(frozen=True, slots=True)
class Whitelist:
    whitelist: list[str]
    length: int
    method: list[str]


@dataclass(frozen=True, slots=True)
class BlacklistError:
    error_msg: str


@dataclass(frozen=True, slots=True)
class Blacklist:
    blacklist: list[str] = field(metadata=described("as configured: pairs or patterns"))
    blacklist_expanded: list[str] = field(metadata=described("the markets the patterns match"))
    errors: dict[str, BlacklistError] = field(
        metadata=described("patterns refused by this request: {pattern: {error_msg}}")
    )
    length: int
    method: list[str]


@dataclass(frozen=True, slots=True)
class Lock:
    id: int
    active: bool
    lock_end_time: str
    lock_end_timestamp: int
    lock_time: str
    lock_timestamp: int
    pair: str = field(metadata=described('a pair, or "*" for every pair'))
    side: str = field(metadata=choices(["*", "long", "short"]))
    reason: str | None


@dataclass(frozen=True, slots=True)
class Locks:
    lock_count: int
    locks: list[Lock]


@dataclass(frozen=True, slots=True)
class PairlistHandler:
    name: str
    is_pairlist_generator: bool
    params: dict[str, Any] = field(metadata=described("the handler's options: name -> type, default, description"))
    description: str
    supports_backtesting: str


@dataclass(frozen=True, slots=True)
class Pairlists:
    pairlists: list[PairlistHandler]
