"""``AnswerCache``: one version per key, least recently used entries dropped past the budget."""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from ftserver.rpc.answer_cache import AnswerCache, encode_json


def test_an_entry_is_only_found_for_its_version() -> None:
    cache: AnswerCache[str, str] = AnswerCache(10)
    cache.put("page", 1, "old answer")
    assert cache.get("page", 1) == "old answer"
    assert cache.get("page", 2) is None
    assert cache.get("other", 1) is None


def test_a_newer_version_replaces_the_older_one() -> None:
    cache: AnswerCache[str, str] = AnswerCache(100)
    cache.put("BTC/USDT", 1, "first", size=40)
    cache.put("BTC/USDT", 2, "second", size=30)
    assert len(cache) == 1
    assert cache.used == 30
    assert cache.get("BTC/USDT", 1) is None
    assert cache.get("BTC/USDT", 2) == "second"


def test_least_recently_used_entries_go_past_the_budget() -> None:
    cache: AnswerCache[int, str] = AnswerCache(100)
    for key in range(4):
        cache.put(key, "v", f"row {key}", size=30)  # the fourth does not fit: the oldest goes
    assert [cache.get(key, "v") for key in range(4)] == [None, "row 1", "row 2", "row 3"]
    cache.get(1, "v")  # now 2 is the least recently used
    cache.put(4, "v", "row 4", size=30)
    assert [key for key in range(5) if cache.get(key, "v")] == [1, 3, 4]
    assert cache.used == 90


def test_an_entry_larger_than_the_budget_is_returned_but_not_kept() -> None:
    cache: AnswerCache[str, str] = AnswerCache(10)
    cache.put("small", 1, "kept", size=5)
    assert cache.put("huge", 1, "answer", size=11) == "answer"
    assert cache.get("huge", 1) is None
    assert cache.get("small", 1) == "kept"  # nothing was dropped to make room for it
    assert cache.used == 5


def test_discard_and_clear_give_the_budget_back() -> None:
    cache: AnswerCache[str, int] = AnswerCache(10)
    cache.put("a", 1, 1, size=4)
    cache.put("b", 1, 2, size=4)
    cache.discard("a")
    cache.discard("missing")
    assert (len(cache), cache.used) == (1, 4)
    cache.clear()
    assert (len(cache), cache.used) == (0, 0)


def test_a_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="budget"):
        AnswerCache(-1)


def test_encoded_json_embeds_as_the_value_itself_would_be_written() -> None:
    value = {"trade_id": 7, "profit": 0.1, "none": None, "rate": np.float64(2.5), "orders": [{"id": 1}]}
    fragment, size = encode_json(value)
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
    assert orjson.dumps({"trades": [fragment]}) == b'{"trades":[' + text + b"]}"
    assert size == len(text)
