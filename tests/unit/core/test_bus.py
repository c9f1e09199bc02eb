import asyncio

import pytest

from ftserver.core import messages
from ftserver.core.bus import MessageBus, OverflowPolicy, SubscriptionClosed
from ftserver.core.messages import Message, MessageType


def status(n: int) -> Message:
    return messages.status(f"m{n}")


async def test_messages_arrive_in_publish_order_with_increasing_seq() -> None:
    bus = MessageBus()
    sub = bus.subscribe()
    for n in range(5):
        bus.publish(status(n))
    got = [await sub.get() for _ in range(5)]
    assert [m.data["status"] for m in got] == ["m0", "m1", "m2", "m3", "m4"]
    assert [m.seq for m in got] == [1, 2, 3, 4, 5]
    assert bus.last_seq == 5


async def test_every_subscriber_gets_every_matching_message() -> None:
    bus = MessageBus()
    subs = [bus.subscribe() for _ in range(3)]
    published = bus.publish(status(1))
    for sub in subs:
        assert await sub.get() is published


async def test_subscriber_only_receives_its_types() -> None:
    bus = MessageBus()
    fills = bus.subscribe([MessageType.ENTRY_FILL])
    bus.publish(status(1))
    bus.publish(messages.trade_event(MessageType.ENTRY_FILL, {"trade_id": 7}))
    got = await fills.get()
    assert got.type is MessageType.ENTRY_FILL
    assert fills.pending == 0


async def test_full_queue_drops_oldest_and_counts_it() -> None:
    bus = MessageBus()
    sub = bus.subscribe(maxsize=3, policy=OverflowPolicy.DROP_OLDEST)
    for n in range(5):
        bus.publish(status(n))
    assert sub.dropped == 2
    assert bus.stats().dropped == 2
    assert [(await sub.get()).data["status"] for _ in range(3)] == ["m2", "m3", "m4"]


async def test_full_queue_disconnects_subscriber_with_disconnect_policy() -> None:
    bus = MessageBus()
    slow = bus.subscribe(maxsize=2, policy=OverflowPolicy.DISCONNECT, name="slow")
    fast = bus.subscribe(maxsize=100)
    for n in range(3):
        bus.publish(status(n))
    assert slow.closed
    assert slow.close_reason == "queue full"
    with pytest.raises(SubscriptionClosed):
        await slow.get()
    assert bus.stats().disconnected == 1
    assert bus.stats().subscribers == 1
    assert fast.pending == 3


async def test_stalled_subscriber_does_not_delay_others() -> None:
    bus = MessageBus()
    bus.subscribe(maxsize=10)  # never read
    received: list[int] = []
    done = asyncio.Event()

    fast = bus.subscribe(maxsize=1000)

    async def reader() -> None:
        async for msg in fast:
            received.append(msg.seq)
            if len(received) == 500:
                done.set()
                return

    task = asyncio.create_task(reader())
    for n in range(500):
        bus.publish(status(n))
        if n % 50 == 0:
            await asyncio.sleep(0)
    await asyncio.wait_for(done.wait(), 2)
    await task
    assert received == list(range(1, 501))


async def test_publish_never_awaits() -> None:
    bus = MessageBus()
    bus.subscribe(maxsize=1)
    # publish is a plain function: calling it returns the stamped message, not a coroutine.
    result = bus.publish(status(1))
    assert isinstance(result, Message)
    assert result.seq == 1


async def test_subscription_context_closes_on_exit() -> None:
    bus = MessageBus()
    async with bus.subscription([MessageType.STATUS]) as sub:
        assert bus.stats().subscribers == 1
    assert sub.closed
    assert bus.stats().subscribers == 0


async def test_close_wakes_waiting_readers() -> None:
    bus = MessageBus()
    sub = bus.subscribe()
    waiter = asyncio.create_task(sub.get())
    await asyncio.sleep(0)
    await bus.close()
    with pytest.raises(SubscriptionClosed):
        await waiter


async def test_publish_after_close_is_not_delivered_and_does_not_raise() -> None:
    bus = MessageBus()
    sub = bus.subscribe()
    await bus.close()
    bus.publish(status(1))
    assert sub.pending == 0
    with pytest.raises(RuntimeError):
        bus.subscribe()


def test_wire_shape_of_flat_and_data_messages() -> None:
    entry = messages.trade_event(MessageType.ENTRY_FILL, {"trade_id": 3, "pair": "BTC/USDT"})
    assert entry.to_wire() == {"type": "entry_fill", "trade_id": 3, "pair": "BTC/USDT"}
    wl = messages.whitelist(["BTC/USDT"])
    assert wl.to_wire() == {"type": "whitelist", "data": ["BTC/USDT"]}
    candle = messages.new_candle("BTC/USDT", "5m")
    assert candle.to_wire() == {"type": "new_candle", "data": ["BTC/USDT", "5m", "spot"]}
