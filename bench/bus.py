"""Bus throughput and publish latency.

1. Messages per second delivered end to end (publish -> every subscriber task has read it) with
   1, 10 and 100 subscribers.
2. Publish latency (p50/p99/max per publish call) with no slow subscriber, then with one stalled
   subscriber whose queue is full: it must stay flat, because publishing never waits for anyone.

Run: .venv/bin/python bench/bus.py [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from ftserver.core import messages
from ftserver.core.bus import MessageBus, OverflowPolicy


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


if __name__ == "__main__":
    asyncio.run(main())
