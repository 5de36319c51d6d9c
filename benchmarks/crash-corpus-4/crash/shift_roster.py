"""Assigns on-call shifts to the first available engineer with the needed skill."""

ENGINEERS = [
    {"name": "asha", "skills": {"db", "network"}, "max_shifts": 2},
    {"name": "bo", "skills": {"frontend"}, "max_shifts": 3},
    {"name": "chen", "skills": {"db", "frontend"}, "max_shifts": 1},
]

SHIFTS = [
    ("mon", "db"),
    ("tue", "frontend"),
    ("wed", "db"),
    ("thu", "db"),
    ("fri", "network"),
]


def available(engineers, load, skill):
    for engineer in engineers:
        if skill in engineer["skills"] and load[engineer["name"]] < engineer["max_shifts"]:
            yield engineer


def assign(shifts, engineers):
    load = {e["name"]: 0 for e in engineers}
    roster = []
    for day, skill in shifts:
        candidates = available(engineers, load, skill)
        chosen = next(candidates)
        load[chosen["name"]] += 1
        roster.append((day, skill, chosen["name"]))
        print(f"{day}: {skill:<8} -> {chosen['name']}")
    return roster, load


def main():
    roster, load = assign(SHIFTS, ENGINEERS)
    print(f"{len(roster)} shifts assigned")
    for name, count in sorted(load.items()):
        print(f"  {name}: {count}")


main()
