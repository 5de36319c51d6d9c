"""Counts log lines per level and prints the most frequent messages."""

LOG = """\
INFO: server started
INFO: listening on port 8080
WARNING: disk usage at 81%
ERROR: failed to open cache file
INFO: request served
continuation of the previous stack trace
ERROR: failed to open cache file
"""


def parse(text):
    entries = []
    for line in text.splitlines():
        level, message = line.split(": ", 1)
        entries.append((level, message))
    return entries


def count_levels(entries):
    counts = {}
    for level, _ in entries:
        counts[level] = counts.get(level, 0) + 1
    return counts


def main():
    print(f"{len(LOG.splitlines())} raw lines")
    entries = parse(LOG)
    for level, count in sorted(count_levels(entries).items()):
        print(f"{level:8} {count}")


main()
