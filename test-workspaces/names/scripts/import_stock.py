"""Import stock counts from a CSV file into the warehouse snapshot."""

import argparse
import csv
import sys

from inventory.models import Item, Warehouse
from inventory.storage import save_snapshot

DEFAULT_WAREHOUSE = "MAIN"

if len(sys.argv) > 2:
    warehouse_code = sys.argv[2]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv_path")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--commit", action="store_true")
    return parser.parse_args(argv)


def read_rows(path):
    try:
        handle = open(path, newline="")
    except OSError as error:
        print(f"cannot open {path}: {error}", file=sys.stderr)
        sys.exit(2)
    with handle:
        return list(csv.DictReader(handle))  # expect-not: possibly-unbound


def main(argv=None):
    args = parse_args(argv)
    if args.dry_run:
        mode = "dry-run"
    elif args.commit:
        mode = "commit"
    print(f"importing {args.csv_path} in {mode} mode")  # expect: possibly-unbound confidence=likely
    warehouse = Warehouse(code=DEFAULT_WAREHOUSE)
    for row in read_rows(args.csv_path):
        item = Item(sku=row["sku"], name=row["name"], price=float(row["price"]))
        item.restock(int(row["quantity"]))
        warehouse.add(item)
    if mode == "commit":
        save_snapshot(f"snapshots/{warehouse.code}.json", {"items": len(warehouse.items)})
    return 0


print(f"target warehouse: {warehouse_code}")  # expect: possibly-unbound confidence=likely

if __name__ == "__main__":
    sys.exit(main())
