"""A trade's custom data: values a strategy keeps with one trade (``trade.set_custom_data``).

The entries live with the trade object and are shared by every copy of it (strategy callbacks get
copies), so a value set in one callback is read back in the next. Writes wait in ``pending`` until
the trade repository stores them: with the trade when it is saved, else at the end of the loop's
iteration. Values are kept as they read back from the database (JSON), so a tuple reads back as a
list before and after a restart alike.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CustomDataEntry:
    """One key of a trade, under the attribute names freqtrade's entries have."""

    ft_trade_id: int | None
    cd_key: str
    cd_type: str
    value: Any
    created_at: datetime
    updated_at: datetime | None = None
    id: int | None = None

    @property
    def cd_value(self) -> str:
        """The stored text of the value."""
        return json.dumps(self.value)


def _now() -> datetime:
    return datetime.now(UTC)


class TradeCustomData:
    """The custom data of one trade; every copy of the trade shares this object."""

    def __init__(self, entries: Iterable[CustomDataEntry] = (), *, now: Callable[[], datetime] = _now) -> None:
        self._entries = {entry.cd_key.casefold(): entry for entry in entries}
        self._now = now
        # casefolded key -> the entry to store, or None where the key was deleted
        self.pending: dict[str, CustomDataEntry | None] = {}
        self.deleted_keys: dict[str, str] = {}  # casefolded key -> the spelling stored

    def __deepcopy__(self, memo: dict[int, Any]) -> TradeCustomData:
        return self  # shared, not copied: what a callback sets on its copy reaches the bot's trade

    def __copy__(self) -> TradeCustomData:
        return self

    def set(self, trade_id: int | None, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` (keys match ignoring case). A value that is not JSON is
        refused with a warning and the previous value stays, as freqtrade does."""
        try:
            text = json.dumps(value)
        except (TypeError, ValueError) as exc:
            log.warning("Could not store custom data '%s' of trade %s: %s", key, trade_id, exc)
            return
        folded = key.casefold()
        known = self._entries.get(folded)
        stored = json.loads(text)
        if known is None:
            entry = CustomDataEntry(trade_id, key, type(value).__name__, stored, self._now())
            self._entries[folded] = entry
        else:
            known.value, known.cd_type, known.updated_at = stored, type(value).__name__, self._now()
            entry = known
        self.pending[folded] = entry

    def get(self, key: str) -> CustomDataEntry | None:
        return self._entries.get(key.casefold())

    def all(self) -> list[CustomDataEntry]:
        return list(self._entries.values())

    def delete(self, key: str | None) -> None:
        """Forget ``key`` (every key when None)."""
        folded_keys = list(self._entries) if key is None else [key.casefold()]
        for folded in folded_keys:
            entry = self._entries.pop(folded, None)
            if entry is not None:
                self.pending[folded] = None
                self.deleted_keys[folded] = entry.cd_key

    def take_pending(self) -> tuple[list[CustomDataEntry], list[str]]:
        """(entries to write, keys to delete) since the last call; the caller stores them."""
        writes = [entry for entry in self.pending.values() if entry is not None]
        deletes = [self.deleted_keys[folded] for folded, entry in self.pending.items() if entry is None]
        self.pending.clear()
        self.deleted_keys.clear()
        return writes, deletes

    def restore_pending(self, writes: list[CustomDataEntry], deletes: list[str]) -> None:
        """Put back what a failed write took, unless newer changes replaced it."""
        for entry in writes:
            self.pending.setdefault(entry.cd_key.casefold(), entry)
        for key in deletes:
            folded = key.casefold()
            if folded not in self.pending:
                self.pending[folded] = None
                self.deleted_keys[folded] = key
