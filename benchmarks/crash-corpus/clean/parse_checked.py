def parse_quantity(text):
    if not text.isdigit():
        return 0
    return int(text)


print(sum(parse_quantity(order) for order in ["3", "5", "two"]))
