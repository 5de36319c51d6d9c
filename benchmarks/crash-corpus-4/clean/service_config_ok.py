"""Parses an INI-like service configuration and builds connection settings."""

CONFIG_TEXT = """
[server]
host = 0.0.0.0
port = 8080
workers = 4

[database]
host = db.internal
name = orders
user = app

[logging]
level = info
"""

DEFAULTS = {
    "server": {"port": "80", "workers": "1"},
    "logging": {"level": "warning", "format": "plain"},
}


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


def with_defaults(sections):
    merged = {}
    for name, values in sections.items():
        combined = dict(DEFAULTS.get(name, {}))
        combined.update(values)
        merged[name] = combined
    return merged


def database_url(config):
    db = config["database"]
    host = db["host"]
    port = int(db.get("port", "5432"))
    return f"postgres://{db['user']}@{host}:{port}/{db['name']}"


def main():
    config = with_defaults(parse_sections(CONFIG_TEXT))
    for name in sorted(config):
        print(f"[{name}] {len(config[name])} keys")
    server = config["server"]
    print(f"listening on {server['host']}:{server['port']} with {server['workers']} workers")
    print("database:", database_url(config))


main()
