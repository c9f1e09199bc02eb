"""Every pairlist handler by its freqtrade name, in the order ``/pairlists/available`` lists them."""

from __future__ import annotations

from collections.abc import Mapping

from ftserver.bot.pairlists.age import AgeFilter
from ftserver.bot.pairlists.full_trades import FullTradesFilter
from ftserver.bot.pairlists.handler import PairlistHandler
from ftserver.bot.pairlists.offset import OffsetFilter
from ftserver.bot.pairlists.percent_change import PercentChangePairList
from ftserver.bot.pairlists.performance import PerformanceFilter
from ftserver.bot.pairlists.precision import PrecisionFilter
from ftserver.bot.pairlists.price import PriceFilter
from ftserver.bot.pairlists.producer import ProducerPairList
from ftserver.bot.pairlists.range_stability import RangeStabilityFilter
from ftserver.bot.pairlists.shuffle import ShuffleFilter
from ftserver.bot.pairlists.spread import SpreadFilter
from ftserver.bot.pairlists.static import StaticPairList
from ftserver.bot.pairlists.volatility import VolatilityFilter
from ftserver.bot.pairlists.volume import VolumePairList

HANDLERS: Mapping[str, type[PairlistHandler]] = {
    cls.__name__: cls
    for cls in (
        StaticPairList,
        VolumePairList,
        PercentChangePairList,
        ProducerPairList,
        AgeFilter,
        FullTradesFilter,
        OffsetFilter,
        PerformanceFilter,
        PrecisionFilter,
        PriceFilter,
        RangeStabilityFilter,
        ShuffleFilter,
        SpreadFilter,
        VolatilityFilter,
    )
}

# Known to freqtrade but not offered here, with the reason the config loader gives.
REFUSED: Mapping[str, str] = {
    "MarketCapPairList": "MarketCapPairList needs CoinGecko's market-cap ranking, which this server does not fetch.",
    "RemotePairList": "RemotePairList fetches a pair list over the network, which this server does not do.",
    "CrossMarketPairList": "CrossMarketPairList compares spot and futures markets; this server trades spot only.",
}


def available() -> list[dict[str, object]]:
    """``/pairlists/available``'s entries."""
    return [cls.describe() for cls in HANDLERS.values()]
