"""Loopback receivers for the notification channels, and freqtrade-shaped trade messages."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from ftserver.core.messages import Message, MessageType

OPEN = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CLOSE = datetime(2026, 3, 2, 13, 30, tzinfo=UTC)


def order_fields(**extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "trade_id": 7,
        "exchange": "Binance",
        "pair": "ETH/USDT",
        "leverage": 1.0,
        "direction": "Long",
        "buy_tag": "breakout",
        "enter_tag": "breakout",
        "stake_currency": "USDT",
        "base_currency": "ETH",
        "quote_currency": "USDT",
        "fiat_currency": None,
        "limit": 2000.0,
        "order_rate": 2000.0,
        "open_rate": 2000.0,
        "order_type": "limit",
        "stake_amount": 100.0,
        "amount": 0.05,
        "open_date": OPEN,
        "current_rate": 2001.0,
        "sub_trade": False,
    }
    fields.update(extra)
    return fields


def entry(kind: MessageType = MessageType.ENTRY, **extra: Any) -> Message:
    return Message(kind, order_fields(**extra))


def exit_fill(profit_ratio: float = 0.05, exit_reason: str = "roi", **extra: Any) -> Message:
    # 0.05 ETH bought at 2000 and sold at 2100: 5.0 USDT, 5 % (no fee in these hand-made messages).
    fields = order_fields(
        order_rate=2100.0,
        close_rate=2100.0,
        profit_amount=round(100.0 * profit_ratio, 8),
        profit_ratio=profit_ratio,
        gain="profit" if profit_ratio > 0 else "loss",
        exit_reason=exit_reason,
        close_date=CLOSE,
        cumulative_profit=round(100.0 * profit_ratio, 8),
        final_profit_ratio=profit_ratio,
        is_final_exit=True,
        current_rate=None,
    )
    fields.update(extra)
    return Message(MessageType.EXIT_FILL, fields)


@dataclass
class Receiver:
    """A loopback HTTP endpoint that records what it is sent and answers as told."""

    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    hang: asyncio.Event | None = None  # set: answer; unset: hold every request open until it is
    url: str = ""
    attempts: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.hang is not None:
            await self.hang.wait()
        body = await request.read()
        if self.status >= 400:
            return web.Response(status=self.status)
        record: dict[str, Any] = {
            "path": request.path_qs,
            "content_type": request.content_type,
            "body": body.decode(),
        }
        if request.content_type == "application/json":
            record["json"] = await request.json()
        elif request.content_type == "application/x-www-form-urlencoded":
            record["form"] = dict(await request.post())
        self.received.append(record)
        return web.Response(status=204)


@pytest.fixture
async def make_receiver(aiohttp_server: Any) -> Any:
    async def make(path: str = "/hook/secret-token-123") -> Receiver:
        receiver = Receiver()
        app = web.Application()
        app.router.add_post(path, receiver.handle)
        server = await aiohttp_server(app)
        receiver.url = str(server.make_url(path))
        return receiver

    return make
