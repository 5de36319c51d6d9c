"""Recursion with a base case that its steps can miss, from the arguments callers pass."""


def tiles(width, cache):
    if width in cache:
        return cache[width]
    if width == 0:
        return 1
    # expect: unbounded-recursion
    count = tiles(width - 1, cache) + tiles(width - 2, cache)
    cache[width] = count
    return count


def tiles_fixed(width, cache):
    if width in cache:
        return cache[width]
    if width <= 1:
        return 1
    count = tiles_fixed(width - 1, cache) + tiles_fixed(width - 2, cache)
    cache[width] = count
    return count


def bisect_left(values, target, low, high):
    if low == high:
        return low
    middle = (low + high) // 2
    if values[middle] < target:
        # expect: unbounded-recursion
        return bisect_left(values, target, middle, high)
    return bisect_left(values, target, low, middle)


def bisect_fixed(values, target, low, high):
    if low >= high:
        return low
    middle = (low + high) // 2
    if values[middle] < target:
        return bisect_fixed(values, target, middle + 1, high)
    return bisect_fixed(values, target, low, middle)


def countdown(n):
    if n == 0:
        return "liftoff"
    return countdown(n - 1)


SIZES = [2, 5, 9, 14]
print(tiles(4, {}))
print(tiles_fixed(4, {}))
print(bisect_left(SIZES, 10, 0, len(SIZES)))
print(bisect_fixed(SIZES, 10, 0, len(SIZES)))
print(countdown(3))
