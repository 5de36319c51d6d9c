"""Summarises an HTTP access log: requests per status class and slowest path."""

import re

LOG = """\
2024-03-01T10:00:01 GET /index.html 200 12ms
2024-03-01T10:00:02 GET /api/orders 200 85ms
2024-03-01T10:00:02 POST /api/orders 201 140ms
2024-03-01T10:00:04 GET /api/orders/17 404 9ms
2024-03-01T10:00:05 GET /static/app.js 304 3ms
2024-03-01T10:00:07 health-check ok
2024-03-01T10:00:09 GET /api/reports 500 910ms
"""

LINE_RE = re.compile(r"^(\S+) (GET|POST|PUT|DELETE) (\S+) (\d{3}) (\d+)ms$")


def parse_line(line):
    match = LINE_RE.match(line)
    if match is None:
        return None
    timestamp, method, path, status, millis = match.groups()
    return {
        "time": timestamp,
        "method": method,
        "path": path,
        "status": int(status),
        "ms": int(millis),
    }


def summarise(entries):
    classes = {}
    for entry in entries:
        key = f"{entry['status'] // 100}xx"
        classes[key] = classes.get(key, 0) + 1
    slowest = max(entries, key=lambda e: e["ms"])
    return classes, slowest


def main():
    entries = []
    for number, line in enumerate(LOG.splitlines(), start=1):
        entry = parse_line(line)
        if entry is None:
            print(f"line {number}: skipped")
            continue
        print(f"line {number}: {entry['method']} {entry['path']} -> {entry['status']}")
        entries.append(entry)
    classes, slowest = summarise(entries)
    for key in sorted(classes):
        print(f"{key}: {classes[key]}")
    print(f"slowest: {slowest['path']} ({slowest['ms']} ms)")


main()
