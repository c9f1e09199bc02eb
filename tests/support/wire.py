"""An answer as its client receives it: a wire shape encoded by the API's encoder and parsed back."""

from __future__ import annotations

from typing import Any

import orjson

from ftserver.api.responses import dumps


def as_wire(value: Any) -> Any:
    """``value`` (a shape, a list of shapes, plain data) as the JSON the API sends, parsed."""
    return orjson.loads(dumps(value))
