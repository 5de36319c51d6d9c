"""A base widget, extended by mixins elsewhere."""


class Widget:
    def __init__(self, name):
        self.name = name
        self.handle = f".{name}"


import sys

if sys.platform == "win32":

    class Arena:
        """Shared memory backed by a named mapping."""

        _names = iter(range(100))

        def __init__(self, size):
            self.size = size
            self.name = f"arena-{next(self._names)}"

else:

    class Arena:
        """Shared memory backed by an anonymous file."""

        def __init__(self, size):
            self.size = size
            self.name = None
