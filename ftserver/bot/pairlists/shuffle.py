"""ShuffleFilter: put the pairs in a random order, new once per candle or every iteration.

With a ``seed`` the order sequence is the same on every run (tests and backtests compare runs).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler
from ftserver.data.timeframes import timeframe_to_ms


class ShuffleFilter(PairlistHandler):
    DESCRIPTION = "Put the pairs in a random order."
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "shuffle_frequency": Option(
            "option",
            "candle",
            "Shuffle frequency",
            "A new order every candle or every iteration.",
            options=("candle", "iteration"),
        ),
        "seed": Option("number", None, "Seed", "Seed of the random order (same seed, same orders).", integer=True),
    }

    def __init__(self, options: Mapping[str, object]) -> None:
        super().__init__(options)
        seed = self.options["seed"]
        self._random = random.Random(int(seed) if seed is not None else None)
        self._last: tuple[int, tuple[str, ...], list[str]] | None = None

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        if self.options["shuffle_frequency"] == "candle":
            now_ms = int(ctx.now.timestamp() * 1000)
            candle = now_ms - now_ms % timeframe_to_ms(ctx.timeframe)
            if self._last is not None and self._last[0] == candle and self._last[1] == tuple(pairs):
                return list(self._last[2])
        else:
            candle = -1
        shuffled = list(pairs)
        self._random.shuffle(shuffled)
        self._last = (candle, tuple(pairs), shuffled)
        return list(shuffled)
