"""Walks an org chart: reporting chains up to the CEO and team sizes down the tree."""

EMPLOYEES = {
    "maria": None,
    "tom": "maria",
    "lin": "maria",
    "raj": "tom",
    "sofia": "tom",
    "ken": "lin",
    "ola": "pia",
    "pia": "ola",
}


def reports_of(manager):
    return sorted(name for name, boss in EMPLOYEES.items() if boss == manager)


def team_size(manager):
    return sum(1 + team_size(report) for report in reports_of(manager))


def chain_to_top(name, seen=()):
    boss = EMPLOYEES[name]
    if boss is None or boss in seen:
        return [name]
    return [name] + chain_to_top(boss, seen + (name,))


def print_tree(manager, depth=0):
    print("  " * depth + f"{manager} ({team_size(manager)} below)")
    for report in reports_of(manager):
        print_tree(report, depth + 1)


def main():
    print_tree("maria")
    for name in sorted(EMPLOYEES):
        print(f"{name}: " + " -> ".join(chain_to_top(name)))


main()
