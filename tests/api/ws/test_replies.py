"""AnalyzedReplyCache: one encoding per pair, analysis and limit; a new analysis or limit is encoded afresh."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from ftserver.api.ws.replies import AnalyzedFrame, AnalyzedReplyCache

ANALYZED = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)


def frame(rows: int, start: float) -> pd.DataFrame:
    dates = pd.date_range("2026-01-01", periods=rows, freq="5min", tz="UTC")
    return pd.DataFrame({"date": dates, "close": [start + i for i in range(rows)]})


def analyzed(pair: str, df: pd.DataFrame, at: datetime = ANALYZED) -> AnalyzedFrame:
    return ((pair, "5m", "spot"), df, at)


def decoded(reply: bytes) -> dict[str, Any]:
    message = json.loads(reply)
    assert message["type"] == "analyzed_df"
    data: dict[str, Any] = message["data"]
    data["split"] = json.loads(data["df"]["__value__"])
    return data


async def test_reply_is_the_analyzed_df_frame_cut_to_the_limit() -> None:
    cache = AnalyzedReplyCache()
    (reply,) = await cache.replies([analyzed("BTC/USDT", frame(10, 1.0))], 3)
    data = decoded(reply)
    assert data["key"] == ["BTC/USDT", "5m", "spot"]
    assert data["la"] == "2026-01-01T00:05:00+00:00"
    assert data["split"]["index"] == [7, 8, 9]
    assert [row[1] for row in data["split"]["data"]] == [8.0, 9.0, 10.0]


async def test_a_repeated_request_gets_the_same_bytes_without_encoding() -> None:
    cache = AnalyzedReplyCache()
    frames = [analyzed("BTC/USDT", frame(5, 1.0)), analyzed("ETH/USDT", frame(5, 2.0))]
    one = await cache.replies(frames, 100)
    two = await cache.replies(frames, 100)
    assert all(a is b for a, b in zip(one, two, strict=True))
    assert (cache.encoded, cache.hits) == (2, 2)


async def test_a_new_analysis_of_one_pair_re_encodes_only_that_pair() -> None:
    cache = AnalyzedReplyCache()
    btc, eth = analyzed("BTC/USDT", frame(5, 1.0)), analyzed("ETH/USDT", frame(5, 2.0))
    _, old_eth = await cache.replies([btc, eth], 2)
    newer = analyzed("BTC/USDT", frame(6, 100.0), datetime(2026, 1, 1, 0, 10, tzinfo=UTC))
    new_btc, same_eth = await cache.replies([newer, eth], 2)
    assert same_eth is old_eth
    assert [row[1] for row in decoded(new_btc)["split"]["data"]] == [104.0, 105.0]
    assert decoded(new_btc)["la"] == "2026-01-01T00:10:00+00:00"
    assert (cache.encoded, cache.hits) == (3, 1)
    # The old analysis is forgotten, not kept beside the new one.
    assert len(cache) == 2


async def test_the_same_analysis_time_with_a_new_frame_is_encoded_again() -> None:
    cache = AnalyzedReplyCache()
    (first,) = await cache.replies([analyzed("BTC/USDT", frame(5, 1.0))], 2)
    (second,) = await cache.replies([analyzed("BTC/USDT", frame(5, 50.0))], 2)
    assert [row[1] for row in decoded(first)["split"]["data"]] == [4.0, 5.0]
    assert [row[1] for row in decoded(second)["split"]["data"]] == [53.0, 54.0]


async def test_each_limit_is_its_own_frame() -> None:
    cache = AnalyzedReplyCache()
    frames = [analyzed("BTC/USDT", frame(10, 1.0))]
    (three,) = await cache.replies(frames, 3)
    (five,) = await cache.replies(frames, 5)
    assert len(decoded(three)["split"]["data"]) == 3
    assert len(decoded(five)["split"]["data"]) == 5
    assert (await cache.replies(frames, 3))[0] is three
    assert (cache.encoded, cache.hits) == (2, 1)


async def test_consumers_asking_together_share_one_encoding_per_pair() -> None:
    cache = AnalyzedReplyCache()
    frames = [analyzed(f"P{n}/USDT", frame(50, float(n))) for n in range(5)]
    answers = await asyncio.gather(*(cache.replies(frames, 20) for _ in range(10)))
    assert cache.encoded == 5
    assert cache.hits == 45
    assert all(answer == answers[0] for answer in answers)
    assert [decoded(reply)["key"][0] for reply in answers[0]] == [f"P{n}/USDT" for n in range(5)]


async def test_more_pairs_than_the_capacity_are_all_answered_and_the_oldest_go() -> None:
    cache = AnalyzedReplyCache(capacity=2)
    frames = [analyzed(f"P{n}/USDT", frame(3, float(n))) for n in range(3)]
    replies = await cache.replies(frames, 3)
    assert [decoded(reply)["key"][0] for reply in replies] == ["P0/USDT", "P1/USDT", "P2/USDT"]
    assert len(cache) == 2
    await cache.replies(frames[1:], 3)
    assert cache.hits == 2  # P1 and P2 stayed, P0 went first


def test_a_cache_without_room_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        AnalyzedReplyCache(capacity=0)
