"""Builds a sales report and exports it as JSON text."""

SALES = [
    ("north", "widgets", 120),
    ("north", "gadgets", 45),
    ("south", "widgets", 80),
]


def build_report(sales):
    report = {}
    for region, product, units in sales:
        region_entry = report.setdefault(region, {})
        region_entry[product] = region_entry.get(product, 0) + units
    return report


def best_seller(report):
    totals = {}
    for products in report.values():
        for product, units in products.items():
            totals[product] = totals.get(product, 0) + units
    return max(totals, key=totals.get)


def export(report):
    return json.dumps(report, sort_keys=True)


def main():
    report = build_report(SALES)
    for region, products in sorted(report.items()):
        print(f"{region}: {sum(products.values())} units")
    print("best seller:", best_seller(report))
    print(export(report))


main()
