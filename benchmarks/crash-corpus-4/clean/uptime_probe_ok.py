"""Probes a set of (simulated) services concurrently and reports average latency per group."""

import asyncio

SERVICES = {
    "web": [("web-1", 0.012, True), ("web-2", 0.018, True), ("web-3", 0.250, False)],
    "api": [("api-1", 0.030, True), ("api-2", 0.041, True)],
    "batch": [("batch-1", 0.500, False), ("batch-2", 0.700, False)],
}


async def probe(name, latency, healthy):
    await asyncio.sleep(0)
    return {"name": name, "latency": latency, "ok": healthy}


async def probe_group(group, members):
    results = await asyncio.gather(*(probe(*member) for member in members))
    up = [r for r in results if r["ok"]]
    print(f"{group}: {len(up)}/{len(results)} up")
    return up


def average_latency_ms(results):
    if not results:
        return float("inf")
    total = sum(r["latency"] for r in results)
    return round(1000 * total / len(results), 1)


async def main():
    summary = {}
    for group, members in SERVICES.items():
        up = await probe_group(group, members)
        summary[group] = average_latency_ms(up)
        print(f"  avg latency {summary[group]} ms")
    fastest = min(summary, key=summary.get)
    print(f"fastest group: {fastest}")


asyncio.run(main())
