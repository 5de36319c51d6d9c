"""Deep-merges layered settings dictionaries (defaults, site, user)."""

DEFAULTS = {"ui": {"theme": "light", "font": 12}, "sync": {"enabled": False}}
SITE = {"sync": {"enabled": True, "interval": 300}}
USER = {"ui": {"theme": "dark"}}


def deep_merge(base, override):
    from collections import Mapping

    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def main():
    settings = DEFAULTS
    print(f"merging {len(SITE) + len(USER)} overrides")
    for layer in (SITE, USER):
        print("  layer with", ", ".join(sorted(layer)))
        settings = deep_merge(settings, layer)
    for section, values in sorted(settings.items()):
        print(section, values)


main()
