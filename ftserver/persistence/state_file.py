"""A small JSON value kept in a file across restarts (API bans, revoked tokens).

Written atomically (a temporary file in the same folder, then ``os.replace``), so a crash mid-write
leaves the old content, never half a file. Meant for rare writes of a few kilobytes to a megabyte:
the callers write only when their state changes.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class JsonStateFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Any:
        """The stored value; None when the file is missing or unreadable (logged: state is lost, not fatal)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.error("Could not read %s: %s", self.path, exc)
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            log.error("Ignoring %s: not valid JSON (%s)", self.path, exc)
            return None

    def save(self, data: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, separators=(",", ":"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
