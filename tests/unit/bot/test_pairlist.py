"""Blacklist patterns: matched in linear time, bounded in number and length, expanded once per change."""

import re
import time

import pytest

from ftserver.bot.pairlist import Blacklist, Pairlist, pattern_error
from ftserver.errors import Conflict

MARKETS = ["BTC/USDT", "ETH/USDT", "BNB/USDT", "BNB/BTC", "ADADOWN/BTC", "ADAUP/USDT", "ETH/BTC"]
# Python's re backtracks on this for seconds per pair name (exponential in the name's length).
PATHOLOGICAL = "(.*.*)*(.*.*)*(.*.*)*#"


@pytest.mark.parametrize("pattern", ["BNB/.*", ".*DOWN/BTC", ".*UP/.*", "(BTC|ETH)/USDT", "ETH/BTC", "[A-Z]+/BTC"])
@pytest.mark.parametrize("pair", [*MARKETS, "XBNB/USDT", "ADADOWN/BTCX", "ETHXBTC", "LTC/USDT", "1000SHIB/USDT:USDT"])
def test_blacklist_matches_exactly_what_python_fullmatch_matches(pattern: str, pair: str) -> None:
    expected = re.fullmatch(pattern, pair) is not None
    assert (pair in Blacklist([pattern]).matching([pair])) is expected


def test_pathological_pattern_is_matched_in_linear_time() -> None:
    pairlist = Pairlist(["AAVEUP/USDT", "BTC/USDT"], [PATHOLOGICAL])
    started = time.perf_counter()
    assert pairlist.whitelist(["AAVEUP/USDT", "BTC/USDT"]) == ["AAVEUP/USDT", "BTC/USDT"]
    assert pairlist.expanded_blacklist(["A" * 1000 + "/USDT", "B" * 500 + "#"]) == (["B" * 500 + "#"], {})
    # Python's re needs seconds for the 11-character name alone; RE2 needs microseconds.
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("pattern", [r"(BNB)/\1", "(?=BNB)BNB/.*", "(?<!X)BNB/USDT", "BNB/(?>USDT)"])
def test_backreferences_and_lookarounds_are_refused_with_a_reason(pattern: str) -> None:
    pairlist = Pairlist(["BNB/USDT"], [])
    errors = pairlist.add_to_blacklist([pattern])
    assert list(errors) == [pattern]
    assert "not a valid wildcard" in errors[pattern]
    assert "backreferences and lookarounds are not supported" in errors[pattern]
    assert list(pairlist.blacklist) == []


def test_overlong_pattern_is_refused_naming_the_limit() -> None:
    blacklist = Blacklist(max_pattern_length=20)
    errors = blacklist.add(["A" * 21, "B" * 20])
    assert errors == {"A" * 21: "Pattern is 21 characters long; at most 20 are allowed."}
    assert list(blacklist) == ["B" * 20]


def test_repeated_pattern_is_reported_like_freqtrade() -> None:
    blacklist = Blacklist(["BNB/.*"])
    assert blacklist.add(["BNB/.*"]) == {"BNB/.*": "Pair BNB/.* already in pairlist."}
    assert list(blacklist) == ["BNB/.*"]


def test_blacklist_past_its_cap_is_refused_whole_naming_the_limit() -> None:
    blacklist = Blacklist([f"P{i}/USDT" for i in range(8)], max_entries=10)
    with pytest.raises(Conflict, match="at most 10 entries: it has 8, adding 3 would make 11"):
        blacklist.add(["X/USDT", "Y/USDT", "Z/USDT"])
    assert len(blacklist) == 8
    assert blacklist.add(["X/USDT", "Y/USDT", "P0/USDT"]) == {"P0/USDT": "Pair P0/USDT already in pairlist."}
    assert len(blacklist) == 10


def test_unchanged_blacklist_and_markets_run_no_pattern_again() -> None:
    pairlist = Pairlist(["BTC/USDT", "ETH/USDT", "BNB/USDT"], ["BNB/.*", ".*UP/.*"])
    markets = dict.fromkeys(MARKETS)
    for _ in range(50):  # fifty loop iterations, nothing changed
        assert pairlist.whitelist(markets.keys()) == ["BTC/USDT", "ETH/USDT"]
        assert pairlist.expanded_blacklist(markets.keys())[0] == ["BNB/USDT", "BNB/BTC", "ADAUP/USDT"]
    assert pairlist.blacklist.expansions == 2  # once for the whitelist, once for all markets


def test_changing_the_blacklist_or_the_markets_expands_again() -> None:
    pairlist = Pairlist(["BTC/USDT", "ETH/USDT", "BNB/USDT"], ["BNB/.*"])
    assert pairlist.expanded_blacklist(MARKETS)[0] == ["BNB/USDT", "BNB/BTC"]
    assert pairlist.expanded_blacklist([*MARKETS, "BNB/ETH"])[0] == ["BNB/USDT", "BNB/BTC", "BNB/ETH"]
    pairlist.add_to_blacklist(["ETH/.*"])
    assert pairlist.whitelist(MARKETS) == ["BTC/USDT"]
    pairlist.remove_from_blacklist(["BNB/.*"])
    assert pairlist.whitelist(MARKETS) == ["BTC/USDT", "BNB/USDT"]
    assert pairlist.blacklist.expansions == 4


def test_a_pairlist_built_on_another_pairlists_blacklist_shares_its_cache() -> None:
    # Consumer mode builds a pairlist of the followed pairs on every iteration.
    own = Pairlist(["BTC/USDT"], ["BNB/.*"])
    for _ in range(10):
        assert Pairlist(["BNB/USDT", "ETH/USDT"], own.blacklist).whitelist(MARKETS) == ["ETH/USDT"]
    assert own.blacklist.expansions == 1


def test_adding_many_entries_in_batches_compiles_each_once_and_expands_lazily() -> None:
    pairlist = Pairlist(["BTC/USDT"], [], max_entries=1000)
    for batch in range(10):
        assert pairlist.add_to_blacklist([f"C{batch}-{i}/.*" for i in range(100)]) == {}
    assert len(pairlist.blacklist) == 1000
    assert pairlist.blacklist.expansions == 0
    markets = [f"C{b}-{i}/USDT" for b in range(10) for i in range(0, 100, 5)] + ["BTC/USDT"]
    started = time.perf_counter()
    expanded, _ = pairlist.expanded_blacklist(markets)
    assert time.perf_counter() - started < 0.5  # one RE2 automaton for all 1,000 patterns
    assert expanded == markets[:-1]


def test_plain_pair_not_listed_still_counts_as_blacklisted() -> None:
    assert Pairlist([], ["NOPE/USDT", "BNB/.*"]).expanded_blacklist(MARKETS) == (
        ["BNB/USDT", "BNB/BTC", "NOPE/USDT"],
        {},
    )


def test_pattern_error_accepts_what_freqtrade_users_write() -> None:
    for pattern in ["BNB/.*", ".*DOWN/BTC", ".*UP/.*", "(BTC|ETH)/USDT", "1000SHIB/USDT:USDT"]:
        assert pattern_error(pattern) is None
    assert pattern_error("") == "Pattern is empty."
    assert "missing )" in (pattern_error("(oops") or "")
