"""Textual reports over a warehouse."""

import json

from . import services
from .pricing import unit_price, bulk_price  # expect: missing-import-name confidence=definite
from .exporters import to_csv  # expect: unresolved-import confidence=definite
import inventory.backends  # expect: unresolved-import confidence=definite
import requests  # expect-not: unresolved-import


def stock_summary(warehouse):
    lines = []
    for sku, item in sorted(warehouse.items.items()):
        lines.append(f"{sku}: {item.quantity} x {unit_price(item, item.quantity)}")
    return "\n".join(lines)


def stock_json(warehouse):
    payload = {sku: item.quantity for sku, item in warehouse.items.items()}
    return json.dumps(payload, indent=2)


def publish(warehouse, url):
    services.audit_log(f"publishing {warehouse.code}")
    response = requests.post(url, data=stock_json(warehouse), timeout=10)
    return response.status_code


def export(warehouse, path):
    with open(path, "w") as handle:
        handle.write(to_csv(warehouse))
    return bulk_price
