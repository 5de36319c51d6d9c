"""Counters made by a dict comprehension over a known list have exactly those keys."""

CANDIDATES = ["oak", "birch", "maple"]
BALLOTS = [["oak", "maple"], ["birch"], ["willow", "oak"]]


def tally(ballots):
    counts = {name: 0 for name in CANDIDATES}
    for ballot in ballots:
        # Running the file reaches this with 'willow': definite.
        # expect: key-error confidence=definite
        counts[ballot[0]] += 1
    return counts


def tally_known(ballots):
    counts = {name: 0 for name in CANDIDATES}
    for ballot in ballots:
        if ballot[0] in counts:
            counts[ballot[0]] += 1
    print(counts["oak"], counts["maple"])
    return counts


def tally_skipping(ballots):
    counts = {name: 0 for name in CANDIDATES}
    for ballot in ballots:
        if ballot[0] not in counts:
            print("spoilt", ballot)
            continue
        counts[ballot[0]] += 1
    return counts


def lengths(words):
    # Keys computed from unknown words: the dict is open, nothing is known missing.
    sizes = {word: len(word) for word in words}
    return sizes["oak"]


print(tally(BALLOTS), tally_known(BALLOTS), tally_skipping(BALLOTS), lengths(input().split()))
