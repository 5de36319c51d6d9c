"""If/elif chains whose tests cover every case between them."""

MISSING = object()


class Field:
    def __init__(self, default=MISSING, factory=MISSING):
        self.default = default
        self.factory = factory


def init_line(field, name):
    if field.default is MISSING and field.factory is MISSING:
        value = name
    elif field.default is not MISSING:
        value = f"{name}={field.default!r}"
    elif field.factory is not MISSING:
        value = f"{name}=factory()"
    return value


def sign_word(number):
    if number < 0:
        word = "negative"
    elif number >= 0:
        word = "non-negative"
    return word


def size_word(items):
    if len(items) == 0:
        word = "empty"
    elif len(items) == 1:
        word = "single"
    # expect: possibly-unbound
    return word


def last_header(headers):
    for header in headers:
        if header.startswith("X-"):
            break
    # expect: possibly-unbound confidence=possible
    return header


def first_long_word(words):
    for word in words:
        if len(word) > 3:
            longest = word
            break
    # expect: possibly-unbound confidence=possible
    return longest


def leading_comments(lines):
    for at, line in enumerate(lines):
        if not line.startswith("#"):
            break
    # expect: possibly-unbound confidence=possible
    return lines[:at]
