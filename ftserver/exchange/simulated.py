"""``SimulatedMarket``: an offline market whose candles are a deterministic function of (seed, pair, time).

Prices are generated minute by minute in day-long blocks. Each block's start price is an "anchor"
given by a sum of slow sine waves with random phases (so the price wanders like a market but stays
in a realistic band over years), and inside the block a seeded random walk is pinned to the next
block's anchor (a Brownian bridge). Any candle can be computed without generating the ones before
it, the same candle comes back for the same time whatever the request, and larger timeframes are
aggregates of the 1-minute series. Nothing is ever returned for a time after ``clock.now()``; the
newest candle is the one still forming.

Besides the ten large coins, the market lists a few dozen smaller ones whose traits are drawn from
the seed: a 24 h quote volume from about a tenth of a large coin's down to a thousandth, a bid/ask
spread from 0.01 % to about 1 %, a volatility from 0.6 to 2.5 times the large coins', and for about
one in four a recent listing (2 to 20 days ago, counted from now: before it there are no candles).
That spread is what volume rankings and pairlist filters need to mean something offline.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ftserver.core.clock import Clock
from ftserver.data.timeframes import is_timeframe, timeframe_to_ms
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Candle
from ftserver.exchange.offline import DAY_MS, MINUTE_MS, SPREAD, TIMEFRAMES, OfflineMarket, candle_window, listing

BLOCK_MINUTES = 1440
BLOCK_MS = BLOCK_MINUTES * MINUTE_MS
BASE_MINUTE_VOLATILITY = 0.0009  # ~0.09 % per minute, ~3.4 % per day: crypto-like, keeps 1m strategies busy

# Start prices of the default pairs, by base currency (quoted in the market's ``quote``).
DEFAULT_PRICES: dict[str, float] = {
    "BTC": 60000.0,
    "ETH": 3000.0,
    "SOL": 150.0,
    "BNB": 600.0,
    "XRP": 0.55,
    "ADA": 0.45,
    "DOGE": 0.12,
    "AVAX": 32.0,
    "DOT": 7.0,
    "LINK": 15.0,
}
# Smaller coins listed besides those (their traits come from the seed, see ``PairTraits``).
SMALLER_BASES: tuple[str, ...] = (
    "LTC", "TRX", "ATOM", "NEAR", "APT", "ARB", "OP", "FIL", "ICP", "ETC", "XLM", "HBAR",
    "INJ", "SUI", "SEI", "TIA", "PEPE", "SHIB", "WIF", "BONK", "FET", "RNDR", "GRT", "AAVE",
    "UNI", "MKR", "SAND", "MANA", "AXS", "ALGO", "EGLD", "FLOW", "KAS", "IMX", "LDO", "CRV",
)  # fmt: skip


def default_pairs(quote: str = "USDT") -> list[str]:
    """What the simulated market lists when no pairs are named: the large coins first, then the smaller."""
    return [f"{base}/{quote}" for base in (*DEFAULT_PRICES, *SMALLER_BASES)]


# Blocks each pair holds besides the shared cache: the current day and the one before, which the
# forming candles and the last 24 hours (tickers) read. 2 x 58 kB per pair.
_NEWEST_BLOCKS = 2
# Where each minute's close sits between the block's start (0) and end (1) anchors.
_BRIDGE_TIME = np.linspace(0.0, 1.0, BLOCK_MINUTES + 1)
_BRIDGE_TIME.flags.writeable = False

# Slow waves that move a block's anchor: (period in days, amplitude in log-price).
_WAVES = [(3.1, 0.02), (11.3, 0.05), (37.7, 0.09), (127.0, 0.16), (401.0, 0.25)]


def _stable_int(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def _start_price(seed: int, pair: str, base: str, quote: str) -> float:
    """Known coins start near their real price (crosses like ETH/BTC too); others get a seeded price."""
    base_price = DEFAULT_PRICES.get(base) or 10 ** ((_stable_int(seed, base, "price") % 600) / 100 - 2)
    quote_price = DEFAULT_PRICES.get(quote)
    return base_price / quote_price if quote_price else base_price


@dataclass(frozen=True, slots=True)
class PairTraits:
    volume_scale: float  # times a large coin's volume
    spread: float  # 1 - bid/ask, roughly
    volatility: float  # times the market's volatility
    listed_days: float | None  # None: listed before any history the market serves


LARGE_COIN = PairTraits(volume_scale=1.0, spread=SPREAD, volatility=1.0, listed_days=None)


def pair_traits(seed: int, pair: str, base: str) -> PairTraits:
    """A large coin trades as before; any other pair gets seeded traits of a smaller coin."""
    if base in DEFAULT_PRICES:
        return LARGE_COIN
    rng = np.random.default_rng(_stable_int(seed, pair, "traits"))
    volume_scale, spread, volatility, young, age = rng.uniform(
        (-3.0, -4.0, -0.2, 0.0, 2.0), (-1.0, -2.0, 0.4, 1.0, 20.0)
    )
    return PairTraits(
        volume_scale=10**volume_scale,
        spread=10**spread,
        volatility=10**volatility,
        listed_days=age if young < 0.25 else None,
    )


class _BlockCache:
    """Least-recently-used generated blocks of every pair, at most ``capacity`` of them (~58 kB each)."""

    def __init__(self, capacity: int) -> None:
        self._capacity = max(1, capacity)
        self._rows: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()

    def get(self, key: tuple[str, int]) -> np.ndarray | None:
        rows = self._rows.get(key)
        if rows is not None:
            self._rows.move_to_end(key)
        return rows

    def put(self, key: tuple[str, int], rows: np.ndarray) -> None:
        self._rows[key] = rows
        if len(self._rows) > self._capacity:
            self._rows.popitem(last=False)


class _PairSeries:
    """The 1-minute OHLCV generator of one pair."""

    def __init__(
        self, seed: int, pair: str, start_price: float, volatility: float, cache: _BlockCache, traits: PairTraits
    ) -> None:
        self._pair = pair
        self._key = _stable_int(seed, pair)
        self._log0 = math.log(start_price)
        self._sigma = BASE_MINUTE_VOLATILITY * volatility * traits.volatility
        rng = np.random.default_rng(self._key)
        self._phases = rng.uniform(0, 2 * math.pi, len(_WAVES))
        # About a million quote units a minute for a large coin.
        self._base_volume = 1_000_000 / start_price * traits.volume_scale
        self._cache = cache
        self._newest: dict[int, np.ndarray] = {}

    def _anchor(self, block: int) -> float:
        days = block * BLOCK_MINUTES / 1440
        total = self._log0
        for (period, amplitude), phase in zip(_WAVES, self._phases, strict=True):
            total += amplitude * math.sin(2 * math.pi * days / period + phase)
        return total

    def block(self, block: int) -> np.ndarray:
        """Rows (open, high, low, close, volume) for the 1440 minutes of ``block``."""
        rows = self._newest.get(block)
        if rows is not None:
            return rows
        rows = self._cache.get((self._pair, block))
        if rows is None:
            rows = self._generate(block)
            self._cache.put((self._pair, block), rows)
        self._keep_if_newest(block, rows)
        return rows

    def _keep_if_newest(self, block: int, rows: np.ndarray) -> None:
        """Hold the pair's newest blocks outside the shared cache: every iteration reads them, and a
        cold start that reads a long history of each pair in turn would otherwise push them out of
        the shared cache before the pair's next timeframe reads them again."""
        if len(self._newest) < _NEWEST_BLOCKS:
            self._newest[block] = rows
            return
        oldest = min(self._newest)
        if block > oldest:
            del self._newest[oldest]
            self._newest[block] = rows

    def _generate(self, block: int) -> np.ndarray:
        rng = np.random.default_rng([self._key, block & 0xFFFFFFFF, block >> 32 & 0xFFFFFFFF])
        # Fat-ish tails: Student-t with 4 degrees of freedom, scaled to unit variance.
        steps = rng.standard_t(4, BLOCK_MINUTES) / math.sqrt(2.0) * self._sigma
        walk = np.empty(BLOCK_MINUTES + 1)
        walk[0] = 0.0
        np.cumsum(steps, out=walk[1:])
        t = _BRIDGE_TIME
        start, end = self._anchor(block), self._anchor(block + 1)
        log_path = start + (end - start) * t + walk - t * walk[-1]
        prices = np.exp(log_path, out=log_path)
        opens, closes = prices[:-1], prices[1:]
        wick = np.abs(rng.normal(0.0, self._sigma * 0.6, (2, BLOCK_MINUTES)))
        rows = np.empty((BLOCK_MINUTES, 5))
        rows[:, 0] = opens
        rows[:, 3] = closes
        np.multiply(np.maximum(opens, closes), 1 + wick[0], out=rows[:, 1])
        np.multiply(np.minimum(opens, closes), 1 - wick[1], out=rows[:, 2])
        moves = np.abs(closes / opens - 1) / self._sigma
        rows[:, 4] = self._base_volume * rng.lognormal(0.0, 0.5, BLOCK_MINUTES) * (0.5 + moves)
        rows.flags.writeable = False  # shared by every request: a forming minute is changed on a copy
        return rows

    def minutes(self, start_ms: int, end_ms: int) -> np.ndarray:
        """Rows for every minute with open time in [start_ms, end_ms), both minute-aligned."""
        parts = self.minute_parts(start_ms, end_ms)
        if not parts:
            return np.empty((0, 5))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def minute_parts(self, start_ms: int, end_ms: int) -> list[np.ndarray]:
        """``minutes(start_ms, end_ms)`` as read-only views into the blocks, one per block."""
        parts = []
        for block in range(start_ms // BLOCK_MS, (end_ms - 1) // BLOCK_MS + 1) if end_ms > start_ms else ():
            block_start = block * BLOCK_MS
            low, high = max(start_ms, block_start), min(end_ms, block_start + BLOCK_MS)
            parts.append(self.block(block)[(low - block_start) // MINUTE_MS : (high - block_start) // MINUTE_MS])
        return parts


def _aggregate(rows: np.ndarray, per: int) -> np.ndarray:
    """Rows (open, high, low, close, volume) of consecutive ``per``-minute candles of 1-minute ``rows``
    (the last one may be shorter)."""
    edges = np.arange(0, len(rows), per)
    out = np.empty((len(edges), 5))
    out[:, 0] = rows[edges, 0]
    np.maximum.reduceat(rows[:, 1], edges, out=out[:, 1])
    np.minimum.reduceat(rows[:, 2], edges, out=out[:, 2])
    out[:, 3] = rows[np.minimum(edges + per, len(rows)) - 1, 3]
    np.add.reduceat(rows[:, 4], edges, out=out[:, 4])
    return out


class SimulatedMarket(OfflineMarket):
    def __init__(
        self,
        *,
        pairs: Sequence[str] | None = None,
        seed: int = 42,
        clock: Clock | None = None,
        volatility: float = 1.0,
        fee: float = 0.001,
        history_days: int = 30,
        quote: str = "USDT",
        cache_blocks: int = 256,
    ) -> None:
        super().__init__(clock=clock, fee=fee, history_days=history_days)
        self.quote = quote
        selected = list(pairs) if pairs else default_pairs(quote)
        cache = _BlockCache(cache_blocks)
        self._series: dict[str, _PairSeries] = {}
        self.traits: dict[str, PairTraits] = {}
        for pair in selected:
            base, _, pair_quote = pair.partition("/")
            if not base or not pair_quote:
                raise InvalidRequest(f"Invalid pair '{pair}': expected BASE/QUOTE")
            price = _start_price(seed, pair, base, pair_quote)
            self.traits[pair] = traits = pair_traits(seed, pair, base)
            self._series[pair] = _PairSeries(seed, pair, price, volatility, cache, traits)
            self._markets[pair] = listing(pair, price, fee)

    def _pair(self, pair: str) -> _PairSeries:
        series = self._series.get(pair)
        if series is None:
            raise InvalidRequest(f"Pair {pair} is not available on sim")
        return series

    def candles(self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None) -> list[Candle]:
        if not is_timeframe(timeframe) or timeframe not in TIMEFRAMES:
            raise InvalidRequest(f"Timeframe '{timeframe}' is not available on sim (offered: {', '.join(TIMEFRAMES)})")
        series = self._pair(pair)
        step = timeframe_to_ms(timeframe)
        now_ms = self._now_ms()
        first = self._history_start(now_ms)
        listed_days = self.traits[pair].listed_days
        if listed_days is not None:
            first = max(first, now_ms - int(listed_days * DAY_MS))
        window = candle_window(step, now_ms - now_ms % step, first, since_ms, limit)
        if window is None:
            return []
        start, stop_open = window
        current_minute = now_ms - now_ms % MINUTE_MS
        end_ms = min(stop_open + step, current_minute + MINUTE_MS)
        parts = series.minute_parts(start, end_ms)
        if not parts:
            return []
        if end_ms == current_minute + MINUTE_MS:
            parts[-1] = parts[-1].copy()  # the forming minute is changed: never in the cached block
            self._make_partial(parts[-1], (now_ms - current_minute) / MINUTE_MS)
        per = step // MINUTE_MS
        if BLOCK_MS % step == 0:
            # Candles then never straddle two blocks (``start`` is a candle boundary): aggregate each
            # block's part where it lies instead of first copying a long history into one array.
            candle_rows = [_aggregate(part, per) for part in parts]
            rows = np.concatenate(candle_rows) if len(candle_rows) > 1 else candle_rows[0]
        else:
            rows = _aggregate(np.concatenate(parts), per)
        out = np.empty((len(rows), 6))
        out[:, 0] = start + np.arange(len(rows)) * step
        out[:, 1:] = rows
        candles: list[list[float]] = out.tolist()
        return candles

    @staticmethod
    def _make_partial(rows: np.ndarray, fraction: float) -> None:
        """Shrink the last (current) minute to what has happened after ``fraction`` of it."""
        open_, high, low, close, volume = rows[-1]
        price = open_ + (close - open_) * fraction
        upper_wick = (high - max(open_, close)) * fraction
        lower_wick = (min(open_, close) - low) * fraction
        rows[-1] = (open_, max(open_, price) + upper_wick, min(open_, price) - lower_wick, price, volume * fraction)

    def price(self, pair: str) -> float:
        """The current price: the close of the forming 1-minute candle."""
        now_ms = self._now_ms()
        minute = now_ms - now_ms % MINUTE_MS
        rows = self._pair(pair).minutes(minute, minute + MINUTE_MS).copy()
        self._make_partial(rows, (now_ms - minute) / MINUTE_MS)
        return float(rows[-1, 3])

    def spread(self, pair: str) -> float:
        return self.traits[pair].spread

    def day_candles(self, pair: str) -> list[Candle]:
        return self.candles(pair, "1h", since_ms=self._now_ms() - DAY_MS, limit=25)
