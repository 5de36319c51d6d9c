"""Prints the average shift length per employee for one week."""

SHIFTS = {
    "amira": [8, 8, 6, 8],
    "jonas": [4, 4, 4],
    "lena": [],
    "tomas": [10, 10],
}


def average(hours):
    if not hours:
        return 0.0
    return sum(hours) / len(hours)


def main():
    print(f"week plan for {len(SHIFTS)} employees")
    for name in sorted(SHIFTS):
        hours = SHIFTS[name]
        print(f"{name:6} {len(hours)} shifts, {average(hours):.1f} h on average")


main()
