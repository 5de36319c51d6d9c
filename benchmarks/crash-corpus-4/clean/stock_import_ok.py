"""Imports a CSV stock sheet and values the inventory."""

import csv
import io

SHEET = """sku,description,quantity,unit_cost
P-001,steel hinge,140,0.85
P-002,brass knob,35,2.10
P-003,door stop,12,3.40
P-004,cabinet pull,n/a,1.95
P-005,shelf bracket,60,1.20
"""


def read_rows(text):
    reader = csv.DictReader(io.StringIO(text))
    return list(reader)


def parse_quantity(text):
    try:
        return int(text)
    except ValueError:
        return 0


def to_record(row):
    return {
        "sku": row["sku"],
        "description": row["description"],
        "quantity": parse_quantity(row["quantity"]),
        "unit_cost": float(row["unit_cost"]),
    }


def value(record):
    return record["quantity"] * record["unit_cost"]


def main():
    rows = read_rows(SHEET)
    print(f"{len(rows)} rows in sheet")
    total = 0.0
    for row in rows:
        record = to_record(row)
        total += value(record)
        print(f"{record['sku']} {record['description']:<14} {value(record):>8.2f}")
    print(f"inventory value: {total:.2f}")


if __name__ == "__main__":
    main()
