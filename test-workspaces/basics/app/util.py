"""Helpers shared by the application."""


def greet(name: str, greeting: str = "hello") -> str:
    """Return a greeting for `name`.

    The greeting word can be changed.
    """
    return f"{greeting}, {name}"


class Counter:
    """Counts things."""

    def __init__(self, start=0):
        self.value = start

    def bump(self):
        self.value += 1
        return self.value
