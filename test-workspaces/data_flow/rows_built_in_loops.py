"""Rows of fixed shape built in a loop keep their positions after the loop widens them."""

READINGS = "2026-01;10432\n2026-02;10677\n2026-03;n/a\n2026-04;11190"


def parse(text):
    values = []
    for line in text.splitlines():
        month, raw = line.split(";")
        if not raw.isdigit():
            continue
        values.append((month, int(raw)))
    return values


def consumption(values):
    for (_, before), (month, after) in zip(values, values[1:]):
        # The second item of every row is an int: no str can meet the `-`.
        used = after - before
        print(f"{month}: {used} kWh")


def labels(values):
    for month, reading in values:
        # expect: bad-operand
        print(month + reading)


consumption(parse(READINGS))
labels(parse(READINGS))
