"""Summaries of ledger entries."""
import re

RATES = {"eur": 1.0, "usd": 0.92}


def word_counts(lines):
    counts = {}
    for line in lines:
        for word in line.split():
            # heal: key-error dict-get-augmented
            counts[word] += 1
    return counts


def by_account(entries):
    groups = {}
    for account, amount in [("cash", 3), ("bank", 4)]:
        # heal: key-error dict-setdefault
        groups[account].append(amount)
    return groups


def convert(amount):
    # heal: key-error dict-get
    return amount * RATES["gbp"]


def first_invoice():
    invoices = []
    # heal: index-error index-or-default
    latest = invoices[0]
    return latest


def invoice_year(reference):
    match = re.match(r"INV-(\d{4})", "draft")
    # heal: none-attribute guard-not-none
    print("year", match.group(1))
    return reference


def average(values):
    total = sum([3, 4])
    count = 0
    # heal: division-by-zero divide-or-zero
    return total / count


def tags():
    found = None
    # heal: none-iteration iterate-or-empty
    for tag in found:
        print(tag)


def next_batch():
    pending = iter([])
    # heal: stop-iteration next-default
    return next(pending)
