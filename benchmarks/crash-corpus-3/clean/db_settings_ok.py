"""Builds connection strings from a nested settings mapping."""

SETTINGS = {
    "primary": {"host": "db1.internal", "port": 5432, "user": "app", "timeout": 30},
    "replica": {"host": "db2.internal", "port": 5432, "user": "reader"},
}


def connection_string(name, options):
    return f"postgres://{options['user']}@{options['host']}:{options['port']}/{name}"


def describe(name):
    options = SETTINGS[name]
    timeout = options.get("timeout", 10)
    return f"{connection_string(name, options)} (timeout {timeout}s)"


def main():
    print("databases:", ", ".join(SETTINGS))
    for name in SETTINGS:
        print(describe(name))


main()
