"""``POST /pairlists/evaluate``'s work: a pairlist chain run once against an exchange's market, then its blacklist.

The chain is the trading loop's (``bot.pairlists``): the same handlers, the same tickers-once rule. The
static whitelist a ``StaticPairList`` starts from is the configured ``exchange.pair_whitelist``, as in
freqtrade; the blacklist and stake currency are the request's. There is no trade database in
webserver mode, so a ``PerformanceFilter`` keeps the order it is given, and ``ProducerPairList`` (it
follows producers only a consumer bot has) is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from marshmallow_dataclass import class_schema

from ftserver.bot.pairlist import Blacklist, pattern_error
from ftserver.bot.pairlists.chain import PairlistChain, candle_reader
from ftserver.bot.pairlists.handler import PairlistContext
from ftserver.bot.pairlists.registry import HANDLERS
from ftserver.config import Settings
from ftserver.config.sections import ExchangeSettings, PairlistSettings, SectionSchema
from ftserver.core.clock import Clock
from ftserver.jobs.registry import JobControl
from ftserver.research.market_access import open_market

_steps_schema = class_schema(PairlistSettings, base_schema=SectionSchema)()


@dataclass(frozen=True, slots=True)
class PairlistRequest:
    steps: tuple[tuple[str, Mapping[str, Any]], ...]
    blacklist: tuple[str, ...]
    stake_currency: str
    exchange: ExchangeSettings


def check_steps(
    entries: Sequence[Mapping[str, Any]], blacklist: Sequence[str], settings: Settings
) -> list[PairlistSettings]:
    """The chain's steps, checked as the config loader checks ``pairlists``; a ``ValidationError`` names the field."""
    try:
        steps: list[PairlistSettings] = _steps_schema.load(list(entries), many=True)
    except ValidationError as exc:
        raise ValidationError({"pairlists": exc.normalized_messages()}) from None
    if not HANDLERS[steps[0].method].IS_GENERATOR:
        message = f"{steps[0].method} is a filter: the first pairlist must generate pairs."
        raise ValidationError({"pairlists": {0: {"method": [message]}}})
    for index, step in enumerate(steps):
        if step.method == "ProducerPairList":
            message = "ProducerPairList follows producers, which only a bot in consumer mode has."
            raise ValidationError({"pairlists": {index: {"method": [message]}}})
    max_length = settings.exchange.max_blacklist_pattern_length
    if len(blacklist) > settings.exchange.max_blacklist_entries:
        raise ValidationError(
            {"blacklist": [f"{len(blacklist)} entries; at most {settings.exchange.max_blacklist_entries} are allowed."]}
        )
    for index, pattern in enumerate(blacklist):
        error = pattern_error(pattern, max_length=max_length)
        if error is not None:
            raise ValidationError({"blacklist": {index: [error]}})
    return steps


def evaluate_pairlists(
    settings: Settings, request: PairlistRequest, clock: Clock, control: JobControl
) -> dict[str, Any]:
    """The job's result: ``{"method", "length", "whitelist"}``. Blocking: runs in a job's worker thread."""
    return asyncio.run(_evaluate(settings, request, clock, control))


async def _evaluate(settings: Settings, request: PairlistRequest, clock: Clock, control: JobControl) -> dict[str, Any]:
    blacklist = Blacklist(
        dict.fromkeys(request.blacklist),
        max_entries=settings.exchange.max_blacklist_entries,
        max_pattern_length=settings.exchange.max_blacklist_pattern_length,
    )
    chain = PairlistChain(request.steps, blacklist=blacklist)
    market = open_market(settings, request.exchange, clock)
    try:
        await market.load_markets()
        control.check()
        now = clock.now()
        ctx = PairlistContext(
            now=now,
            stake_currency=request.stake_currency,
            configured=settings.exchange.pair_whitelist,
            markets=market.markets,
            tickers=await chain.tickers(market, now),
            read_candles=candle_reader(market, now),
            timeframe=settings.timeframe or "5m",
            stoploss=settings.stoploss if settings.stoploss is not None else -0.1,
            max_open_trades=settings.max_open_trades,
        )
        whitelist = await chain.evaluate(ctx)
    finally:
        await market.close()
    return {"method": chain.names, "length": len(whitelist), "whitelist": whitelist}
