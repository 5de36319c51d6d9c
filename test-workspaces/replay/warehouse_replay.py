"""Replays a day of warehouse commands against an in-memory stock ledger."""


class Warehouse:
    def __init__(self):
        self.stock = {}
        self.log = []

    def receive(self, sku, count):
        self.stock[sku] = self.stock.get(sku, 0) + count
        self.log.append(("receive", sku, count))

    def ship(self, sku, count):
        # expect: key-error confidence=definite
        available = self.stock[sku]
        if available < count:
            raise ValueError(f"only {available} of {sku} left")
        self.stock[sku] = available - count
        if self.stock[sku] == 0:
            del self.stock[sku]
        self.log.append(("ship", sku, count))


DAY = [
    ("receive", "bolt", 10),
    ("receive", "nut", 4),
    ("ship", "nut", 4),
    ("ship", "bolt", 3),
    ("ship", "nut", 1),
]


def replay(warehouse, commands):
    for name, sku, count in commands:
        getattr(warehouse, name)(sku, count)
    return warehouse


if __name__ == "__main__":
    replay(Warehouse(), DAY)
