"""A tiny warehouse: receives deliveries, then ships orders from stock."""


class Warehouse:
    def __init__(self, name):
        self.name = name
        self.stock = {}
        self.log = []

    def receive(self, sku, quantity):
        self.stock[sku] = self.stock.get(sku, 0) + quantity
        self.log.append(("in", sku, quantity))

    def ship(self, sku, quantity):
        available = self.stock[sku]
        if available < quantity:
            print(f"  backorder {sku}: want {quantity}, have {available}")
            quantity = available
        self.stock[sku] = available - quantity
        self.log.append(("out", sku, quantity))
        return quantity


DELIVERIES = [("bolt-m4", 500), ("nut-m4", 450), ("washer-m4", 300)]
ORDERS = [
    {"id": 101, "lines": [("bolt-m4", 120), ("nut-m4", 120)]},
    {"id": 102, "lines": [("washer-m4", 400)]},
    {"id": 103, "lines": [("bolt-m5", 50), ("nut-m4", 50)]},
]


def main():
    depot = Warehouse("north")
    for sku, quantity in DELIVERIES:
        depot.receive(sku, quantity)
    print(f"{depot.name}: {len(depot.stock)} skus in stock")
    for order in ORDERS:
        shipped = 0
        for sku, quantity in order["lines"]:
            shipped += depot.ship(sku, quantity)
        print(f"order {order['id']}: shipped {shipped} items")
    print("moves:", len(depot.log))


main()
