"""The static whitelist and the blacklist (regular-expression patterns, as freqtrade treats them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def expand_patterns(patterns: Iterable[str], available: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """Pairs of ``available`` matched by any pattern (a pattern is a full-match regex, e.g. ``BNB/.*``).

    Returns the matched pairs in ``available`` order and ``{pattern: error}`` for invalid patterns.
    A plain pair name that is not available still counts as itself (it blocks that pair if it appears).
    """
    compiled: list[re.Pattern[str]] = []
    errors: dict[str, str] = {}
    literal: list[str] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            errors[pattern] = f"Invalid pattern {pattern}: {exc}"
            continue
        if re.escape(pattern) == pattern:
            literal.append(pattern)
    matched = [pair for pair in available if any(c.fullmatch(pair) for c in compiled)]
    for pair in literal:
        if pair not in matched:
            matched.append(pair)
    return matched, errors


class Pairlist:
    """Whitelist = configured pairs that the exchange lists, minus blacklisted ones."""

    def __init__(self, whitelist: Sequence[str], blacklist: Sequence[str]) -> None:
        self.configured = list(dict.fromkeys(whitelist))
        self.blacklist = list(dict.fromkeys(blacklist))

    def whitelist(self, available: Iterable[str]) -> list[str]:
        markets = set(available)
        blocked, _ = expand_patterns(self.blacklist, self.configured)
        blocked_set = set(blocked)
        return [p for p in self.configured if p in markets and p not in blocked_set]

    def add_to_blacklist(self, pairs: Iterable[str]) -> dict[str, str]:
        """Add patterns; invalid ones are refused and reported as ``{pattern: error}``."""
        errors: dict[str, str] = {}
        for pair in pairs:
            _, bad = expand_patterns([pair], [])
            if bad:
                errors.update(bad)
            elif pair not in self.blacklist:
                self.blacklist.append(pair)
        return errors

    def remove_from_blacklist(self, pairs: Iterable[str]) -> None:
        remove = set(pairs)
        self.blacklist = [p for p in self.blacklist if p not in remove]

    def expanded_blacklist(self, available: Iterable[str]) -> tuple[list[str], dict[str, str]]:
        return expand_patterns(self.blacklist, available)
