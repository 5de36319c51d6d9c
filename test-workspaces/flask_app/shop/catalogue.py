"""In-memory catalogue used by the views."""

PRODUCTS = {
    1: {"name": "Espresso cup", "price": 6.5, "stock": 12},
    2: {"name": "Milk jug", "price": 14.0, "stock": 0},
    3: {"name": "Tamper", "price": 22.0, "stock": 4},
}


def find_product(product_id):
    return PRODUCTS.get(product_id)


def search_products(term):
    term = term.lower()
    return [p for p in PRODUCTS.values() if term in p["name"].lower()]


def refuse(reason):
    raise PermissionError(reason)
