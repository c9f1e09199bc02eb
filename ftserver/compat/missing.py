"""The error a strategy gets for a freqtrade name ftserver does not offer."""

from __future__ import annotations


def missing_name(module: str, name: str) -> Exception:
    if name.startswith("__"):
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    return ImportError(f"{module}.{name}: ftserver does not provide {name!r} yet", name=module)
