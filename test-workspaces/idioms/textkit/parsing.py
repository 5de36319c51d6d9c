"""Settings and numbers read from text the program itself holds."""

SETTINGS = """
name=ledger
# comment
workers=4
verbose
"""


def parse(text):
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, value = line.split("=")  # expect: unpack-mismatch
        values[key] = value
    return values


def parse_guarded(text):
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=")
        values[key] = value
    return values


def numbers(text):
    found = []
    for part in text.split(","):
        part = part.strip()
        if part.isdigit():
            found.append(int(part))
    return found


def numbers_careless(text):
    found = []
    for part in text.split(","):
        found.append(int(part.strip()))  # expect: bad-builtin-arg
    return found


head, _, tail = "key: value".partition(":")  # hover[tail]: ' value' (str)
first = "a b  c".split()[2]  # hover[first]: 'c' (str)


print(parse(SETTINGS), parse_guarded(SETTINGS), numbers("1, 2, x"), numbers_careless("1, x"))


def parse_setting(line):
    """A config value turned into a constant only when it is one of a few spellings."""
    key, value = line.split("=")
    value = value.strip()
    if value in ["True", "False", "None"]:
        constant = value  # hover[constant]: 'True' (str) | 'False' (str) | 'None' (str)
        value = eval(constant)
    return key.strip(), value


def speed_of(mode):
    mode = str(mode)
    if mode == "fast":
        return mode  # hover[mode]: 'fast' (str)
    return "normal"
