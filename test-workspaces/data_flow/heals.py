"""Quick fixes for the crashes of old code and slips of the hand."""


def flatten(groups):
    # heal: removed-stdlib-name use-current-stdlib-name
    from collections import Iterable

    flat = []
    for group in groups:
        if isinstance(group, Iterable):
            flat.extend(group)
    return flat


def interleave(first, second):
    # heal: removed-stdlib-name use-current-stdlib-name
    from itertools import imap as apply_all

    return list(apply_all(str, first + second))


def cheapest(offers, budget):
    lowest_price = budget
    for vendor, price in offers:
        if price < lowest_price:
            lowest_price = price
            winner = vendor
    # heal: possibly-unbound initialise-before-branch
    return winner


# Every offer is over budget: no winner.
print(cheapest([("acme", 12.5), ("globex", 14.0)], budget=10.0))


class Window:
    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.area = width * height


def describe(window):
    # heal: not-callable drop-call
    return f"{window.width}x{window.height} ({window.area()} px)"


print(flatten([[1], [2, 3]]), interleave([1], [2]), cheapest([("a", 3)], 5), describe(Window(2, 3)))


class Playlist:
    def __init__(self):
        self.tracks = []

    def enqueue(self, title):
        # heal: unknown-attribute rename-to-suggestion
        self.tracks.push(title)
        return len(self.tracks)


def shipping(weight):
    if weight > 10:
        return 12.5
    elif weight > 0:
        return 4.0


def basket_total(weights):
    total = 0.0
    for weight in weights:
        # heal: none-operand none-operand-or-zero
        total += shipping(weight)
    return total


print(Playlist().enqueue("intro"), basket_total([3, 0]))
