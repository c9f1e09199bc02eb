"""ProducerPairList: follow the whitelist a producer bot sends (consumer mode)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler


class ProducerPairList(PairlistHandler):
    DESCRIPTION = "Follow the whitelist of a producer bot."
    IS_GENERATOR = True
    SUPPORTS_BACKTESTING = "no"
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "number_assets": Option("number", 0, "Number of assets", "How many pairs to keep (0: all).", integer=True),
        "producer_name": Option(
            "string", "default", "Producer name", "Name of the producer in external_message_consumer.producers."
        ),
    }

    def _followed(self, ctx: PairlistContext) -> list[str]:
        return [p for p in ctx.producer_pairs.get(self.options["producer_name"], ()) if p in ctx.markets]

    def _cap(self, pairs: list[str]) -> list[str]:
        count = int(self.options["number_assets"])
        return pairs[:count] if count > 0 else pairs

    async def generate(self, ctx: PairlistContext) -> list[str]:
        return self._cap(self._followed(ctx))

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        # Later in a chain it adds the producer's pairs after the ones before it.
        return self._cap(list(dict.fromkeys([*pairs, *self._followed(ctx)])))
