"""A loopback server speaking enough of Telegram's Bot API for python-telegram-bot: getMe, long-polled
getUpdates fed by the test, and the send/edit/answer methods recorded for the test to read."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999, "is_bot": True, "first_name": "ftserver", "username": "ftserver_bot"}


@dataclass
class Sent:
    method: str
    params: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int:
        return int(self.params["chat_id"])

    def inline_buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class FakeBotApi:
    token: str
    sent: list[Sent] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _new: asyncio.Event = field(default_factory=asyncio.Event)
    _update_ids: Any = field(default_factory=lambda: itertools.count(1))
    _message_ids: Any = field(default_factory=lambda: itertools.count(1000))
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        return app

    # ---- what the test does ----------------------------------------------------------------
    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self._new.set()

    def command(self, text: str, *, chat_id: int, user_id: int = 7, username: str = "alice") -> None:
        """A user types ``text`` (a command and its words) in chat ``chat_id``."""
        length = len(text.split()[0])
        self._push(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "date": 1_772_460_000,
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": user_id, "is_bot": False, "first_name": username, "username": username},
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": length}],
                }
            }
        )

    def press(self, data: str, *, on: Sent, user_id: int = 7, username: str = "alice") -> None:
        """A user presses the inline button ``data`` under the message ``on``."""
        self._push(
            {
                "callback_query": {
                    "id": str(next(self._message_ids)),
                    "chat_instance": "1",
                    "data": data,
                    "from": {"id": user_id, "is_bot": False, "first_name": username, "username": username},
                    "message": {
                        "message_id": on.params["_message_id"],
                        "date": 1_772_460_000,
                        "chat": {"id": on.chat_id, "type": "private"},
                        "text": on.text,
                    },
                }
            }
        )

    def messages(self, chat_id: int | None = None) -> list[Sent]:
        return [s for s in self.sent if s.method == "sendMessage" and (chat_id is None or s.chat_id == chat_id)]

    def edits(self) -> list[Sent]:
        return [s for s in self.sent if s.method == "editMessageText"]

    # ---- the API ---------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        self.requests.append(method)
        params = {key: _decode(value) for key, value in (await request.post()).items()}
        if method == "getMe":
            return _ok(BOT_USER)
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        if method in ("sendMessage", "editMessageText"):
            message_id = params.get("message_id") or next(self._message_ids)
            params["_message_id"] = message_id
            self.sent.append(Sent(method, params))
            return _ok(
                {
                    "message_id": message_id,
                    "date": 1_772_460_000,
                    "chat": {"id": int(params.get("chat_id") or 0), "type": "private"},
                    "text": params.get("text", ""),
                }
            )
        self.sent.append(Sent(method, params))
        return _ok(True)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new.clear()
            # A short long-poll: enough for the client's loop, short enough for a quick shutdown.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout=min(float(params.get("timeout") or 0), 0.2))
        return list(self._updates)


def _decode(value: Any) -> Any:
    text = str(value)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})
