"""Computes the depth of a category tree given as parent links; cycles are reported."""

PARENTS = {
    "shoes": "clothing",
    "clothing": "shop",
    "boots": "shoes",
    "shop": None,
    "sale": "offers",
    "offers": "sale",
}


def depth(category, seen=()):
    if category in seen:
        return -1
    parent = PARENTS[category]
    if parent is None:
        return 0
    below = depth(parent, seen + (category,))
    return -1 if below < 0 else below + 1


def report():
    for category in sorted(PARENTS):
        print(category, depth(category))


report()
