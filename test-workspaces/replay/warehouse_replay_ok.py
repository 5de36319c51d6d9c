"""Replays a day of warehouse commands; shipments of sold-out items are skipped."""


class Warehouse:
    def __init__(self):
        self.stock = {}
        self.skipped = []

    def receive(self, sku, count):
        self.stock[sku] = self.stock.get(sku, 0) + count

    def ship(self, sku, count):
        available = self.stock.get(sku, 0)
        if available < count:
            self.skipped.append(sku)
            return
        self.stock[sku] = available - count
        if self.stock[sku] == 0:
            del self.stock[sku]


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
    done = replay(Warehouse(), DAY)
    print(done.stock, done.skipped)
