"""Helpers shared by the application."""


# hover[greet]: (function) def greet(name: str, greeting: str = "hello") -> str
# hover[greet]: `app.util.greet`
# hover[greet]: --- Return a greeting for `name`.
# hover[greeting]: (parameter) greeting: str = "hello"
def greet(name: str, greeting: str = "hello") -> str:
    """Return a greeting for `name`.

    The greeting word can be changed.
    """
    return f"{greeting}, {name}"  # hover[name]: (parameter) name: str


# hover[Counter]: Counts things.
class Counter:  # hover[Counter]: (class) class Counter
    """Counts things."""

    def __init__(self, start=0):
#       ^^^^^^^^ hover: (method) def __init__(self, start=0)
#                      ^^^^^ hover: (parameter) start = 0
        self.value = start  # hover[start]: `app.util.Counter.__init__.start`

    # hover[bump]: (method) def bump(self)
    # hover[bump]: `app.util.Counter.bump`
    def bump(self):
        self.value += 1  # hover[self]: (parameter) self
        return self.value
