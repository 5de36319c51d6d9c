"""Applies loyalty-tier discounts to a batch of checkout baskets."""

BASKETS = [
    {"customer": "ana", "tier": "gold", "items": [12.0, 30.0, 7.5]},
    {"customer": "ben", "tier": "silver", "items": [99.0]},
    {"customer": "cara", "tier": "bronze", "items": [5.0, 5.0]},
    {"customer": "dev", "tier": "platinum", "items": [250.0, 40.0]},
]


def discount_rate(tier):
    if tier == "gold":
        return 0.15
    elif tier == "silver":
        return 0.10
    elif tier == "bronze":
        return 0.05
    return 0.0


def basket_total(basket):
    return sum(basket["items"])


def price_after_discount(basket):
    rate = discount_rate(basket["tier"])
    total = basket_total(basket)
    return round(total * (1 - rate), 2)


def main():
    revenue = 0.0
    print("customer   tier       before    after")
    for basket in BASKETS:
        before = basket_total(basket)
        after = price_after_discount(basket)
        revenue += after
        print(f"{basket['customer']:<10} {basket['tier']:<10} {before:>6.2f} {after:>8.2f}")
    print(f"revenue: {revenue:.2f}")


main()
