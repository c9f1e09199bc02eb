"""exchange.pair_blacklist is checked when the config loads: RE2 syntax, pattern length, entry count."""

import pytest

from ftserver.config import settings_from_dict
from ftserver.errors import ConfigError

MINIMAL = {"stake_currency": "USDT", "stake_amount": 100}


def exchange(**values: object) -> dict[str, object]:
    return {**MINIMAL, "exchange": {"name": "sim", **values}}


def test_blacklist_pattern_with_a_backreference_names_its_index() -> None:
    with pytest.raises(ConfigError, match="not a valid wildcard") as raised:
        settings_from_dict(exchange(pair_blacklist=["BNB/.*", r"(ETH)/\1"]))
    assert raised.value.key == "exchange.pair_blacklist.1"


def test_blacklist_pattern_longer_than_the_limit_names_its_index() -> None:
    with pytest.raises(ConfigError, match="at most 10 are allowed") as raised:
        settings_from_dict(exchange(pair_blacklist=["BNB/.*", "X/.*", "A" * 11], max_blacklist_pattern_length=10))
    assert raised.value.key == "exchange.pair_blacklist.2"


def test_default_pattern_length_limit_applies() -> None:
    with pytest.raises(ConfigError, match="at most 100 are allowed") as raised:
        settings_from_dict(exchange(pair_blacklist=["A" * 101]))
    assert raised.value.key == "exchange.pair_blacklist.0"


def test_blacklist_longer_than_the_limit_says_the_limit() -> None:
    with pytest.raises(ConfigError, match=r"1001 entries; at most 1000 are allowed") as raised:
        settings_from_dict(exchange(pair_blacklist=[f"C{i}/USDT" for i in range(1001)]))
    assert raised.value.key == "exchange.pair_blacklist"


def test_patterns_freqtrade_users_write_load() -> None:
    patterns = ("BNB/.*", ".*DOWN/BTC", ".*UP/.*", "(BTC|ETH)/USDT")
    settings = settings_from_dict(exchange(pair_blacklist=list(patterns), max_blacklist_entries=4))
    assert settings.exchange.pair_blacklist == patterns
    assert settings.exchange.max_blacklist_entries == 4
