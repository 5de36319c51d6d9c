"""Converts a day of temperature readings and reports the daily range."""

READINGS_F = [50.0, 53.5, 61.0, 66.2, 64.4, 58.1]
HOURS = [6, 9, 12, 15, 18, 21]


def to_celsius(fahrenheit):
    return (fahrenheit - 32) * 5 / 9


def table(hours, readings):
    rows = []
    for hour, value in zip(hours, readings):
        rows.append(f"  {hour:02d}:00  {value:5.1f}F  {to_celsius(value):5.1f}C")
    return rows


def daily_range(readings):
    converted = [to_celsius(value) for value in readings]
    lowest = min(converted)
    highest = max(converted)
    print(f"  low {lowest:.1f}C, high {highest:.1f}C")
    return highest - lowest


def main():
    print(f"{len(READINGS_F)} readings")
    for row in table(HOURS, READINGS_F):
        print(row)
    spread = daily_range(READINGS_F)
    print(f"range {spread:.1f}C")


main()
