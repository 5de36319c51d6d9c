"""Loads an INI-like service configuration and prints a connection summary."""

DEFAULTS = {
    "server": {"host": "127.0.0.1", "port": "8000"},
    "database": {"name": "app", "user": "app"},
}

CONFIG_TEXT = """
# production overrides
[server]
host = 0.0.0.0
port = 9000

[database]
name = inventory
user = svc
"""


def parse_sections(text):
    sections = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = {}
            continue
        key, _, value = line.partition("=")
        sections[current][key.strip()] = value.strip()
    return sections


def merged(defaults, parsed):
    result = {}
    for section, values in defaults.items():
        combined = dict(values)
        combined.update(parsed.get(section, {}))
        result[section] = combined
    return result


def describe(settings):
    server = settings["server"]
    print(f"listening on {server['host']}:{server['port']}")
    db = settings["database"]
    print(f"database {db['name']} as {db['user']}")
    timeout = int(db.get("timeout", "30"))
    print(f"timeout {timeout}s")


def main():
    settings = merged(DEFAULTS, parse_sections(CONFIG_TEXT))
    print(f"{len(settings)} sections")
    describe(settings)
    print("ready")


main()
