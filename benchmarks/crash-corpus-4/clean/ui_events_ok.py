"""Dispatches a stream of UI events to async handlers registered by event type."""

import asyncio

HANDLERS = {}


def on(kind):
    def register(func):
        HANDLERS[kind] = func
        return func
    return register


@on("click")
async def handle_click(event):
    await asyncio.sleep(0)
    return f"clicked at {event['x']},{event['y']}"


@on("key")
async def handle_key(event):
    await asyncio.sleep(0)
    return f"key {event['key']!r}"


@on("resize")
async def handle_resize(event, window="main"):
    await asyncio.sleep(0)
    return f"{window} resized to {event['w']}x{event['h']}"


EVENTS = [
    {"type": "click", "x": 10, "y": 20},
    {"type": "key", "key": "a"},
    {"type": "click", "x": 200, "y": 5},
    {"type": "resize", "w": 1024, "h": 768},
    {"type": "key", "key": "Enter"},
]


async def dispatch(event):
    handler = HANDLERS[event["type"]]
    return await handler(event)


async def main():
    processed = 0
    for event in EVENTS:
        message = await dispatch(event)
        processed += 1
        print(f"[{processed}] {message}")
    print(f"{processed} events handled")


asyncio.run(main())
