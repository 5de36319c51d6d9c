"""Reading ledger lines typed by people: amounts that do not parse, short rows."""

LINES = ["rent;900", "food;n/a", "travel;120"]
ROWS = ["2026-01-03 cash 40", "2026-01-04 bank", "2026-01-05 card 12"]
OPENING = "12.50 EUR"
LAST_ENTRY = ("2026-01-03", "cash", 40)


def total_spent(lines):
    total = 0
    for line in lines:
        category, amount = line.split(";")
        # heal: bad-builtin-arg skip-item-on-error
        total += int(amount)
        print(category, amount)
    return total


def opening_balance():
    # heal: bad-builtin-arg fallback-on-parse-error
    balance = float(OPENING)
    return balance


def entries(rows):
    parsed = []
    for row in rows:
        # heal: unpack-mismatch skip-item-on-error
        day, account, amount = row.split()
        parsed.append((day, account, amount))
    return parsed


def account_of():
    # heal: unpack-mismatch ignore-extra-values
    day, account = LAST_ENTRY
    return account


def share(amounts):
    kept = [amount for amount in amounts if amount > 100]
    # heal: division-by-zero divide-or-zero
    return sum(kept) / len(kept)


def largest_expense(amounts):
    large = [amount for amount in amounts if amount > 100]
    # heal: bad-builtin-arg min-max-default
    return max(large)


def largest_expense_guarded(amounts):
    large = [amount for amount in amounts if amount > 100]
    if not large:
        return 0
    return max(large)


def longest_memo(memos):
    for memo in memos:
        words = memo.split()
        # heal: bad-builtin-arg min-max-default
        print(max(words, key=len))


print(total_spent(LINES), opening_balance(), entries(ROWS), account_of(), share([5, 20]))
print(largest_expense([5, 20]), largest_expense_guarded([5, 20]))
longest_memo(["rent for march", ""])
