"""Orders: a union on hover, a crash predicted on a branch, one on every path."""


def find_customer(customers: dict, name: str):
    if name in customers:
        found = customers[name]
    else:
        found = None
    return found


def shipping(express: bool):
    if express:
        cost = 12
    else:
        cost = 4.5
    return cost  # hover[cost]: - L14 `cost = 12` — L13, `if express:` true branch


def greeting(customers: dict):
    customer = find_customer(customers, "ada")
    return customer.upper()  # expect: none-attribute


prices = {"tea": 3}
coffee = prices["coffee"]  # expect: key-error
