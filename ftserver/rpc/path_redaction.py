"""Absolute server paths out of messages that reach API clients (the log keeps them whole).

Where the folders are known (strategies, candle data) names are made relative to them; this is
the fallback for messages that may name any file, such as the config files a reload reads.
"""

from __future__ import annotations

import re

# An absolute POSIX path of two or more parts, not preceded by a word character ("BTC/USDT" is no path).
_ABSOLUTE_PATH = re.compile(r"(?<![\w./~-])/(?:[^/\s'\"]+/)+([^/\s'\"]*)")


def without_absolute_paths(text: str) -> str:
    """``text`` with every absolute path replaced by its last part (the file's name)."""
    return _ABSOLUTE_PATH.sub(r"\1", text)
