"""Minimal ROI: the profit a trade must beat for its age, from the strategy's table or its ``custom_roi``."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ftserver.models import Trade


class RoiTable(Protocol):
    """Where the ROI table is read (``Strategy.min_roi_at``: the value of the largest key not above ``minutes``)."""

    def min_roi_at(self, minutes: float) -> float | None: ...


def trade_minutes(trade: Trade, now: datetime) -> int:
    """Whole minutes the trade has been open (what ROI tables and ``custom_roi`` are keyed by)."""
    return int((now - trade.open_date).total_seconds() // 60)


def roi_threshold(table_roi: float | None, custom_roi: float | None) -> float | None:
    """The lower of the table's threshold and the strategy's ``custom_roi`` answer (None: no ROI exit)."""
    if custom_roi is not None and (table_roi is None or custom_roi < table_roi):
        return custom_roi
    return table_roi


def roi_reached(
    trade: Trade, table: RoiTable, current_rate: float, now: datetime, *, custom_roi: float | None = None
) -> bool:
    """Profit strictly above the ROI threshold for the trade's age."""
    roi = roi_threshold(table.min_roi_at(trade_minutes(trade, now)), custom_roi)
    return roi is not None and trade.calc_profit_ratio(current_rate) > roi
