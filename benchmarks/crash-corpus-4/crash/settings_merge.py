"""Deep-merges layered settings (defaults < site < user) and prints the result."""

DEFAULTS = {
    "ui": {"theme": "light", "font_size": 12, "panels": ["files", "search"]},
    "editor": {"tab_width": 4, "wrap": False},
    "telemetry": True,
}

SITE = {"ui": {"theme": "corporate"}, "telemetry": False}

USER = {"ui": {"font_size": 14}, "editor": {"wrap": True}}


def is_mapping(value):
    from collections import Mapping

    return isinstance(value, Mapping)


def deep_merge(base, override):
    result = dict(base)
    for key, value in override.items():
        if key in result and is_mapping(result[key]) and is_mapping(value):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def flatten(settings, prefix=""):
    for key in sorted(settings):
        value = settings[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, name + ".")
        else:
            yield name, value


def main():
    layers = [("defaults", DEFAULTS), ("site", SITE), ("user", USER)]
    for label, layer in layers:
        print(f"layer {label}: {len(list(flatten(layer)))} values")
    merged = {}
    for label, layer in layers:
        merged = deep_merge(merged, layer)
        print(f"after {label}: {len(list(flatten(merged)))} values")
    for name, value in flatten(merged):
        print(f"  {name} = {value!r}")


main()
