STOCK = {"apple": 12, "banana": 0, "cherry": 40}


def restock_needed(name):
    if name not in STOCK:
        return True
    return STOCK[name] < 5


for product in ["apple", "banana", "durian"]:
    print(product, restock_needed(product))
