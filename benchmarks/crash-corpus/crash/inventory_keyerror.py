"""Inventory report: looks up a product that is not stocked."""

STOCK = {
    "apple": 12,
    "banana": 0,
    "cherry": 40,
}


def restock_needed(name):
    count = STOCK[name]
    return count < 5


def main():
    for product in ["apple", "banana"]:
        print(product, restock_needed(product))
    print("durian", restock_needed("durian"))


if __name__ == "__main__":
    main()
