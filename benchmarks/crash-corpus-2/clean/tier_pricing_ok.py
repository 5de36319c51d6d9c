"""Applies customer-tier discounts to a list of purchases."""


class Customer:
    def __init__(self, name, tier):
        self.name = name
        self.tier = tier


def discounted(price, tier):
    if tier == "gold":
        return round(price * 0.8, 2)
    elif tier == "silver":
        return round(price * 0.9, 2)
    elif tier == "standard":
        return price
    return price


PURCHASES = [
    (Customer("ana", "gold"), [10.0, 25.0]),
    (Customer("ben", "standard"), [8.0]),
    (Customer("cho", "bronze"), [40.0, 5.0]),
]


def main():
    grand_total = 0.0
    for customer, prices in PURCHASES:
        spent = 0.0
        for price in prices:
            spent += discounted(price, customer.tier)
        print(f"{customer.name:<4} {customer.tier:<8} {spent:7.2f}")
        grand_total += spent
    print(f"grand total {grand_total:.2f}")


main()
