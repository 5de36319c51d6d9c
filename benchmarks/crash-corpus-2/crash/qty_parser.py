"""Parses a pick list of 'item x quantity' lines into a dictionary."""

PICK_LIST = """
screws x 40
hinges x 6
glue x 2.5
brackets x 8
"""


def parse_line(line):
    name, _, quantity = line.partition(" x ")
    return name.strip(), int(quantity)


def parse(text):
    items = {}
    for line in text.strip().splitlines():
        name, quantity = parse_line(line)
        items[name] = items.get(name, 0) + quantity
        print(f"  {name}: {quantity}")
    return items


def main():
    print("pick list:")
    items = parse(PICK_LIST)
    print(f"{sum(items.values())} pieces in {len(items)} lines")


main()
