"""Groups shipment lines by warehouse and prints a per-warehouse pick report."""

SHIPMENTS = [
    {"id": 101, "warehouse": "north", "sku": "BOLT-8", "qty": 40},
    {"id": 102, "warehouse": "south", "sku": "NUT-8", "qty": 120},
    {"id": 103, "warehouse": "north", "sku": "WASHER-8", "qty": 200},
    {"id": 104, "warehouse": "east", "sku": "BOLT-10", "qty": 15},
    {"id": 105, "warehouse": "south", "sku": "BOLT-8", "qty": 60},
]

WAREHOUSES = ["north", "south", "east", "west"]


def group_by_warehouse(shipments):
    groups = {}
    for line in shipments:
        name = line["warehouse"]
        if name not in groups:
            groups[name] = []
        groups[name].append(line)
    return groups


def total_units(lines):
    return sum(line["qty"] for line in lines)


def pick_report(groups, warehouse):
    lines = groups.get(warehouse, [])
    skus = sorted({line["sku"] for line in lines})
    return f"{warehouse:>6}: {len(lines)} lines, {total_units(lines)} units ({', '.join(skus)})"


def main():
    groups = group_by_warehouse(SHIPMENTS)
    print(f"{len(SHIPMENTS)} shipment lines in {len(groups)} warehouses")
    for warehouse in WAREHOUSES:
        print(pick_report(groups, warehouse))
    print("report done")


if __name__ == "__main__":
    main()
