"""``ExternalMessageConsumer``: one WebSocket client per configured producer, reconnecting forever.

On connect it subscribes to ``whitelist`` and ``analyzed_df``, asks for the whitelist and the
last ``initial_candle_limit`` analyzed candles of every pair, then merges every pushed candle.
A producer that goes away is retried every ``sleep_time`` seconds; its state is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp
import orjson
import pandas as pd

from ftserver.config.sections import ExternalConsumerSettings, ProducerSettings
from ftserver.data.producer_data import ProducerData

log = logging.getLogger(__name__)

SIGNAL_COLUMNS = ("enter_long", "exit_long", "enter_short", "exit_short", "enter_tag", "exit_tag")


def decode_dataframe(wire: Mapping[str, Any]) -> pd.DataFrame:
    """freqtrade's ``{"__type__": "dataframe", "__value__": <split JSON>}`` -> DataFrame (dates UTC)."""
    if not isinstance(wire, Mapping) or wire.get("__type__") != "dataframe":
        raise ValueError("not a dataframe payload")
    split = orjson.loads(wire["__value__"])  # our own parse: pandas' read_json date guessing is deprecated
    df = pd.DataFrame(split["data"], columns=split["columns"])
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"], unit="ms", utc=True)
    return df


def _parse_time(value: Any) -> datetime:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


class ExternalMessageConsumer:
    def __init__(
        self,
        config: ExternalConsumerSettings,
        data: ProducerData,
        *,
        on_whitelist: Callable[[str, list[str]], None] | None = None,
    ) -> None:
        self.config = config
        self.data = data
        self.on_whitelist = on_whitelist
        self.state: dict[str, str] = {p.name: "connecting" for p in config.producers}
        self.messages_received: dict[str, int] = dict.fromkeys(self.state, 0)
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._closing = asyncio.Event()

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        for producer in self.config.producers:
            task = asyncio.get_running_loop().create_task(self._follow(producer), name=f"producer:{producer.name}")
            self._tasks.append(task)

    async def close(self) -> None:
        self._closing.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def _url(self, producer: ProducerSettings) -> str:
        scheme = "wss" if producer.secure else "ws"
        return f"{scheme}://{producer.host}:{producer.port}/api/v1/message/ws"

    async def _follow(self, producer: ProducerSettings) -> None:
        name = producer.name
        assert self._session is not None
        while not self._closing.is_set():
            try:
                async with self._session.ws_connect(
                    self._url(producer),
                    params={"token": producer.ws_token},
                    heartbeat=self.config.wait_timeout,
                    max_msg_size=self.config.message_size_limit * 1024 * 1024,
                    timeout=aiohttp.ClientWSTimeout(ws_close=self.config.ping_timeout),
                ) as ws:
                    self._set_state(name, "connected")
                    await ws.send_json({"type": "subscribe", "data": ["whitelist", "analyzed_df"]})
                    await ws.send_json({"type": "whitelist"})
                    limit = self.config.initial_candle_limit
                    await ws.send_json({"type": "analyzed_df", "data": {"limit": limit}})
                    async for frame in ws:
                        if frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                            self._handle(name, frame.data)
                        elif frame.type is aiohttp.WSMsgType.ERROR:
                            break
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.warning("Producer %s unreachable (%s)", name, exc)
            self._set_state(name, "disconnected")
            sleep = self.config.sleep_time
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), sleep)

    def _set_state(self, name: str, state: str) -> None:
        if self.state.get(name) != state:
            log.info("Producer %s: %s", name, state)
        self.state[name] = state

    def _handle(self, producer: str, raw: str | bytes) -> None:
        try:
            message = orjson.loads(raw)
            kind = message.get("type")
            if kind == "whitelist":
                pairs = [p for p in message.get("data") or [] if isinstance(p, str)]
                self.data.set_whitelist(producer, pairs)
                if self.on_whitelist is not None:
                    self.on_whitelist(producer, pairs)
            elif kind == "analyzed_df":
                payload = message["data"]
                key = tuple(payload["key"])
                df = decode_dataframe(payload["df"])
                if self.config.remove_entry_exit_signals:
                    df = df.drop(columns=[c for c in SIGNAL_COLUMNS if c in df.columns])
                # A reply to our request carries many candles and replaces; a push carries the newest.
                self.data.add_frame(producer, key, df, _parse_time(payload.get("la")), replace=len(df) > 1)
            elif kind == "exception":
                log.warning("Producer %s answered: %s", producer, message.get("data"))
            self.messages_received[producer] = self.messages_received.get(producer, 0) + 1
        except Exception as exc:  # one unreadable message must not stop following the producer
            log.warning("Producer %s sent a message we cannot read: %s: %s", producer, type(exc).__name__, exc)
