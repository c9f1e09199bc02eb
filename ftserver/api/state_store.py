"""Where the API keeps state that must outlive a restart (bans, revoked tokens).

The API only knows this protocol; the composition root hands it a file-backed store from the
persistence layer, tests an in-memory one.
"""

from __future__ import annotations

from typing import Any, Protocol


class StateStore(Protocol):
    """Somewhere to keep a small JSON-able value across restarts."""

    def load(self) -> Any:
        """The saved value, or None when there is none (or it cannot be read)."""
        ...

    def save(self, data: Any) -> None: ...


class MemoryStore:
    """A ``StateStore`` that forgets on restart (for tests and apps built without a data folder)."""

    def __init__(self) -> None:
        self.data: Any = None

    def load(self) -> Any:
        return self.data

    def save(self, data: Any) -> None:
        self.data = data
