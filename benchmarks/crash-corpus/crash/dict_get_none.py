PRICES = {"apple": 1.5, "pear": 2.0}


def cost(fruit, quantity):
    price = PRICES.get(fruit)
    return price * quantity


print(cost("apple", 3))
print(cost("mango", 2))
