"""Tallies ranked ballots by first choice and prints the standings."""

CANDIDATES = ["oak", "birch", "maple"]

BALLOTS = [
    ["oak", "maple"],
    ["birch", "oak"],
    ["oak"],
    ["maple", "birch", "oak"],
    ["willow", "oak"],
]


def tally(ballots):
    counts = {name: 0 for name in CANDIDATES}
    for ballot in ballots:
        if ballot[0] in counts:
            counts[ballot[0]] += 1
    return counts


def main():
    print(f"{len(BALLOTS)} ballots for {len(CANDIDATES)} candidates")
    counts = tally(BALLOTS)
    for name, votes in sorted(counts.items(), key=lambda pair: -pair[1]):
        print(f"{name:6} {votes}")


main()
