"""Removes duplicate rows from an export and counts how often each appeared."""

EXPORT = """id,city,zip
1,Lyon,69001
2,Paris,75001
1,Lyon,69001
3,Nice,06000"""


def records(text):
    lines = text.splitlines()
    for line in lines[1:]:
        yield line.split(",")


def dedupe(rows):
    seen = {}
    order = []
    for row in rows:
        if row not in seen:
            order.append(row)
            seen[row] = 0
        seen[row] += 1
    return order, seen


def main():
    rows = list(records(EXPORT))
    print(f"{len(rows)} rows read")
    unique, counts = dedupe(rows)
    print(f"{len(unique)} unique rows")
    for row in unique:
        print("  ", ",".join(row), "x", counts[row])


main()
