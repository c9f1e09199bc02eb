"""The strategy's ``protections`` (a list of dicts, as freqtrade strategies declare them), checked
like the config's. A bad entry is logged with its index and key and left out; the others apply."""

from __future__ import annotations

import logging
from typing import Any

from marshmallow import ValidationError
from marshmallow_dataclass import class_schema

from ftserver.config.sections import ProtectionSettings, SectionSchema

log = logging.getLogger(__name__)

_schema = class_schema(ProtectionSettings, base_schema=SectionSchema)()


def strategy_protections(strategy: Any, name: str) -> tuple[ProtectionSettings, ...]:
    try:
        declared = getattr(strategy, "protections", None)
    except Exception:
        log.exception("Strategy %s: reading its protections failed; none apply", name)
        return ()
    return declared_protections(declared, f"Strategy {name}")


def declared_protections(declared: Any, source: str) -> tuple[ProtectionSettings, ...]:
    """``declared`` (a list of dicts, from ``source``: a strategy or a stored configuration) checked."""
    if not declared:
        return ()
    if not isinstance(declared, list | tuple):
        log.warning("%s: protections must be a list of objects; none apply", source)
        return ()
    loaded = []
    for index, entry in enumerate(declared):
        try:
            loaded.append(_schema.load(entry))
        except ValidationError as exc:
            log.warning("%s: protections.%d left out: %s", source, index, exc.normalized_messages())
    return tuple(loaded)
