"""Custom data entries as freqtrade 2026.9 answers them (``/trades/{id}/custom-data`` and ``/trades/open/custom-data``).

freqtrade stores naive UTC datetimes and its API writes them without an offset
(``2026-12-05T07:29:51.598940``); entries carry no id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ftserver.rpc.shapes.trades import CustomData


def custom_data_entry(stored: dict[str, Any]) -> CustomData:
    """One stored entry (``TradeRepository.custom_data``'s dict) as it is answered."""
    updated = stored["updated_at"]
    return CustomData(
        key=stored["key"],
        type=stored["type"],
        value=stored["value"],
        created_at=_naive_iso(stored["created_at"]),
        updated_at=None if updated is None else _naive_iso(updated),
    )


def _naive_iso(moment: datetime) -> str:
    """UTC without an offset; microseconds shown only when there are any (as freqtrade's encoder)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def no_custom_data(key: str | None, where: str) -> str:
    """freqtrade's 404 text when nothing (under ``key``) is found ``where``."""
    return f"No custom-data with key '{key}' found {where}" if key else f"No custom-data found {where}"
