"""Products, tags and the command registry of the inventory shell."""


class Product:
    def __init__(self, sku, name, price, tags=None):
        self.sku = sku
        self.name = name
        self.price = price
        self.tags = tags if tags is not None else []


# expect: mutable-default confidence=definite
def tag_product(product, tag, seen_tags=[]):
    seen_tags.append(tag)
    product.tags.append(tag)
    return len(seen_tags)


def tag_product_safely(product, tag, seen_tags=None):
    if seen_tags is None:
        seen_tags = []
    seen_tags.append(tag)
    product.tags.append(tag)
    return len(seen_tags)


def describe(product, extra_fields={}):
    # Read-only default: harmless.
    fields = {"sku": product.sku, "name": product.name}
    for key in extra_fields:
        fields[key] = extra_fields[key]
    return fields


class Catalog:
    # expect: mutable-default confidence=likely
    def __init__(self, products={}):
        self.products = products

    def add(self, product):
        self.products[product.sku] = product

    def lookup(self, sku):
        return self.products.get(sku)


def build_commands(catalog, skus):
    commands = {}
    for sku in skus:
        # expect: late-binding-closure confidence=likely
        commands["show-" + sku] = lambda: catalog.lookup(sku)
    return commands


def build_commands_bound(catalog, skus):
    commands = {}
    for sku in skus:
        commands["show-" + sku] = lambda sku=sku: catalog.lookup(sku)
    return commands


def price_filters(thresholds):
    filters = []
    for limit in thresholds:
        # expect: late-binding-closure confidence=likely
        def under(product):
            return product.price < limit

        filters.append(under)
    return filters


def cheapest(products, limit):
    found = []
    for product in products:
        matches = list(filter(lambda other: other.price < product.price, products))
        if not matches:
            found.append(product)
    return found[:limit]


def stock_status(count):
    # expect: is-literal confidence=definite
    if count is 0:
        return "sold out"
    if count is None:
        return "unknown"
    return "in stock"
