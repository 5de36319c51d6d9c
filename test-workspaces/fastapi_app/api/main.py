"""Inventory API: items, reports and health checks."""

import subprocess
import time

import requests
from fastapi import Depends, FastAPI, HTTPException, Request

from .routers import orders

app = FastAPI(title="Inventory")
app.include_router(orders.router, prefix="/orders")

ITEMS = {1: {"name": "bolt", "qty": 40}, 2: {"name": "nut", "qty": 0}}


def current_user(request: Request):
    return request.headers.get("x-user", "anonymous")


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="item not found")
    return item


# expect: fastapi-missing-path-param confidence=definite
@app.get("/items/{item_id}/stock")
def item_stock(id: int):
    return {"qty": ITEMS[id]["qty"]}


# expect: fastapi-missing-path-param confidence=definite
@app.put("/warehouses/{warehouse_id}/items/{item_id}")
def move_item(item_id: int, quantity: int = 1):
    return {"moved": item_id, "quantity": quantity}


# expect-not: fastapi-missing-path-param
@app.get("/files/{file_path:path}")
def read_file(file_path: str):
    return {"path": file_path}


# expect-not: fastapi-missing-path-param
@app.delete("/users/{user_id}", dependencies=[Depends(current_user)])
def delete_user(request: Request):
    return {"deleted": request.path_params["user_id"]}


@app.get("/report")
async def report():
    # expect: fastapi-blocking-in-async-route confidence=definite
    time.sleep(0.5)
    # expect: fastapi-blocking-in-async-route confidence=definite
    rates = requests.get("https://example.com/rates").json()
    return {"rates": rates}


@app.post("/backup")
async def backup():
    # expect: fastapi-blocking-in-async-route confidence=definite
    subprocess.run(["pg_dump", "inventory"], check=True)
    # expect: fastapi-blocking-in-async-route confidence=definite
    summary = open("/var/backups/last.txt").read()
    return {"summary": summary}


@app.get("/health")
def health():
    # A plain `def` route runs in the thread pool: blocking is fine here.
    # expect-not: fastapi-blocking-in-async-route
    time.sleep(0.01)
    return {"ok": True}


async def warm_cache():
    # Not a route: the generic async rule reports it.
    # expect: blocking-call-in-async confidence=definite
    time.sleep(1)
