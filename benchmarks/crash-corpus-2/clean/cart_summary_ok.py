"""Prints a one-line summary of each shopping cart."""

CARTS = {
    "alice": [("apple", 3), ("bread", 1)],
    "bruno": [("milk", 2), ("eggs", 12), ("jam", 1)],
}


PRICES = {"apple": 0.5, "bread": 2.2, "milk": 1.1, "eggs": 0.25, "jam": 3.4}


def cart_total(cart):
    return round(sum(PRICES[name] * quantity for name, quantity in cart), 2)


def item_count(cart):
    return sum(quantity for _, quantity in cart)


def summary(owner, cart):
    count = item_count(cart)
    names = ", ".join(name for name, _ in cart)
    return owner + ": " + str(count) + " items (" + names + ")"


def main():
    print(f"{len(CARTS)} carts")
    for owner in sorted(CARTS):
        print(f"checking {owner}: {cart_total(CARTS[owner]):.2f} EUR")
        print(summary(owner, CARTS[owner]))


main()
