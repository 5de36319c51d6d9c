"""Finds the first overdue invoice for each customer."""

INVOICES = [
    {"customer": "acme", "number": 17, "days_late": 0},
    {"customer": "acme", "number": 21, "days_late": 12},
    {"customer": "globex", "number": 5, "days_late": 3},
    {"customer": "initech", "number": 8, "days_late": 0},
]


def customers(invoices):
    names = []
    for invoice in invoices:
        if invoice["customer"] not in names:
            names.append(invoice["customer"])
    return names


def first_overdue(invoices, customer):
    return next(
        (
            invoice for invoice in invoices
            if invoice["customer"] == customer and invoice["days_late"] > 0
        ),
        None,
    )


def main():
    for customer in customers(INVOICES):
        invoice = first_overdue(INVOICES, customer)
        if invoice is None:
            print(f"{customer}: nothing overdue")
            continue
        print(f"{customer}: invoice {invoice['number']} is {invoice['days_late']} days late")


main()
