import json

DEFAULTS = {"retries": 3}


def setting(name):
    try:
        return DEFAULTS[name]
    except KeyError:
        return None


print(setting("retries"), setting("timeout"))
print(json.dumps({"a": 1}))
