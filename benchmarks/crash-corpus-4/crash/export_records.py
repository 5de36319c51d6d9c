"""Exports user records in the format chosen by the (inline) settings."""

import json

SETTINGS = {"export_format": "tsv", "include_inactive": False}

USERS = [
    {"id": 1, "name": "Ada", "email": "ada@example.test", "active": True},
    {"id": 2, "name": "Brook", "email": "brook@example.test", "active": False},
    {"id": 3, "name": "Cy", "email": "cy@example.test", "active": True},
]

FORMAT = SETTINGS.get("export_format", "json")

if FORMAT == "json":
    def serialise(record):
        return json.dumps(record, sort_keys=True)
elif FORMAT == "csv":
    def serialise(record):
        return ",".join(str(record[k]) for k in ("id", "name", "email"))


def selected(users):
    if SETTINGS["include_inactive"]:
        return list(users)
    return [u for u in users if u["active"]]


def export(users):
    lines = []
    for user in selected(users):
        lines.append(serialise(user))
    return lines


def main():
    print(f"exporting {len(USERS)} users as {FORMAT}")
    print(f"{len(selected(USERS))} users selected")
    for line in export(USERS):
        print(line)


main()
