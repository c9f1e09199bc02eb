"""Logging: console, optional rotating file, and a bounded in-memory ring buffer served at ``/api/v1/logs``."""

from __future__ import annotations

import logging
import sys
from collections import deque
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from ftserver.log_filters import RepeatCollapser, SafeFormatter, escape_controls

FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"

# One buffered record as freqtrade's /logs returns it: [date string, epoch ms, logger, level, message].
LogEntry = tuple[str, float, str, str, str]


class LogBuffer(logging.Handler):
    """Keeps the newest ``capacity`` records, already formatted for ``/api/v1/logs``."""

    def __init__(self, capacity: int = 1000) -> None:
        super().__init__(logging.INFO)
        self._entries: deque[LogEntry] = deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            date = datetime.fromtimestamp(record.created, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
            message = escape_controls(record.getMessage())
            self._entries.append((date, record.created * 1000, record.name, record.levelname, message))
        except Exception:
            self.handleError(record)

    def entries(self, limit: int | None = None) -> list[LogEntry]:
        items = list(self._entries)
        return items[-limit:] if limit else items

    def __len__(self) -> int:
        return len(self._entries)


def setup_logging(
    *,
    verbosity: int = 0,
    buffer: LogBuffer | None = None,
    logfile: str | Path | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    backup_count: int = 10,
    repeat_window: float = 10.0,
    repeat_burst: int = 20,
) -> None:
    """Configure the root logger. ``verbosity`` 0 = INFO, 1+ = DEBUG. Idempotent: replaces our handlers.

    Every handler escapes control characters in messages (one record, one line) and lets at most
    ``repeat_burst`` records of one logger, level and template through per ``repeat_window``
    seconds (see :mod:`ftserver.log_filters`).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_ftserver", False):
            for old in list(handler.filters):
                if isinstance(old, RepeatCollapser):
                    old.flush()
                    handler.removeFilter(old)
            root.removeHandler(handler)
            handler.close()
    formatter = SafeFormatter(FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if logfile:
        path = Path(logfile)
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
    if buffer is not None:
        handlers.append(buffer)
    for handler in handlers:
        handler._ftserver = True  # type: ignore[attr-defined]
        handler.addFilter(RepeatCollapser(handler, window=repeat_window, burst=repeat_burst))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbosity > 0 else logging.INFO)
    # Third-party chatter stays at WARNING unless asked for with -vv.
    for noisy in ("ccxt", "aiohttp.access", "asyncio", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)
