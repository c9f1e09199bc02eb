"""Shapes of the pair routes: whitelist, blacklist, pair locks and the available pair list handlers."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ftserver.rpc.shapes import choices, described, shape


@shape
class Whitelist:
    whitelist: list[str]
    length: int
    method: list[str]


@shape
class BlacklistError:
    error_msg: str


@shape
class Blacklist:
    blacklist: list[str] = field(metadata=described("as configured: pairs or patterns"))
    blacklist_expanded: list[str] = field(metadata=described("the markets the patterns match"))
    errors: dict[str, BlacklistError] = field(
        metadata=described("patterns refused by this request: {pattern: {error_msg}}")
    )
    length: int
    method: list[str]


@shape
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


@shape
class Locks:
    lock_count: int
    locks: list[Lock]


@shape
class PairlistHandler:
    name: str
    is_pairlist_generator: bool
    params: dict[str, Any] = field(metadata=described("the handler's options: name -> type, default, description"))
    description: str
    supports_backtesting: str


@shape
class Pairlists:
    pairlists: list[PairlistHandler]
