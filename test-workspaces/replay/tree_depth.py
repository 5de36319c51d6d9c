"""Computes the depth of a category tree given as parent links."""

PARENTS = {
    "shoes": "clothing",
    "clothing": "shop",
    "boots": "shoes",
    "shop": None,
    "sale": "offers",
    "offers": "sale",
}


def depth(category):
    parent = PARENTS[category]
    if parent is None:
        return 0
    # expect: unbounded-recursion confidence=definite
    return 1 + depth(parent)


def report():
    for category in sorted(PARENTS):
        print(category, depth(category))


report()
