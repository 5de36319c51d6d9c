"""Reports over stock movements."""

import math


def read_movements(path):
    with open(path) as handle:
        for line in handle:
            sku, quantity = line.strip().split(",")
            yield sku, int(quantity)


def summary(path):
    movements = read_movements(path)
    total = sum(quantity for _, quantity in movements)
    skus = set()
    # expect: iterator-reuse confidence=definite
    for sku, _ in movements:
        skus.add(sku)
    return total, skus


def summary_materialised(path):
    movements = list(read_movements(path))
    total = sum(quantity for _, quantity in movements)
    skus = set()
    for sku, _ in movements:
        skus.add(sku)
    return total, skus


def first_large(path, threshold):
    movements = read_movements(path)
    for sku, quantity in movements:
        if quantity > threshold:
            break
    rest = list(movements)
    return rest


def drop_empty(stock):
    levels = {"apple": 3, "pear": 0, "plum": 5}
    levels.update(stock)
    for sku in levels:
        if levels[sku] == 0:
            # expect: mutate-while-iterating confidence=definite
            del levels[sku]
    return levels


def drop_empty_copy(stock):
    levels = {"apple": 3, "pear": 0, "plum": 5}
    levels.update(stock)
    for sku in list(levels):
        if levels[sku] == 0:
            del levels[sku]
    for sku in levels:
        levels[sku] = levels[sku] * 2
    return levels


def remove_returns(quantities):
    pending = [3, -1, -2, 4]
    pending.extend(quantities)
    for quantity in pending:
        if quantity < 0:
            # expect: mutate-while-iterating confidence=definite
            pending.remove(quantity)
    return pending


def average_price(prices):
    mean = sum(prices) / 4.0
    # expect: float-equality confidence=definite
    if mean == 2.5:
        return "exactly two fifty"
    if math.isclose(mean, 2.5):
        return "about two fifty"
    count = len(prices)
    if count == 4:
        return "four prices"
    return "other"
