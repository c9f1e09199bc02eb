"""``AnswerCache``: computed answers kept per key for one version of their source, within a size budget.

Clients poll the same answers (a /trades page, a chart's candles, statistics) far more often than
the data behind them changes. An entry is valid only for the version it was computed from (a
trade's ``updated_at``, a frame's analysis time, the trades table's version): asking with another
version misses, and storing a newer version replaces the old entry, so a key never holds two.

The budget is in units the owner chooses per entry: encoded bytes for answers kept as JSON (a
/trades row, a candle answer), 1 per entry where only the number of entries matters. Past the
budget the least recently used entries go; an entry larger than the whole budget is not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

import orjson

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# The options the API encodes its responses with, so a fragment embeds exactly the text the value
# itself would have been written as.
_JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def encode_json(value: Any) -> tuple[orjson.Fragment, int]:
    """``value`` as JSON text orjson embeds as is wherever it is placed, and the text's size in bytes.

    A /trades row is ~70 keys and two orders: ~3 kB as text but ~10 times more as a dict tree.
    """
    # orjson hands back its whole growth buffer (at least 32 kB) behind the bytes object: a copy
    # of the exact size is what is worth keeping.
    text = bytes(memoryview(orjson.dumps(value, option=_JSON_OPTIONS)))
    return orjson.Fragment(text), len(text)


class AnswerCache(Generic[K, V]):
    def __init__(self, budget: int) -> None:
        if budget < 0:
            raise ValueError(f"budget must not be negative, got {budget}")
        self.budget = budget
        self._entries: OrderedDict[K, tuple[Hashable, V, int]] = OrderedDict()
        self._used = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def used(self) -> int:
        """The summed size of the entries held (never above ``budget``)."""
        return self._used

    def get(self, key: K, version: Hashable) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: K, version: Hashable, value: V, size: int = 1) -> V:
        """Keep ``value`` for ``key`` at ``version`` (replacing any other version); returns ``value``."""
        self.discard(key)
        if size > self.budget:
            return value
        self._entries[key] = (version, value, size)
        self._used += size
        while self._used > self.budget:
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self._used -= dropped
        return value

    def discard(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._used -= entry[2]

    def clear(self) -> None:
        self._entries.clear()
        self._used = 0
