"""``TradeQuery``: which trades a history page or an export holds, and in which order.

Plain values shared by the API (which reads them from a query string), the RPC layer and the trade
repository (which turns them into SQL), so that the three agree on one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# The columns a history may be sorted by, as the API names them.
SORT_KEYS = (
    "id",
    "pair",
    "open_date",
    "close_date",
    "profit_ratio",
    "profit_abs",
    "stake_amount",
    "duration",
)

SortKey = Literal["id", "pair", "open_date", "close_date", "profit_ratio", "profit_abs", "stake_amount", "duration"]
Result = Literal["win", "loss"]


@dataclass(frozen=True, slots=True)
class TradeQuery:
    """Closed trades matching every filter given, sorted by ``sort`` then by id in the same direction.

    ``updated_since``: trades written at or after that moment, open ones included (an incremental
    sync); without it only closed trades are listed, as freqtrade's ``/trades``. ``closed_from`` is
    inclusive and ``closed_to`` exclusive, so consecutive ranges never share a trade. A winner is a
    trade whose profit ratio is 0 or more (``/profit``'s count of winning trades), a loser one below 0.
    """

    sort: SortKey = "id"
    descending: bool = False
    pair: str | None = None
    enter_tag: str | None = None
    exit_reason: str | None = None
    closed_from: datetime | None = None
    closed_to: datetime | None = None
    result: Result | None = None
    updated_since: datetime | None = None

    @classmethod
    def freqtrade(cls, *, order_by_id: bool) -> TradeQuery:
        """freqtrade's two orders: ascending ids, or the most recently closed first."""
        return cls() if order_by_id else cls(sort="close_date", descending=True)

    @property
    def includes_open(self) -> bool:
        return self.updated_since is not None
