"""Price computations for stock items."""

import math

DISCOUNT_TIERS = {10: 0.05, 50: 0.10, 100: 0.15}
cache_hits = 0
cache_misses = 0


def discount_for(quantity):
    rate = 0.0
    for threshold, tier_rate in sorted(DISCOUNT_TIERS.items()):
        if quantity >= threshold:
            rate = tier_rate
    return rate


def unit_price(item, quantity):
    base = item.price
    discount = discount_for(quantity)
    return round(base * (1 - discunt), 2)  # expect: undefined-name confidence=definite


def record_cache_hit():
    cache_hits += 1  # expect: unbound-local confidence=definite


def record_cache_miss():
    global cache_misses
    cache_misses += 1  # expect-not: unbound-local


def shipping_cost(weight, express):
    if express:
        carrier_fee = 12.5
    elif weight > 20:
        carrier_fee = 8.0
    return carrier_fee + weight * 0.4  # expect: possibly-unbound confidence=likely


def handling_fee(weight, fragile):
    if fragile:
        fee = 5.0
    else:
        fee = 1.0 if weight < 10 else 2.5
    return fee  # expect-not: possibly-unbound


def boxes_needed(quantity, per_box):
    if per_box <= 0:
        return 0
    return math.ceil(quantity / per_box)


def rounded_total(prices):
    total = sum(prices)
    return round(total, 2)  # expect-not: undefined-name


if __name__ == "__main__":
    # A light parcel by standard post takes neither branch.
    print(shipping_cost(5, express=False))
