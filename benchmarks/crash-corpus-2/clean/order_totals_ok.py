"""Computes order totals and prints an invoice per order."""


class LineItem:
    def __init__(self, name, unit_price, quantity):
        self.name = name
        self.unit_price = unit_price
        self.quantity = quantity

    def subtotal(self):
        return self.unit_price * self.quantity


class Order:
    def __init__(self, number, items):
        self.number = number
        self.items = items
        self.discount = 0.0

    def total(self):
        gross = sum(item.subtotal() for item in self.items)
        return gross * (1 - self.discount)


def invoice(order):
    print(f"order #{order.number}")
    for item in order.items:
        print(f"  {item.name:<8} {item.subtotal():8.2f}")
    print(f"  {'total':<8} {order.total():8.2f}")


def main():
    orders = [
        Order(1, [LineItem("cable", 4.0, 3), LineItem("plug", 2.5, 2)]),
        Order(2, [LineItem("lamp", 30.0, 1)]),
    ]
    orders[1].discount = 0.1
    for order in orders:
        invoice(order)


main()
