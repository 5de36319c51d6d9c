"""Orders: a union on hover, a crash predicted on a branch, one on every path."""


def shipping(express: bool):
    if express:
        cost = 12
    else:
        cost = 4.5
    return cost


def find_customer(name: str):
    if name == "ada":
        return "Ada Lovelace"
    return None


def greeting(name: str):
    customer = find_customer(name)
    return customer.upper()  # expect: none-attribute


print(greeting("ada"), greeting("bob"))


prices = {"tea": 3}
coffee = prices["coffee"]  # expect: key-error
