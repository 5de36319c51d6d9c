"""Parses monthly meter readings and prints the consumption between months."""

READINGS = """\
2026-01;10432
2026-02;10677
2026-03;n/a
2026-04;11190
"""


def parse(text):
    values = []
    for line in text.splitlines():
        month, raw = line.split(";")
        values.append((month, int(raw)))
    return values


def main():
    lines = READINGS.splitlines()
    print(f"{len(lines)} readings from {lines[0][:7]} to {lines[-1][:7]}")
    values = parse(READINGS)
    for (_, before), (month, after) in zip(values, values[1:]):
        print(f"{month}: {after - before} kWh")


main()
