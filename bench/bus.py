"""Bus throughput and publish latency.

1. Messages per second delivered end to end (publish -> every subscriber task has read it) with
   1, 10 and 100 subscribers.
2. Publish latency (p50/p99/max per publish call) with no slow subscriber, then with one stalled
   subscriber whose queue is full: it must stay flat, because publishing never waits for anyone.
3. Publish latency of trade messages without notification channels, with the log, webhook,
   Discord and Telegram channels attached (posting to loopback endpoints that answer at once), and with the
   webhook's endpoint answering only after 50 ms (its queue fills and drops). Each channel is one
   more subscription (a queue append per publish); a slow endpoint must add nothing to that.

Run: .venv/bin/python bench/bus.py [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from ftserver.config import settings_from_dict
from ftserver.core import messages
from ftserver.core.bus import MessageBus, OverflowPolicy
from ftserver.core.clock import SystemClock
from ftserver.core.messages import MessageType
from ftserver.logs import LogBuffer
from ftserver.models import RunMode
from ftserver.notify.notifications import Notifications
from ftserver.research.history import Research
from ftserver.rpc.facade import Rpc
from ftserver.telegram.front import TelegramFront


async def throughput(subscribers: int, count: int) -> float:
    bus = MessageBus(default_maxsize=count + 1)
    subs = [bus.subscribe() for _ in range(subscribers)]

    async def drain(sub) -> None:  # type: ignore[no-untyped-def]
        for _ in range(count):
            await sub.get()

    readers = [asyncio.create_task(drain(s)) for s in subs]
    payload = messages.status("tick")
    started = time.perf_counter()
    for n in range(count):
        bus.publish(payload)
        if n % 100 == 0:
            await asyncio.sleep(0)  # let readers run, as a real publisher yields between events
    await asyncio.gather(*readers)
    elapsed = time.perf_counter() - started
    await bus.close()
    return count * subscribers / elapsed


async def publish_latency(count: int, *, stalled: bool) -> tuple[float, float, float]:
    bus = MessageBus()
    fast = bus.subscribe(maxsize=count + 1)
    # Same number of subscribers in both runs; only whether the second one reads differs.
    second = bus.subscribe(maxsize=100, policy=OverflowPolicy.DROP_OLDEST, name="second")
    drained = (fast,) if stalled else (fast, second)
    payload = messages.status("tick")
    samples: list[float] = []
    for n in range(count):
        t0 = time.perf_counter_ns()
        bus.publish(payload)
        samples.append((time.perf_counter_ns() - t0) / 1000)
        if n % 100 == 0:
            for sub in drained:
                while sub.pending:
                    await sub.get()
            await asyncio.sleep(0)
    await bus.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)], samples[-1]


def _entry_message() -> messages.Message:
    return messages.trade_event(
        MessageType.ENTRY_FILL,
        {
            "trade_id": 1, "exchange": "Binance", "pair": "ETH/USDT", "leverage": 1.0, "direction": "Long",
            "enter_tag": None, "stake_currency": "USDT", "base_currency": "ETH", "quote_currency": "USDT",
            "order_rate": 2000.0, "open_rate": 2000.0, "order_type": "limit", "stake_amount": 100.0,
            "amount": 0.05, "open_date": datetime(2026, 3, 2, tzinfo=UTC), "sub_trade": False,
        },
    )  # fmt: skip


async def _receiver(delay: float) -> tuple[web.AppRunner, str]:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        if delay:
            await asyncio.sleep(delay)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/hook"


async def _bot_api(delay: float) -> tuple[web.AppRunner, str]:
    """Just enough of Telegram's Bot API for the bot to start and send (answers after ``delay``)."""
    me = {"id": 1, "is_bot": True, "first_name": "bench", "username": "bench_bot"}

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        method = request.match_info["method"]
        if method == "getUpdates":
            await asyncio.sleep(0.2)
            return web.json_response({"ok": True, "result": []})
        if delay:
            await asyncio.sleep(delay)
        if method == "sendMessage":
            message = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": ""}
            return web.json_response({"ok": True, "result": message})
        return web.json_response({"ok": True, "result": me if method == "getMe" else True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def notifier_latency(
    count: int, *, attached: bool, slow_webhook: bool = False
) -> tuple[tuple[float, float, float], dict[str, Any]]:
    fast, fast_url = await _receiver(0.0)
    slow, slow_url = await _receiver(0.05 if slow_webhook else 0.0)
    bot_api, bot_api_url = await _bot_api(0.0)
    template = {"pair": "{pair}", "rate": "{open_rate}"}
    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 10,
            "exchange": {"name": "sim"},
            "webhook": {"enabled": True, "url": slow_url, "format": "json", "entry_fill": template, "queue_size": 100},
            "discord": {"enabled": True, "webhook_url": fast_url},
            "telegram": {
                "enabled": True,
                "token": "1:bench",
                "chat_id": "1",
                "api_url": bot_api_url,
                "notification_settings": {"entry_fill": "on"},
            },
        }
    )
    clock = SystemClock()
    rpc = Rpc(settings, runmode=RunMode.DRY_RUN, clock=clock, log_buffer=LogBuffer(10), research=Research(settings))
    bus = MessageBus()
    fast_reader = bus.subscribe(maxsize=count + 1)  # as in mode 2: the same plain subscriber either way
    payload = _entry_message()
    samples: list[float] = []
    stats: dict[str, Any] = {}
    async with aiohttp.ClientSession() as session:
        notifications = Notifications(settings, bus, session, clock=clock, close_grace=0.5)
        telegram = TelegramFront(settings, bus, rpc, clock=clock, poll_timeout=0.2)
        if attached:
            await notifications.start()
            await telegram.start()
            await telegram.ready.wait()
        for n in range(count):
            t0 = time.perf_counter_ns()
            bus.publish(payload)
            samples.append((time.perf_counter_ns() - t0) / 1000)
            if n % 100 == 0:
                while fast_reader.pending:
                    await fast_reader.get()
                await asyncio.sleep(0)  # the channels' workers run between bursts, as between loop iterations
        if attached:
            await asyncio.sleep(0.5)
            stats = {**notifications.stats(), "telegram": dataclasses.asdict(telegram.channel.stats())}
            await telegram.close(grace=0.5)
            await notifications.close()
    await bus.close()
    await fast.cleanup()
    await slow.cleanup()
    await bot_api.cleanup()
    samples.sort()
    return (statistics.median(samples), samples[int(len(samples) * 0.99)], samples[-1]), stats


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
    print("bus throughput (deliveries/s = messages x subscribers)")
    for subs in (1, 10, 100):
        count = args.messages if subs < 100 else args.messages // 4
        rate = await throughput(subs, count)
        print(f"  {subs:>3} subscribers: {rate:>12,.0f} deliveries/s ({rate / subs:,.0f} messages/s)")
    base = await publish_latency(args.messages, stalled=False)
    slow = await publish_latency(args.messages, stalled=True)
    print("publish latency, microseconds (p50 / p99 / max)")
    print(f"  no stalled subscriber:  {base[0]:.2f} / {base[1]:.2f} / {base[2]:.1f}")
    print(f"  one stalled subscriber: {slow[0]:.2f} / {slow[1]:.2f} / {slow[2]:.1f}")
    print(f"  p99 ratio stalled/normal: {slow[1] / base[1]:.2f} (target: flat, i.e. about 1)")
    logging.basicConfig(level=logging.ERROR)  # the channels' "fell behind" warnings are expected here
    count = min(args.messages, 5000)
    without, _ = await notifier_latency(count, attached=False)
    attached, _ = await notifier_latency(count, attached=True)
    slowed, stats = await notifier_latency(count, attached=True, slow_webhook=True)
    print(f"publish latency of {count} entry_fill messages in bursts of 100, microseconds (p50 / p99 / max)")
    for label, figures in (
        ("no notification channels", without),
        ("log + webhook + discord + telegram", attached),
        ("the same, webhook endpoint slow", slowed),
    ):
        print(f"  {label:<36} {figures[0]:.2f} / {figures[1]:.2f} / {figures[2]:.1f}")
    for name, counts in stats.items():
        print(f"    {name}: sent {counts['sent']}, dropped {counts['dropped']}, failed {counts['failed']}")
    print(f"  p50 cost of the four channels: {attached[0] - without[0]:.2f} us per publish")
    print(f"  p99 ratio slow/fast endpoint: {slowed[1] / attached[1]:.2f} (target: flat, i.e. about 1)")


if __name__ == "__main__":
    asyncio.run(main())
