"""CLI: plans a backup rotation, `backup_plan.py [start_day] [retention_days]`."""

import sys

DEFAULTS = ["3", "14"]


def parse_args(argv):
    args = argv[1:] or DEFAULTS
    options = {"start_day": int(args[0])}
    options["retention"] = int(args[1]) if len(args) > 1 else 7
    return options


def rotation(start_day, retention, every=7):
    day = start_day
    plan = []
    while len(plan) < 4:
        plan.append(day)
        day += every
    expire = [d + retention for d in plan]
    return list(zip(plan, expire))


def main():
    options = parse_args(sys.argv)
    print(f"start day {options['start_day']}, retention {options['retention']} days")
    for taken, expires in rotation(options["start_day"], options["retention"]):
        print(f"  backup on day {taken:>3}, expires day {expires:>3}")


main()
