"""Functions that change what they are given, and the callers that must notice."""


# hover[record]: **Mutates arguments**: `entries`
# hover[record]: **Returns arguments**: `amount`
def record(entries, amount):
    entries["last"] = amount
    return amount


# hover[forward]: **Mutates arguments**: `target`
def forward(target, amount):
    record(target, amount)


# hover[echo]: **Returns arguments**: `first`, `second`
def echo(first, second):
    return first, second


def append_to(items, item):  # hover[append_to]: **Mutates arguments**: `items`
    items.append(item)


totals = {}
forward(totals, 10)
print(totals["last"])  # expect-not: key-error

empty = {}
print(empty["last"])  # expect: key-error


def fee(amount):  # hover[fee]: **At its calls** - `2 (int)` — call at L37 - `5 (int)` — call at L38
    return amount // 10


small = fee(20)
large = fee(50)


def tally(words):
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    for word in list(counts.keys()):
        counts[word] += 1  # expect-not: key-error
    seen = {}
    for word in words:
        if word in seen:
            seen[word] += 1  # expect-not: key-error
        else:
            seen[word] = 1
    return counts, seen
