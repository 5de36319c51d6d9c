"""`pop` reads an item like a subscript does, and `in` folds on known sequences."""

ORDERS = [
    {"id": 1, "region": "north"},
    {"id": 2, "region": "south"},
    {"id": 3, "region": "north"},
]


def regions(orders):
    seen = []
    for order in orders:
        if order["region"] not in seen:
            seen.append(order["region"])
    return seen


def first_in(orders, region):
    # No order is in "east" (called below).
    # expect: stop-iteration
    return next(order for order in orders if order["region"] == region)


def first_in_or_none(orders, region):
    return next((order for order in orders if order["region"] == region), None)


def undo(history):
    stack = list(history)
    stack.pop()
    stack.pop()
    # expect: index-error
    return stack.pop()


def undo_guarded(history):
    stack = list(history)
    stack.pop()
    stack.pop()
    if stack:
        return stack.pop()
    return None


limits = {"north": 10, "south": 5}
limits.pop("north")
# expect: key-error
limits.pop("north")
limits.pop("east", None)

names = regions(ORDERS)
print(names[1])
# expect: index-error
print(names[2])
for region in names:
    print(first_in(ORDERS, region)["id"])
for region in ("north", "west"):
    print(first_in_or_none(ORDERS, region))
print(first_in(ORDERS, "east"))
undo(["a", "b"])
undo_guarded(["a", "b"])
