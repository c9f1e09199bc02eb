"""OffsetFilter: skip the first ``offset`` pairs, then keep ``number_assets`` of the rest (0: all)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler


class OffsetFilter(PairlistHandler):
    DESCRIPTION = "Skip the first pairs of the list."
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "offset": Option("number", 0, "Offset", "How many pairs to skip from the top.", integer=True),
        "number_assets": Option(
            "number", 0, "Number of assets", "How many pairs to keep after the offset (0: all).", integer=True
        ),
    }

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        rest = pairs[int(self.options["offset"]) :]
        count = int(self.options["number_assets"])
        return rest[:count] if count > 0 else rest
