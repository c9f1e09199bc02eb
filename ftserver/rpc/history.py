"""``TradeHistory``: the /trades pages, with each closed trade's row kept encoded per version of the trade.

A closed trade's row changes only when the trade (or one of its orders) is written, and the
repository's ``trade_version`` moves exactly then (a counter of its own writes, no clock): a page
is two columns off an index plus the rows not seen in their version, loaded with their orders.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence

import orjson

from ftserver.errors import InvalidRequest
from ftserver.models import Trade
from ftserver.persistence.trades import TradeRepository
from ftserver.rpc.answer_cache import AnswerCache, encode_json
from ftserver.rpc.shapes.trades import HistoryTrade, TradesPage
from ftserver.rpc.trade_view import trade_history_view
from ftserver.trade_query import TradeQuery

TRADES_PAGE_MAX = 500

PageVersions = Sequence[tuple[int, int, bool]]


class TradeHistory:
    def __init__(self, *, history_cache_bytes: int = 16 * 2**20) -> None:
        """``history_cache_bytes`` bounds the encoded rows kept (~3 kB each, so 16 MB holds ~5,000)."""
        # By trade id, for the trade's version.
        self._rows: AnswerCache[int, orjson.Fragment] = AnswerCache(history_cache_bytes)
        self._lock = asyncio.Lock()
        # The write counters restart with the process: a tag from before a restart must not match.
        self._process = secrets.token_hex(8)

    def version_tag(self, repo: TradeRepository, query: TradeQuery) -> str:
        """Moves whenever a page of ``query`` may have changed; never the same in two processes.

        A page of closed trades holds stored values only, so it changes only when a closed trade is
        written or deleted (``closed_trades_version``); one with open trades, on any write.
        """
        version = repo.writes if query.includes_open else repo.closed_trades_version()
        return f"{self._process}-{version}"

    async def page(
        self,
        repo: TradeRepository,
        limit: int,
        offset: int = 0,
        order_by_id: bool = True,
        query: TradeQuery | None = None,
    ) -> TradesPage:
        if not 1 <= limit <= TRADES_PAGE_MAX:
            raise InvalidRequest(f"limit must be between 1 and {TRADES_PAGE_MAX}")
        if offset < 0:
            raise InvalidRequest("offset must not be negative")
        # Ids and versions first: only open trades and closed ones not seen in this version are
        # loaded (with their orders); the other rows come from the cache already encoded.
        versions, total = await repo.trades_page_versions(limit, offset, order_by_id=order_by_id, query=query)
        rows: dict[int, HistoryTrade | orjson.Fragment] = {}
        self._cached_rows(versions, rows)
        if len(rows) < len(versions):
            # One loader at a time: 50 clients asking for a page nobody has asked for yet would
            # otherwise each load and encode the same 500 trades at once.
            async with self._lock:
                self._cached_rows(versions, rows)  # what another request loaded meanwhile
                missing = {trade_id: version for trade_id, version, _ in versions if trade_id not in rows}
                # Loaded after their versions were read: each trade is at least as new as its version.
                for trade in await repo.trades_by_ids(list(missing)):
                    rows[trade.id or 0] = self._row(trade, missing.get(trade.id or 0))
        page = [rows[trade_id] for trade_id, _, _ in versions if trade_id in rows]  # a deleted one is left out
        return TradesPage(trades=page, trades_count=len(page), offset=offset, total_trades=total)

    def _cached_rows(self, versions: PageVersions, rows: dict[int, HistoryTrade | orjson.Fragment]) -> None:
        """Add the cached rows of the closed trades in ``versions`` to ``rows``."""
        for trade_id, version, is_open in versions:
            if not is_open and trade_id not in rows:
                row = self._rows.get(trade_id, version)
                if row is not None:
                    rows[trade_id] = row

    def _row(self, trade: Trade, version: int | None) -> HistoryTrade | orjson.Fragment:
        """A /trades row; a closed trade's is kept encoded for ``version``. An open trade's is built every time."""
        row = trade_history_view(trade)
        if trade.is_open or trade.id is None or version is None:
            return row
        encoded, size = encode_json(row)
        return self._rows.put(trade.id, version, encoded, size)
