"""Counts the ways to climb a staircase taking one or two steps at a time."""


def ways(steps, memo):
    if steps in memo:
        return memo[steps]
    if steps == 1:
        return 1
    result = ways(steps - 1, memo) + ways(steps - 2, memo)
    memo[steps] = result
    return result


def requested(text):
    counts = []
    for part in text.split(","):
        part = part.strip()
        if part.isdigit():
            counts.append(int(part))
    return counts


def cache_report(memo):
    if not memo:
        return "cache empty"
    return f"cache holds {len(memo)} entries, largest n={max(memo)}"


def main():
    memo = {}
    wanted = requested("1, 3, x, 5")
    print(f"ways to climb ({len(wanted)} staircases):")
    for steps in wanted:
        print(f"  {steps} steps: {ways(steps, memo)}")
        print("  " + cache_report(memo))


main()
