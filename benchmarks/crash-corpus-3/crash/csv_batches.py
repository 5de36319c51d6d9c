"""Reads several in-memory CSV exports and prints their headers and row counts."""

EXPORTS = {
    "customers": "id,name,city\n1,Ana,Porto\n2,Ben,Lyon\n",
    "orders": "id,customer,total\n10,1,25.0\n11,2,14.5\n12,1,3.0\n",
    "refunds": "",
}


def read_export(text):
    lines = iter(text.splitlines())
    header = next(lines).split(",")
    rows = [line.split(",") for line in lines]
    return header, rows


def main():
    print(f"{len(EXPORTS)} exports")
    for name, text in EXPORTS.items():
        header, rows = read_export(text)
        print(f"{name}: {len(rows)} rows, columns {', '.join(header)}")


main()
