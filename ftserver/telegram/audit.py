"""Telegram commands that change the bot, in the audit log beside the REST control routes.

An entry names the Telegram user (``telegram:<id> @<username>``), the chat as the client, ``TELEGRAM``
as the method and the command as its route (``/forceexit``, aliases resolved), its words as parameters
(no Telegram command takes a secret), ``ok`` or the error it answered, and the trade it touched. The
role is ``admin``: a user Telegram answers may use every command, reload_config included; a member of
the chat who is not an authorized user is recorded with no role and the refusal as the outcome. Status
is 0, as for the command line: there is no HTTP status. Commands that only read are not recorded, as
GET routes are not. A failed write is logged; the command has already been carried out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Update

from ftserver.core.clock import Clock
from ftserver.rpc.access_port import AccessStore, AuditEntry
from ftserver.telegram.commands import trade_named
from ftserver.telegram.replies import Reply

log = logging.getLogger(__name__)

ROLE = "admin"
# What is recorded for a control command from a member of the chat who is not an authorized user.
REFUSED = Reply("", error="refused: not an authorized user")


class CommandAudit:
    def __init__(self, store: AccessStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def record(
        self, update: Update, command: str, args: Sequence[str], reply: Reply, *, button: bool, authorized: bool = True
    ) -> None:
        """Append the entry for ``/command args`` (typed, or pressed as an inline ``button``)."""
        user, chat = update.effective_user, update.effective_chat
        actor = "telegram:?" if user is None else f"telegram:{user.id}"
        if user is not None and user.username:
            actor += f" @{user.username}"
        params: dict[str, object] = {"args": list(args)}
        if button:
            params["button"] = True
        entry = AuditEntry(
            at=self._clock.now(),
            actor=actor,
            role=ROLE if authorized else None,
            via="telegram",
            token_name=None,
            client=f"chat {chat.id}" if chat is not None else "chat ?",
            method="TELEGRAM",
            route=f"/{command}",
            params=params,
            status=0,
            outcome="ok" if reply.error is None else reply.error,
            trade_id=reply.trade_id if reply.trade_id is not None else trade_named(command, args),
        )
        try:
            await self._store.append_audit(entry)
        except Exception as exc:  # the store's own errors vary (closed, unwritable): none may stop the answer
            log.error("Could not write the audit entry for Telegram /%s: %s", command, exc)
