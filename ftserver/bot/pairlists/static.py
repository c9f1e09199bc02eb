"""StaticPairList: the configured ``exchange.pair_whitelist``, as far as the exchange lists it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler


class StaticPairList(PairlistHandler):
    DESCRIPTION = "Trade the pairs named in exchange.pair_whitelist."
    IS_GENERATOR = True
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "allow_inactive": Option(
            "boolean", False, "Allow inactive pairs", "Keep pairs the exchange lists as inactive in the whitelist."
        ),
    }

    def _listed(self, pairs: Sequence[str], ctx: PairlistContext) -> list[str]:
        markets = ctx.markets
        pairs = list(dict.fromkeys(pairs))
        if self.options["allow_inactive"]:
            return [p for p in pairs if p in markets]
        return [p for p in pairs if p in markets and markets[p].active]

    async def generate(self, ctx: PairlistContext) -> list[str]:
        return self._listed(ctx.configured, ctx)

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        # Later in a chain it adds the configured pairs after the ones before it.
        return list(dict.fromkeys([*pairs, *self._listed(ctx.configured, ctx)]))
