"""``AnalyzedReplyCache``: the encoded ``analyzed_df`` reply frames that consumers ask for on connect.

Every consumer bot asks for the same pairs with the same limit, and the answer only changes when a
pair is analyzed again (once a candle). So each reply frame is encoded once per analysis and limit,
and every request until the next analysis costs a dict lookup per pair and a socket write.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ftserver.api.ws.protocol import encode
from ftserver.core import messages

AnalyzedFrame = tuple[tuple[str, str, str], Any, datetime]
"""``((pair, timeframe, candle_type), dataframe, last_analyzed)``"""


def encode_analyzed_frames(frames: list[AnalyzedFrame], limit: int) -> list[bytes]:
    """One ``analyzed_df`` frame per pair, each frame cut to its last ``limit`` rows. CPU-bound: run off the loop."""
    encoded = []
    for (pair, timeframe, candle_type), df, last_analyzed in frames:
        # A positional slice is a view; tail() copies, which for a freshly analyzed (unconsolidated)
        # frame costs several times the slice.
        rows = df.iloc[-limit:] if hasattr(df, "iloc") else df
        encoded.append(encode(messages.analyzed_df(pair, timeframe, candle_type, rows, last_analyzed).to_wire()))
    return encoded


@dataclass(frozen=True, slots=True)
class _Reply:
    """One encoded frame and the analysis it was made from."""

    last_analyzed: datetime
    source: weakref.ref[Any]
    frame: bytes

    def made_from(self, df: Any, last_analyzed: datetime) -> bool:
        return self.last_analyzed == last_analyzed and self.source() is df


class AnalyzedReplyCache:
    """Encoded analyzed_df reply frames, one per (pair, timeframe, candle type) and limit.

    A frame only changes when its pair is analyzed again, so every consumer asking in between gets
    the same bytes: many consumers asking at once cost one encoding per pair, and a repeated request
    costs a dict lookup per pair and no DataFrame work at all. An entry is reused only for the very
    DataFrame object (the bot never mutates a stored analysis, it stores a new one) with the same
    analysis time; anything else is encoded afresh and replaces it.
    """

    def __init__(self, capacity: int = 2048) -> None:
        """``capacity``: reply frames kept (one per pair and limit asked for); the oldest stored goes first."""
        if capacity < 1:
            raise ValueError("the analyzed_df reply cache needs room for at least one frame")
        self.capacity = capacity
        self._replies: OrderedDict[tuple[tuple[str, str, str], int], _Reply] = OrderedDict()
        self._encoding = asyncio.Lock()
        self.hits = 0  # replies served from the cache
        self.encoded = 0  # replies encoded

    def __len__(self) -> int:
        return len(self._replies)

    def _current(self, frame: AnalyzedFrame, limit: int) -> bytes | None:
        key, df, last_analyzed = frame
        reply = self._replies.get((key, limit))
        return reply.frame if reply is not None and reply.made_from(df, last_analyzed) else None

    async def replies(self, frames: list[AnalyzedFrame], limit: int) -> list[bytes]:
        """The reply frames for ``frames``, in order. The DataFrames are whole: each is cut to ``limit`` rows here."""
        replies = [self._current(frame, limit) for frame in frames]
        encoded: list[bytes] = []
        if None in replies:
            # Consumers connecting together ask together: one encodes, the others wait and reuse it.
            async with self._encoding:
                replies = [self._current(frame, limit) for frame in frames]
                missing = [frame for frame, reply in zip(frames, replies, strict=True) if reply is None]
                if missing:
                    encoded = await asyncio.to_thread(encode_analyzed_frames, missing, limit)
                for frame, reply in zip(missing, encoded, strict=True):
                    self._store(frame, limit, reply)
                fresh = iter(encoded)
                replies = [reply if reply is not None else next(fresh) for reply in replies]
        self.encoded += len(encoded)
        self.hits += len(frames) - len(encoded)
        return [reply for reply in replies if reply is not None]  # all are, by now

    def _store(self, frame: AnalyzedFrame, limit: int, reply: bytes) -> None:
        key, df, last_analyzed = frame
        try:
            source = weakref.ref(df)
        except TypeError:  # not a DataFrame: nothing to recognise it by later, so it is never reused
            return
        self._replies[(key, limit)] = _Reply(last_analyzed, source, reply)
        self._replies.move_to_end((key, limit))
        while len(self._replies) > self.capacity:
            self._replies.popitem(last=False)
