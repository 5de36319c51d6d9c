"""Prices a shopping basket against a product catalog."""


class Product:
    def __init__(self, code, name, price):
        self.code = code
        self.name = name
        self.price = price


CATALOG = [
    Product("A100", "notebook", 3.5),
    Product("A200", "pencil", 0.8),
    Product("B300", "stapler", 12.0),
]


def find_product(catalog, code):
    for product in catalog:
        if product.code == code:
            return product


def price_basket(basket):
    total = 0.0
    for code, quantity in basket:
        product = find_product(CATALOG, code)
        if product is None:
            print(f"  unknown code {code}")
            continue
        line = product.price * quantity
        print(f"  {product.name:<10} x{quantity:<3} {line:7.2f}")
        total += line
    return total


def main():
    basket = [("A100", 4), ("B300", 1), ("C999", 2), ("A200", 10)]
    print(f"pricing {len(basket)} lines")
    total = price_basket(basket)
    print(f"total {total:.2f}")


main()
