"""Prints a leaderboard of players sorted by score."""

SCORES = {"mia": 340, "leo": 410, "zoe": 275, "ian": 410}


def medal(position):
    return {1: "gold", 2: "silver", 3: "bronze"}.get(position, "")


def summary(scores):
    values = list(scores.values())
    mean = sum(values) / len(values)
    return f"best {max(values)}, worst {min(values)}, mean {mean:.1f}"


def ranked_names(scores):
    names = list(scores)
    names.sort(key=lambda name: (-scores[name], name))
    return names


def main():
    print(f"{len(SCORES)} players")
    print(summary(SCORES))
    for position, name in enumerate(ranked_names(SCORES), start=1):
        print(f"{position}. {name:<4} {SCORES[name]} {medal(position)}".rstrip())


main()
