"""Order routes, mounted under /orders."""

import asyncio

import httpx
from fastapi import APIRouter

router = APIRouter()

ORDERS = {}


# expect-not: fastapi-missing-path-param
@router.get("/{order_id}")
async def get_order(order_id: str):
    async with httpx.AsyncClient() as client:
        # expect-not: fastapi-blocking-in-async-route
        response = await client.get(f"https://example.com/orders/{order_id}")
    await asyncio.sleep(0)
    return response.json()


# expect: fastapi-missing-path-param confidence=definite
@router.post("/{order_id}/lines/{line_no}")
async def add_line(order_id: str, quantity: int):
    ORDERS.setdefault(order_id, []).append(quantity)
    return {"lines": len(ORDERS[order_id])}


STATUS_LABELS = {"new": "Created", "paid": "Settled"}


@router.get("/{order_id}/label")
async def order_label(order_id: str):
    # heal: key-error fastapi-key-404
    label = STATUS_LABELS["shipped"]
    return {"order": order_id, "label": label}
