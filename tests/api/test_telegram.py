"""Telegram end to end: the real app, a loopback server speaking the Bot API, and real updates.

Every command is typed as a user would (an update fetched by long polling), answered through the
RPC facade; notifications reach the configured chat; another chat, or a user not listed in
authorized_users, gets nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ftserver.app import BOT, TELEGRAM, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from ftserver.logs import LogBuffer
from tests.api.conftest import START, app_settings, basic_auth
from tests.support.polling import eventually
from tests.support.scripted_market import ScriptedMarket
from tests.support.telegram_api import FakeBotApi, Sent

TOKEN = "123456:secret-bot-token"
CHAT = 42
USER = 7


@dataclass
class Chat:
    api: FakeBotApi
    client: TestClient

    async def ask(self, text: str, expect: str, *, user_id: int = USER) -> Sent:
        """Type ``text`` in the chat; the first message after it whose text has ``expect``."""
        seen = len(self.api.messages(CHAT))
        self.api.command(text, chat_id=CHAT, user_id=user_id)
        return await self._after(seen, expect, what=f"an answer to {text!r} with {expect!r}")

    async def notice(self, expect: str, since: int = 0) -> Sent:
        return await self._after(since, expect, what=f"a notification with {expect!r}")

    async def _after(self, seen: int, expect: str, *, what: str) -> Sent:
        def found() -> Sent | None:
            return next((m for m in self.api.messages(CHAT)[seen:] if expect in m.text), None)

        result: Sent = await eventually(found, what=what)
        return result

    async def press(self, data: str, on: Sent, expect: str) -> Sent:
        seen = len(self.api.edits())
        self.api.press(data, on=on)

        def edited() -> Sent | None:
            return next((e for e in self.api.edits()[seen:] if expect in e.text), None)

        result: Sent = await eventually(edited, what=f"the message edited after {data!r}")
        return result


@pytest.fixture
async def chat(aiohttp_server: Any, aiohttp_client: Any, tmp_path: Path) -> AsyncIterator[Chat]:
    api = FakeBotApi(TOKEN)
    api_server = await aiohttp_server(api.app())
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(
        tmp_path,
        telegram={
            "enabled": True,
            "token": TOKEN,
            "chat_id": str(CHAT),
            "authorized_users": [str(USER)],
            "api_url": str(api_server.make_url("")),
            "notification_settings": {"entry_fill": "silent"},
        },
    )
    log_buffer = LogBuffer(100)
    app = create_app(
        settings,
        market=market,
        broker=PaperBroker(market, clock=clock),
        clock=clock,
        settings_loader=lambda: settings,
        log_buffer=log_buffer,
    )
    trades_log = logging.getLogger("ftserver.trades")
    trades_log.addHandler(log_buffer)  # what /logs serves: the trade story the log channel writes
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    await eventually(app[TELEGRAM].ready.is_set, what="the Telegram bot polling")
    yield Chat(api, client)
    trades_log.removeHandler(log_buffer)


async def test_notifications_reach_the_chat_with_their_settings(chat: Chat) -> None:
    await chat.notice("running")  # the loop's start-up status
    seen = len(chat.api.messages(CHAT))
    answer = await chat.client.post(
        "/api/v1/forceenter", json={"pair": "ETH/USDT", "ordertype": "market"}, headers=basic_auth()
    )
    assert answer.status == 200
    placed = await chat.notice("New trade (#1)", since=seen)
    filled = await chat.notice("New trade filled (#1)", since=seen)
    assert "<code>ETH/USDT</code>" in placed.text
    assert placed.params.get("disable_notification") in (None, False)
    assert filled.params["disable_notification"] is True  # entry_fill is "silent" here
    assert placed.params["parse_mode"] == "HTML"


async def test_every_command_is_answered_through_real_updates(chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    help_reply = await chat.ask("/help", "<b>Commands</b>")
    assert "/forcelong" in help_reply.text
    # Answers without inline buttons carry freqtrade's default reply keyboard.
    keyboard_rows = help_reply.params["reply_markup"]["keyboard"]
    assert keyboard_rows[0] == [{"text": "/daily"}, {"text": "/profit"}, {"text": "/balance"}]
    assert "Version" in (await chat.ask("/version", "Version")).text
    await chat.ask("/forcelong ETH/USDT", "Entered ETH/USDT (trade 1).")
    status = await chat.ask("/status", "Trade ID")
    assert "<code>ETH/USDT</code>" in status.text
    assert status.inline_buttons() == [("Refresh", "update_status")]
    assert "ETH/USDT" in (await chat.ask("/status table", "<pre>ID")).text
    count = await chat.ask("/count", "total stake")
    assert "1       3" in count.text  # one open trade of at most 3
    assert "USDT" in (await chat.ask("/balance", "Estimated value")).text
    profit = await chat.ask("/profit", "ROI closed trades")
    await chat.press("update_profit", on=profit, expect="ROI all trades")

    keyboard = await chat.ask("/forceexit", "Which trade?")
    assert keyboard.inline_buttons() == [
        ("1: ETH/USDT", "force_exit__1"),
        ("All", "force_exit__all"),
        ("Cancel", "force_exit__cancel"),
    ]
    await chat.press("force_exit__1", on=keyboard, expect="Created exit order for trade 1.")
    await chat.notice("Exited ETH/USDT (#1)")
    assert "ETH/USDT" in (await chat.ask("/trades", "recent trades")).text
    assert "<code>ETH/USDT</code>" in (await chat.ask("/performance", "Performance")).text
    await chat.ask("/daily", "Day profit over the last 7 days")
    await chat.ask("/weekly 2", "profit over the last 2 weeks")
    await chat.ask("/monthly", "profit over the last 6 months")

    pairs = await chat.ask("/forcelong", "Which pair?")
    assert pairs.inline_buttons() == [
        ("BTC/USDT", "force_enter__BTC/USDT_||_long"),
        ("ETH/USDT", "force_enter__ETH/USDT_||_long"),
        ("Cancel", "force_enter__cancel"),
    ]
    await chat.press("force_enter__BTC/USDT_||_long", on=pairs, expect="Entered BTC/USDT (trade 2).")
    await chat.ask("/delete 2", "Deleted trade 2.")
    assert "no trade with id 99" in (await chat.ask("/delete 99", "Error")).text

    await chat.ask("/locks", "No active lock.")
    until = "2026-03-02T18:00:00+00:00"
    lock = await chat.client.post(
        "/api/v1/locks", json=[{"pair": "ETH/USDT", "until": until, "reason": "by hand"}], headers=basic_auth()
    )
    assert lock.status == 200
    assert "by hand" in (await chat.ask("/locks", "ETH/USDT")).text
    await chat.ask("/unlock ETH/USDT", "No active lock.")

    assert "BTC/USDT, ETH/USDT" in (await chat.ask("/whitelist", "Using whitelist")).text
    assert "XRP/USDT" in (await chat.ask("/blacklist XRP/USDT", "Blacklist contains 1 pairs")).text
    logs = await chat.ask("/logs 5", "<pre>")
    assert "ftserver.trades - INFO - Exit order filled for trade #1 ETH/USDT (Long)" in logs.text
    await chat.ask("/health", "Last process")
    assert "SampleStrategy" in (await chat.ask("/show_config", "strategy")).text
    await chat.ask("/stopentry", "paused")
    await chat.ask("/stop", "stopped")
    await chat.ask("/start", "running")
    await chat.ask("/reload_config", "reload")

    ours = [r.getMessage() for r in caplog.records if r.name != "aiohttp.access"]  # the fake's own log aside
    assert not [line for line in ours if "secret-bot-token" in line]


async def test_other_chats_and_unlisted_users_get_nothing(chat: Chat) -> None:
    front = chat.client.app[TELEGRAM]
    chat.api.command("/status", chat_id=666, user_id=USER)
    chat.api.command("/forcelong ETH/USDT", chat_id=CHAT, user_id=8, username="mallory")
    # Updates are handled in order: once /version is answered, the two before it were handled.
    await chat.ask("/version", "Version")
    assert chat.api.messages(666) == []
    assert front.rejected == 2
    assert not [m for m in chat.api.messages(CHAT) if "Entered" in m.text or "New trade" in m.text]
    assert chat.client.app[BOT].open_trades == []


async def test_control_commands_are_audited_like_the_rest_control_routes(chat: Chat) -> None:
    await chat.ask("/forcelong ETH/USDT", "Entered ETH/USDT (trade 1).")
    await chat.ask("/status", "Trade ID")  # a read: not recorded
    keyboard = await chat.ask("/forceexit", "Which trade?")  # a keyboard to choose from: not recorded
    await chat.press("force_exit__1", on=keyboard, expect="Created exit order for trade 1.")
    await chat.ask("/fx 99", "Error")  # an alias of /forceexit, for a trade that does not exist
    await chat.ask("/blacklist", "Blacklist contains 0 pairs")  # only shows it: not recorded
    await chat.ask("/blacklist XRP/USDT", "Blacklist contains 1 pairs")
    await chat.ask("/stopentry", "paused")
    await chat.ask("/start", "running")
    chat.api.command("/stop", chat_id=CHAT, user_id=8, username="mallory")  # refused: recorded, not carried out
    chat.api.command("/stop", chat_id=666, user_id=USER)  # another chat: anyone can write, nothing recorded
    await chat.ask("/version", "Version")  # updates are handled in order: the two before it were handled
    assert chat.client.app[BOT].state.value == "running"

    response = await chat.client.get("/api/v1/audit", headers=basic_auth())
    assert response.status == 200
    entries = list(reversed((await response.json())["entries"]))  # oldest first
    assert [(e["route"], e["params"], e["outcome"], e["trade_id"]) for e in entries] == [
        ("/forcelong", {"args": ["ETH/USDT"]}, "ok", 1),
        ("/forceexit", {"args": ["1"], "button": True}, "ok", 1),
        ("/forceexit", {"args": ["99"]}, "invalid argument: no open trade with id 99", 99),
        ("/blacklist", {"args": ["XRP/USDT"]}, "ok", None),
        ("/stopentry", {"args": []}, "ok", None),
        ("/start", {"args": []}, "ok", None),
        ("/stop", {"args": []}, "refused: not an authorized user", None),
    ]
    refused = entries.pop()
    assert (refused["actor"], refused["role"], refused["via"]) == ("telegram:8 @mallory", None, "telegram")
    for entry in entries:
        assert (entry["actor"], entry["role"], entry["via"], entry["token_name"]) == (
            f"telegram:{USER} @alice",
            "admin",
            "telegram",
            None,
        )
        assert (entry["method"], entry["client"], entry["status"]) == ("TELEGRAM", f"chat {CHAT}", 0)
