"""Sorts release tags by semantic version and reports the newest one."""

import re

VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")

TAGS = ["v1.2.0", "v1.10.3", "1.9.7", "latest", "v2.0.1"]


def parse_version(tag):
    match = VERSION.match(tag)
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch)


def newest(tags):
    best = None
    for tag in tags:
        version = parse_version(tag)
        print(f"  {tag:<8} -> {version}")
        if best is None or version > best[1]:
            best = (tag, version)
    return best


def main():
    print(f"checking {len(TAGS)} tags")
    tag, version = newest(TAGS)
    print(f"newest: {tag} {version}")


main()
