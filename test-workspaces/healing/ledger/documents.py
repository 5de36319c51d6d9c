"""Ledger exports kept as CSV text per account; one account has not exported yet."""
import re

EXPORTS = {
    "cash": "date,amount\n2026-01-03,40\n2026-01-05,12\n",
    "bank": "date,amount\n2026-01-04,900\n",
    "card": "",
}

REFERENCE = re.compile(r"INV-(\d{4})-(\d+)")


def read_export(text):
    lines = iter(text.splitlines())
    # heal: stop-iteration return-when-exhausted
    header = next(lines).split(",")
    rows = [line.split(",") for line in lines]
    return header, rows


def read_export_guarded(text):
    lines = iter(text.splitlines())
    first = next(lines, None)
    if first is None:
        return [], []
    return first.split(","), [line.split(",") for line in lines]


def reference_parts(reference):
    match = REFERENCE.match(reference)
    # heal: none-attribute early-return-if-none
    year, number = match.groups()
    return int(year), int(number)


def summary():
    for account, text in EXPORTS.items():
        header, rows = read_export(text)
        guarded_header, guarded_rows = read_export_guarded(text)
        print(account, header, len(rows), guarded_header, len(guarded_rows))
    for reference in ["INV-2026-7", "draft"]:
        year, number = reference_parts(reference)
        if year > 2000 and number:
            print(reference, year, number)


summary()
