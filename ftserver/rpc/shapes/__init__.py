"""The wire shapes: one dataclass per JSON object the REST API answers with.

The RPC verbs build these; the API encodes them with orjson (a dataclass serialises as an object
with its fields in declaration order, which is freqtrade's key order) and derives the OpenAPI
document's response schemas from the same classes. A field is always sent; ``X | None`` is a
value that may be null. One module per resource group: ``trades``, ``money``, ``pairs``,
``candles``, ``research``, ``system``, and the webserver mode's ``jobs`` and ``backtest``. (Error
bodies are the API's own: ``api.schemas.errors``.)

Where an answer passes through keys ftserver does not own (config sections, plot options,
dataframe columns) the field is a typed container (``dict[str, Any]``, ``list[...]``) rather
than a dataclass over unknown keys.

Each class is declared with ``@shape``: frozen for the type checker (mypy refuses an assignment to
a field, so kept answers shared between requests stay as built), a plain slotted dataclass at run
time. A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which makes
building a 74-field trade three times slower (about 7.5 against 2.5 us), on /status's hot path.

Field metadata (``field(metadata=...)``) only feeds the document: ``described`` adds a
description, ``choices`` the values a text field takes, ``documented_as`` the type a field holding
pre-encoded JSON (``orjson.Fragment``) stands for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

DOCUMENTED_AS = "documented_as"


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def shape(cls: type[T]) -> type[T]:
    """Declare a wire shape: a slotted dataclass the type checker treats as frozen (see above)."""
    return dataclass(slots=True)(cls)


def described(text: str) -> dict[str, Any]:
    """A description for the document: ``x: int = field(metadata=described("..."))`` (no default:
    the key is always sent)."""
    return {"metadata": {"description": text}}


def choices(values: Iterable[str | Enum], text: str | None = None) -> dict[str, Any]:
    """The values a text field takes (an enum's values, or strings), listed in the document."""
    shown: dict[str, Any] = {"enum": [v.value if isinstance(v, Enum) else v for v in values]}
    if text:
        shown["description"] = text
    return {"metadata": shown}


def documented_as(shape: object, text: str | None = None) -> dict[str, Any]:
    """For a field that may hold pre-encoded JSON: the document shows ``shape`` (a type) instead."""
    metadata: dict[str, Any] = {DOCUMENTED_AS: shape}
    if text:
        metadata["metadata"] = {"description": text}
    return metadata
