"""Loads a .env style block into a settings dict, expanding ${VAR} references."""

import re

ENV_TEXT = """
# application settings
APP_NAME=inventory
APP_ENV=staging
DB_HOST=db.staging.local
DB_URL=postgres://${DB_HOST}/inventory
FEATURE_FLAGS=search,export
JWT_SECRET=abc=def==
"""

REF = re.compile(r"\$\{(\w+)\}")


def parse_env(text):
    settings = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, value = line.split("=", 1)
        settings[key] = value
        print(f"read {key}")
    return settings


def expand(settings):
    expanded = {}
    for key, value in settings.items():
        expanded[key] = REF.sub(lambda m: settings.get(m.group(1), ""), value)
    return expanded


def main():
    settings = expand(parse_env(ENV_TEXT))
    print(f"{len(settings)} settings loaded")
    for key in sorted(settings):
        print(f"  {key} = {settings[key]}")
    flags = settings["FEATURE_FLAGS"].split(",")
    print(f"features enabled: {', '.join(flags)}")


main()
