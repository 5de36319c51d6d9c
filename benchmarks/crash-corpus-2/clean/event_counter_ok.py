"""Processes a stream of events and keeps a running count of errors."""

EVENTS = [
    ("info", "service started"),
    ("warn", "disk 80% full"),
    ("error", "timeout talking to db"),
    ("info", "request served"),
    ("error", "timeout talking to db"),
]

error_count = 0
seen_messages = set()


def handle(level, message):
    global error_count
    seen_messages.add(message)
    if level == "error":
        error_count += 1
        print(f"  error #{error_count}: {message}")
    else:
        print(f"  {level}: {message}")


def main():
    print(f"processing {len(EVENTS)} events")
    for level, message in EVENTS:
        handle(level, message)
    print(f"{error_count} errors, {len(seen_messages)} distinct messages")


main()
