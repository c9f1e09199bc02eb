"""The static whitelist and the blacklist (full-match patterns, as freqtrade treats them).

Patterns come from users (config file, ``POST /blacklist``) and run on the event loop, so they are
matched with RE2, whose time is linear in pattern and pair length: a backtracking pattern such as
``(.*.*)*#`` cannot stall the loop. RE2 refuses backreferences and lookarounds; nobody needs them to
name pairs, and they are reported as invalid. The list is capped (``max_entries``), each pattern is
capped (``max_pattern_length``), and the pairs a blacklist matches are kept until the blacklist or the
pairs asked about change, so an iteration in which nothing changed runs no pattern at all.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import overload

import re2

from ftserver.errors import Conflict

# Plenty for freqtrade blacklists (tens of entries, or every market of an exchange by name); it bounds
# one expansion: 1,000 patterns against 2,000 markets costs well under 200 ms, once per change.
DEFAULT_MAX_ENTRIES = 1000
# Pair names are short (``1000SHIB/USDT:USDT`` is 18 characters); a pattern naming a few is under 100.
DEFAULT_MAX_PATTERN_LENGTH = 100
# Expansions kept per blacklist: the loop's whitelist, a consumer's followed pairs and the API's markets.
_EXPANSIONS_KEPT = 4


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # invalid patterns are reported to the caller, not written to stderr
    return options


def pattern_error(pattern: str, *, max_length: int = DEFAULT_MAX_PATTERN_LENGTH) -> str | None:
    """Why ``pattern`` cannot be a blacklist entry, or None when it can."""
    if not pattern:
        return "Pattern is empty."
    if len(pattern) > max_length:
        return f"Pattern is {len(pattern)} characters long; at most {max_length} are allowed."
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"Pair {pattern} is not a valid wildcard: {reason} (backreferences and lookarounds are not supported)."
    return None


def _is_literal(pattern: str) -> bool:
    return re.escape(pattern) == pattern


class Blacklist(Sequence[str]):
    """Blacklist entries in the order given, with the pairs they match cached per set of candidates."""

    def __init__(
        self,
        patterns: Iterable[str] = (),
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_pattern_length: int = DEFAULT_MAX_PATTERN_LENGTH,
    ) -> None:
        self.max_entries = max_entries
        self.max_pattern_length = max_pattern_length
        # A dict keeps the entry order and answers "already listed?" in O(1).
        self._entries: dict[str, None] = {}
        self._matcher: re2.Set | None = None
        self._matcher_stale = True
        self._expansions: OrderedDict[tuple[str, ...], list[str]] = OrderedDict()
        # How many times the patterns were run over a set of pairs (tests and the benchmark read it).
        self.expansions = 0
        self._literals: frozenset[str] = frozenset()
        # The settings loader checks configured patterns; one that slipped past is a programming error.
        errors = self.add(dict.fromkeys(patterns))
        if errors:
            raise ValueError(next(iter(errors.values())))

    # ---- Sequence ------------------------------------------------------------------------------
    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return list(self._entries)[index]

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __contains__(self, value: object) -> bool:
        return value in self._entries

    def __repr__(self) -> str:
        return f"Blacklist({list(self._entries)!r})"

    # ---- changes -------------------------------------------------------------------------------
    def add(self, patterns: Iterable[str]) -> dict[str, str]:
        """Add valid new patterns, all or none of them; returns ``{pattern: error}`` for the others.

        Raises ``Conflict`` when the new patterns would take the list past ``max_entries``.
        Costs one compile per pattern: the matcher is rebuilt once, when next needed.
        """
        errors: dict[str, str] = {}
        new: dict[str, None] = {}
        for pattern in patterns:
            if pattern in self._entries or pattern in new:
                errors[pattern] = f"Pair {pattern} already in pairlist."
                continue
            error = pattern_error(pattern, max_length=self.max_pattern_length)
            if error is not None:
                errors[pattern] = error
            else:
                new[pattern] = None
        if len(self._entries) + len(new) > self.max_entries:
            raise Conflict(
                f"The blacklist holds at most {self.max_entries} entries: it has {len(self._entries)}, "
                f"adding {len(new)} would make {len(self._entries) + len(new)}."
            )
        if new:
            self._entries.update(new)
            self._changed()
        return errors

    def remove(self, patterns: Iterable[str]) -> None:
        before = len(self._entries)
        for pattern in patterns:
            self._entries.pop(pattern, None)
        if len(self._entries) != before:
            self._changed()

    def _changed(self) -> None:
        self._matcher_stale = True
        self._expansions.clear()

    # ---- matching ------------------------------------------------------------------------------
    def matching(self, candidates: Iterable[str]) -> list[str]:
        """Pairs among ``candidates`` that an entry fully matches, in ``candidates`` order.

        A plain pair name that is not among the candidates still counts as itself (it blocks that
        pair if it appears). The answer is cached until the entries or the candidates change.
        """
        key = tuple(candidates)
        cached = self._expansions.get(key)
        if cached is not None:
            self._expansions.move_to_end(key)
            return list(cached)
        matched = self._expand(key)
        self._expansions[key] = matched
        if len(self._expansions) > _EXPANSIONS_KEPT:
            self._expansions.popitem(last=False)
        return list(matched)

    def _expand(self, candidates: tuple[str, ...]) -> list[str]:
        self.expansions += 1
        matcher = self._pattern_set()
        literals = self._literals
        matched = [pair for pair in dict.fromkeys(candidates) if pair in literals or (matcher and matcher.Match(pair))]
        seen = set(matched)
        matched.extend(p for p in self._entries if p in literals and p not in seen)
        return matched

    def _pattern_set(self) -> re2.Set | None:
        """One RE2 automaton for every non-literal entry: a pair is scanned once, whatever their number."""
        if self._matcher_stale:
            self._literals = frozenset(p for p in self._entries if _is_literal(p))
            patterns = [p for p in self._entries if p not in self._literals]
            matcher = None
            if patterns:
                matcher = re2.Set.FullMatchSet(_options())
                for pattern in patterns:
                    matcher.Add(pattern)
                matcher.Compile()
            self._matcher = matcher
            self._matcher_stale = False
        return self._matcher


class Pairlist:
    """Whitelist = configured pairs that the exchange lists, minus blacklisted ones."""

    def __init__(
        self,
        whitelist: Sequence[str],
        blacklist: Blacklist | Iterable[str],
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_pattern_length: int = DEFAULT_MAX_PATTERN_LENGTH,
    ) -> None:
        self.configured = list(dict.fromkeys(whitelist))
        # Passing another pairlist's Blacklist shares it (and its cached expansions): the consumer
        # mode builds a pairlist of the followed pairs every iteration.
        self.blacklist = (
            blacklist
            if isinstance(blacklist, Blacklist)
            else Blacklist(blacklist, max_entries=max_entries, max_pattern_length=max_pattern_length)
        )

    def whitelist(self, available: Iterable[str]) -> list[str]:
        markets = available if isinstance(available, AbstractSet) else set(available)
        blocked = set(self.blacklist.matching(self.configured))
        return [p for p in self.configured if p in markets and p not in blocked]

    def add_to_blacklist(self, pairs: Iterable[str]) -> dict[str, str]:
        """Add patterns; invalid or repeated ones are refused and reported as ``{pattern: error}``."""
        return self.blacklist.add(pairs)

    def remove_from_blacklist(self, pairs: Iterable[str]) -> None:
        self.blacklist.remove(pairs)

    def expanded_blacklist(self, available: Iterable[str]) -> tuple[list[str], dict[str, str]]:
        """The pairs of ``available`` the blacklist matches; every entry was checked when it was added."""
        return self.blacklist.matching(available), {}
