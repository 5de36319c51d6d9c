"""Domain objects of the inventory."""

from dataclasses import dataclass, field

# services imports this module back: importing services (or reports) first breaks here.
# expect: circular-import confidence=definite
from .services import audit_log


@dataclass
class Item:
    sku: str
    name: str
    price: float
    quantity: int = 0
    tags: list = field(default_factory=list)

    def restock(self, amount):
        self.quantity += amount
        audit_log(f"restocked {self.sku} by {amount}")
        return self.quantity


@dataclass
class Warehouse:
    code: str
    items: dict = field(default_factory=dict)

    def add(self, item):
        self.items[item.sku] = item

    def total_value(self):
        return sum(item.price * item.quantity for item in self.items.values())
