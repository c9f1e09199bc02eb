"""What one route reads and answers, as the OpenAPI document shows it; declared on its handler (see ``route``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from marshmallow import Schema

from ftserver.api.principal import Role

# Error statuses worth naming per route beyond the ones derived from its inputs (see document.py).
CONFLICT = 409
WRONG_MODE = 503


@dataclass(frozen=True, slots=True)
class Operation:
    tag: str
    summary: str
    # The success body: a wire shape (a dataclass of ``ftserver.rpc.shapes``), a plain JSON schema
    # for an answer with open keys, or None for no body.
    response: type[Any] | Mapping[str, Any] | None
    many: bool = False  # the body is a list of ``response``
    media_type: str = "application/json"  # of the success body
    status: int | None = 200  # the success status; None when the route never succeeds (edge)
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    body_many: bool = False
    parameters: tuple[Mapping[str, Any], ...] = ()  # OpenAPI parameters no request schema describes
    errors: tuple[int, ...] = ()
    deprecated: bool = False
    description: str = ""
    # The least role that may call the route. A GET defaults to ``read``; any other method must name
    # one (``RouteTable`` refuses it otherwise), so no state-changing route exists without a decision.
    role: Role | None = None
    # Whether a call goes into the audit log. None: every method but GET is. False for POSTs that merely
    # read (``/pair_candles`` with columns) or renew a login; True for a GET that acts (``/backtest/abort``).
    audited: bool | None = None

    def alias(self, of: str) -> Operation:
        """The same operation under an older path, kept for old clients: documented as deprecated."""
        return replace(self, summary=f"{self.summary} (alias of {of})", deprecated=True)
