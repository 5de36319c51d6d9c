"""Computes order totals with tax and shipping for domestic and international orders."""

TAX_RATES = {"DE": 0.19, "FR": 0.20, "US": 0.0}


class Order:
    def __init__(self, order_id, country, items, shipping_cost=4.95):
        self.order_id = order_id
        self.country = country
        self.items = items
        self.shipping_cost = shipping_cost

    def subtotal(self):
        return sum(price * qty for _, price, qty in self.items)

    def is_international(self):
        return self.country != "DE"

    def shipping(self):
        if self.is_international():
            return self.shipping_cost * 2.5
        return self.shipping_cost

    def total(self):
        tax = self.subtotal() * TAX_RATES.get(self.country, 0.0)
        return round(self.subtotal() + tax + self.shipping(), 2)


ORDERS = [
    Order("A-1", "DE", [("mug", 8.50, 2), ("tea", 4.25, 3)]),
    Order("A-2", "DE", [("kettle", 39.00, 1)], shipping_cost=0.0),
    Order("A-3", "FR", [("mug", 8.50, 6)]),
    Order("A-4", "US", [("tea", 4.25, 10)]),
]


def main():
    grand = 0.0
    for order in ORDERS:
        total = order.total()
        grand += total
        print(f"{order.order_id} ({order.country}): {order.subtotal():.2f} -> {total:.2f}")
    print(f"grand total {grand:.2f}")


main()
