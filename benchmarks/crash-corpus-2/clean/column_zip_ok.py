"""Prints two columns of uneven length side by side."""

import sys

LEFT = ["alpha", "beta", "gamma", "delta"]
RIGHT = ["one", "two"]


def widest(items):
    return max((len(item) for item in items), default=0)


def underline(width):
    return "-" * width


def side_by_side(left, right):
    try:
        from itertools import izip_longest
    except ImportError:
        from itertools import zip_longest as izip_longest

    width = widest(left) + 2
    for a, b in izip_longest(left, right, fillvalue=""):
        yield f"{a:<{width}}|{b}"


def main():
    sys.stdout.write(f"columns: {len(LEFT)} left, {len(RIGHT)} right\n")
    print(underline(widest(LEFT) + 2 + widest(RIGHT)))
    for line in side_by_side(LEFT, RIGHT):
        print(line)


main()
