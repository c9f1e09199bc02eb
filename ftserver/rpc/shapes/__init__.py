"""The wire shapes: one frozen dataclass per JSON object the REST API answers with.

The RPC verbs build these; the API encodes them with orjson (a dataclass serialises as an object
with its fields in declaration order, which is freqtrade's key order) and derives the OpenAPI
document's response schemas from the same classes. A field is always sent; ``X | None`` is a
value that may be null. One module per resource group: ``money``, ``pairs``, ``system``,
``trades``, ``candles``.

Where an answer passes through keys ftserver does not own (config sections, plot options,
dataframe columns) the field is a typed container (``dict[str, Any]``, ``list[...]``) rather
than a dataclass over unknown keys.
"""

from __future__ import annotations

from typing import Any


def described(text: str) -> dict[str, Any]:
    """Field metadata giving the OpenAPI document a description: ``x: int = field(metadata=described("..."))``
    (a field without a default: the key is always sent)."""
    return {"metadata": {"description": text}}
