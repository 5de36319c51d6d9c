"""Narrowing by type checks, and properties read like attributes."""


class Shape:
    def __init__(self, width, height):
        self.width = width
        self.height = height

    @property
    def area(self):
        return self.width * self.height

    @property
    def label(self):
        return "shape"

    @label.setter
    def label(self, value):
        self._label = value


class Square(Shape):
    pass


def exact(value):
    if type(value) is int:
        return value
    return "not an int"


def described(thing):
    if hasattr(thing, "width"):
        return thing.width
    return None


def only_shapes(cls):
    if issubclass(cls, Shape):
        return cls
    return None


box = Shape(2, 3)
area = box.area  # hover[area]: 6 (int)
label = box.label  # hover[label]: 'shape' (str)
whole = exact(4)  # hover[whole]: 4 (int)
text = exact("4")  # hover[text]: Value**: `'not an int' (str)`
width = described(box)  # hover[width]: Value**: `2 (int)`
nothing = described(None)  # hover[nothing]: Value**: `None`
kind = only_shapes(Square)  # hover[kind]: Value**: `class Square`


class Session:
    """Attribute paths narrow like names, until the path is assigned again."""

    def __init__(self, token=None):
        self.token = token if token else None
        self.cache = None

    def header(self):
        if self.token is not None:
            return self.token.upper()  # expect-not: none-attribute
        return ""

    def cached(self):
        if not self.cache:
            return {}
        return self.cache.copy()  # expect-not: none-attribute

    def reset(self):
        self.cache = None
        return self.cache.keys()  # expect: none-attribute confidence=definite


class AuthBase:
    """A mixin reading what its subclasses define."""

    def header(self):
        return self.auth_header  # expect-not: unknown-attribute


class BasicAuth(AuthBase):
    auth_header = "Authorization"


class Absent:
    """A sentinel class compared by identity."""


def cookie_domain(domain=Absent):
    if domain is Absent:
        return ""
    return domain.lower()  # expect-not: unknown-attribute


print(cookie_domain("Example.org"))


def build(source):
    namespace = {}
    # `source` is a parameter: the finding is only possible, below the default threshold.
    exec(source, {}, namespace)  # expect-not: eval-injection
    return namespace["build"]  # expect-not: key-error


class Builder:
    """A filter that may be missing, checked inline with `and`."""

    def __init__(self, accept=None):
        self._filter = accept if accept else None

    def keep(self, node):
        return bool(self._filter and self._filter.accept(node))  # expect-not: none-attribute


try:
    import zlib_fast_unavailable as fast
except ImportError:
    fast = None


def compress(data):
    return fast.compress(data)  # expect-not: none-attribute


class PathParam:
    """A helper method that always raises ends the path that calls it."""

    def fail(self, message):
        raise ValueError(message)

    def size(self, path):
        try:
            info = open(path)
        except OSError:
            self.fail(f"{path} is missing")
        return info.read()  # expect-not: possibly-unbound
