"""Prices items of a small class hierarchy with taxed and discounted variants."""


class Product:
    def __init__(self, name, price):
        self.name = name
        self.price = price

    def cost(self):
        return self.price


class TaxedProduct(Product):
    def __init__(self, name, price, rate):
        super().__init__(name, price)
        self.rate = rate

    def cost(self):
        return round(self.price * (1 + self.rate), 2)


class DiscountedProduct(Product):
    def __init__(self, name, price, percent):
        super().__init__(name, price)
        self.percent = percent

    def cost(self):
        reduced = self.price * (100 - self.percent) / 100
        round(reduced, 2)


def main():
    basket = [
        Product("notebook", 3.5),
        TaxedProduct("headphones", 40.0, 0.2),
        DiscountedProduct("mug", 8.0, 25),
    ]
    total = 0
    for product in basket:
        print(f"{product.name}: {product.cost()}")
        total += product.cost()
    print(f"total: {total:.2f}")


main()
