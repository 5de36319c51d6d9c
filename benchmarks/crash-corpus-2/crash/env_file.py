"""Reads a .env-style file into a dict and prints the effective settings."""

ENV_TEXT = """
APP_NAME=ledger
APP_DEBUG=false
# database
DB_URL=postgres://localhost/ledger
export FEATURE_FLAGS
WORKERS=4
"""


def parse_env(text):
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, value = line.split("=")
        values[key] = value
    return values


def main():
    print("loading environment")
    env = parse_env(ENV_TEXT)
    for key in sorted(env):
        print(f"  {key} = {env[key]}")
    print(f"{len(env)} variables")


main()
