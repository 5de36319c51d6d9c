"""Fetches prices for a basket concurrently from an in-memory catalogue."""

import asyncio

CATALOGUE = {"apple": 0.5, "bread": 2.25, "milk": 1.1}


async def price_of(item):
    await asyncio.sleep(0)
    # expect: key-error confidence=definite
    return CATALOGUE[item]


async def basket_total(items):
    prices = await asyncio.gather(*(price_of(item) for item in items))
    return round(sum(prices), 2)


async def main():
    print(await basket_total(["apple", "milk"]))
    print(await basket_total(["bread", "cheese"]))


asyncio.run(main())
