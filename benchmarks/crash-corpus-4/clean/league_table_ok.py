"""Builds league tables per division and announces the leader of each."""

RESULTS = [
    ("premier", "Falcons", 3, 1),
    ("premier", "Rovers", 1, 1),
    ("premier", "Falcons", 2, 0),
    ("premier", "United", 0, 2),
    ("premier", "Rovers", 4, 2),
    ("premier", "United", 1, 0),
    ("amateur", "Badgers", 2, 2),
    ("amateur", "Otters", 1, 0),
]

MIN_GAMES = 2


class TeamRecord:
    def __init__(self, name):
        self.name = name
        self.played = 0
        self.points = 0

    def add(self, scored, conceded):
        self.played += 1
        if scored > conceded:
            self.points += 3
        elif scored == conceded:
            self.points += 1


def build_table(division):
    records = {}
    for div, team, scored, conceded in RESULTS:
        if div != division:
            continue
        records.setdefault(team, TeamRecord(team)).add(scored, conceded)
    return list(records.values())


def ranked(records):
    qualified = [r for r in records if r.played >= MIN_GAMES]
    return sorted(qualified, key=lambda r: (-r.points, r.name))


def announce(division):
    table = ranked(build_table(division))
    for position, record in enumerate(table, start=1):
        print(f"  {position}. {record.name:<8} {record.played} played, {record.points} pts")
    if not table:
        print(f"  {division}: no team has played {MIN_GAMES} games yet")
        return
    leader = table[0]
    print(f"  {division} leader: {leader.name}")


def main():
    for division in ("premier", "amateur"):
        print(f"{division}:")
        announce(division)


main()
