"""``freqtrade.ft_types``: the names strategies use in type hints.

ftserver does not draw plot annotations (a strategy defining ``plot_annotations`` is warned at load), so
``AnnotationType`` is only what lets such a strategy's annotations import: one annotation, a dict.
"""

from __future__ import annotations

from typing import Any

AnnotationType = dict[str, Any]

__all__ = ["AnnotationType"]
