"""The billing run: builds invoices, prints them and exports them."""
import math

from .models import CsvExporter, DraftExporter, Invoice, LineItem, Money, Percent, Sku


def greet(name):
    return "Hello " + name


def format_total(label, amount, precision=2):
    return label + ": " + str(round(amount, precision))


def build_invoice():
    invoice = Invoice("INV-001", "ACME")
    invoice.add(LineItem("A-1", 3, 9.5))
    invoice.add(LineItem(sku="B-2", quantity=1))
    # expect: call-arity confidence=definite
    invoice.add(LineItem("C-3"))
    # expect: call-arity confidence=definite
    late = Invoice("INV-002", "Globex", [], "USD")
    fine = Invoice("INV-003", "Initech", currency="USD")
    return invoice, late, fine


def print_summary(invoice):
    count = len(invoice.items)
    # expect: bad-operand confidence=definite
    print("Items: " + count)
    print("Items: " + str(count))
    print(f"Items: {count}")
    print("Items: %d" % count)
    # expect: call-arity confidence=definite
    print(greet("ada", "lovelace"))
    print(greet("ada"))
    # expect: call-arity confidence=definite
    print(format_total("Total", 12.5, precision=2, currency="EUR"))
    # expect: call-arity confidence=definite
    print(format_total("Total", 12.5, 3, precision=2))
    print(format_total("Total", 12.5, precision=3))
    # expect: call-arity confidence=definite
    print(invoice.describe())
    print(invoice.number.upper())
    print(invoice.describe(True))


def money_math():
    a = Money(150)
    b = Money(275)
    print(a + b)
    # Money.__add__ accepts the call (and fails later reading `.cents`).
    # expect-not: bad-operand
    print(a + Percent(10))
    # expect: bad-operand confidence=definite
    print(Percent(10) + Percent(5))
    # expect: bad-operand confidence=definite
    merged = [1, 2] + (3, 4)
    extended = [1, 2]
    extended += (3, 4)
    both = {"a": 1} | {"b": 2}
    # expect: bad-operand confidence=definite
    broken = {"a": 1} + {"b": 2}
    # expect: bad-operand confidence=definite
    gap = "2024" - "2023"
    line = "-" * 40
    return merged, extended, both, broken, gap, line


def export_all(invoice):
    exporter = CsvExporter()
    print(exporter.filename(invoice))
    # expect: abstract-instantiation confidence=definite
    draft = DraftExporter()
    return exporter.export(invoice), draft


def index_skus(items):
    by_sku = {}
    for item in items:
        by_sku[item.sku] = item
    key = Sku("A-1")
    by_sku[key] = None
    tags = ["red", "large"]
    # expect: unhashable-key confidence=definite
    by_tags = {tags: 1}
    by_tuple = {tuple(tags): 1}
    seen = set()
    # expect: unhashable-key confidence=definite
    seen.add(tags)
    seen.add(tuple(tags))
    return by_sku, by_tags, by_tuple, seen


def parse_quantities():
    # expect: bad-builtin-arg confidence=definite
    dozen = int("twelve")
    twelve = int("12")
    # expect: bad-builtin-arg confidence=definite
    ratio = float("1,5")
    half = float("0.5")
    # expect: bad-builtin-arg confidence=definite
    size = len(5)
    # expect: bad-builtin-arg confidence=definite
    codes = ", ".join([1, 2])
    names = ", ".join(["a", "b"])
    # expect: bad-builtin-arg confidence=definite
    root = math.sqrt(-1)
    ok_root = math.sqrt(16)
    try:
        checked = int("n/a")
    except ValueError:
        checked = 0
    return dozen, twelve, ratio, half, size, codes, names, root, ok_root, checked


def capabilities():
    total = sum([1, 2, 3])
    # expect: not-callable confidence=definite
    total()
    # expect: not-subscriptable confidence=definite
    first = total[0]
    # expect: not-iterable confidence=definite
    for digit in total:
        print(digit)
    prices = [1, 2, 3]
    for price in prices:
        print(price)
    # expect: not-subscriptable confidence=definite
    oops = len[0]
    return first, oops


def shadowing():
    list = [1, 2, 3]
    # expect: builtin-shadowed-call confidence=definite
    evens = list(range(0, 10, 2))
    return evens


def main():
    invoice, _, _ = build_invoice()
    print_summary(invoice)
    money_math()
    export_all(invoice)
    index_skus(invoice.items)
    parse_quantities()
    capabilities()
    shadowing()


if __name__ == "__main__":
    main()
