"""Checks stock levels against reorder points and prints a restock list."""


class Item:
    def __init__(self, sku, name, quantity, reorder_at):
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.reorder_at = reorder_at


STOCK = [
    Item("A-100", "hex bolts", 40, 50),
    Item("A-200", "washers", 500, 100),
    Item("B-300", "wood screws", 12, 30),
]

ORDERS = ["A-100", "B-300", "C-999", "A-200"]


def find_item(sku):
    for item in STOCK:
        if item.sku == sku:
            return item
    return None


def main():
    print(f"{len(STOCK)} items in stock")
    for sku in ORDERS:
        item = find_item(sku)
        if item is None:
            print(f"unknown sku {sku}")
            continue
        if item.quantity < item.reorder_at:
            print(f"restock {item.name}: {item.reorder_at - item.quantity} more")
        else:
            print(f"{item.name} ok")


main()
