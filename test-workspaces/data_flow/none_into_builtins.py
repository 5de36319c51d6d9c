"""None handed to a builtin that iterates it fails like `for x in None`."""


def sorted_tags(tags):
    tags = list(tags)
    tags = tags.reverse()
    return tags


def unique_sorted(items):
    items = list(items)
    items.sort()
    return items


def first_line(text):
    lines = text.splitlines()
    return lines[0] if lines else None


def report():
    # expect: none-iteration confidence=definite
    for position, tag in enumerate(sorted_tags(["b", "a"])):
        print(position, tag)
    # expect: none-iteration confidence=definite
    print(", ".join(sorted_tags(["x"])))
    for position, item in enumerate(unique_sorted(["b", "a"]), start=1):
        print(position, item)
    line = first_line("")
    if line is not None:
        print(sorted(line))
    print(list(zip(unique_sorted([1]), unique_sorted([2]))))


report()
